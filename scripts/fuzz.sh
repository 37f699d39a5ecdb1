#!/usr/bin/env bash
# Runs the fuzz targets (tx bytes through CheckTx, JSON-RPC bodies through the RPC handler, the
# consensus, block-sync, receipts, queries and relay channels' messages through the node's handlers)
# for FUZZ_INPUTS inputs each (default 1,000,000); results in bench/results/fuzz.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
npx tsx test/fuzz/run.ts
