#!/usr/bin/env bash
# Fails when contracts/generated does not match what contracts/*.sol compile to.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npx tsx contracts/build.ts "$tmp" >/dev/null
if ! diff -r "$tmp" contracts/generated; then
  echo "contracts/generated is stale: run 'make contracts' and commit the result" >&2
  exit 1
fi
echo "compiled contracts are up to date"
