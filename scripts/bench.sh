#!/usr/bin/env bash
# Runs every benchmark in bench/; each writes its JSON result under bench/results/.
# bench/soak.ts is not among them: it runs for 30 minutes and has its own target (`make soak`).
# A benchmark that fails does not stop the others: the run goes on, names the failures at the
# end and exits non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/results
failed=()
for b in bench/verify.ts $(ls bench/*.ts | grep -v -e "bench/verify.ts" -e "bench/soak.ts"); do
  echo "== $b"
  if ! npx tsx "$b"; then
    echo "== $b FAILED"
    failed+=("$b")
  fi
done
ls -l bench/results
if [ "${#failed[@]}" -gt 0 ]; then
  echo "failed: ${failed[*]}"
  exit 1
fi
