#!/usr/bin/env bash
# Fails when chain/codec/generated does not match what proto/ generates.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npx buf lint proto
npx buf generate proto --template proto/buf.gen.yaml -o "$tmp"
if ! diff -r "$tmp/chain/codec/generated" chain/codec/generated; then
  echo "chain/codec/generated is stale: run 'make proto' and commit the result" >&2
  exit 1
fi
echo "generated protobuf code is up to date"
