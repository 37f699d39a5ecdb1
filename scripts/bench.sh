#!/usr/bin/env bash
# Runs every benchmark in bench/; each writes its JSON result under bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
for b in bench/verify.ts $(ls bench/*.ts | grep -v "bench/verify.ts"); do
  echo "== $b"
  npx tsx "$b"
done
ls -l bench/results
