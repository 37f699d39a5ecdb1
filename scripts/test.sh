#!/usr/bin/env bash
# Runs every test with ava and ends with the plain "N passed, N failed" line taken from
# the run itself (CI does not read ava's own summary).
set -uo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
npx ava --tap "$@" | tee "$log"
status=${PIPESTATUS[0]}
passed=$(grep -cE '^ok [0-9]+' "$log" || true)
failed=$(grep -cE '^not ok [0-9]+' "$log" || true)
skipped=$(grep -cE '^ok [0-9]+ .*# SKIP' "$log" || true)
todo=$(grep -cE '# TODO' "$log" || true)
passed=$((passed - skipped - todo))
# ava's own count also holds the tests of a file whose process died before they reported.
tapfailed=$(sed -nE 's/^# fail ([0-9]+)$/\1/p' "$log" | tail -1)
if [ -n "$tapfailed" ] && [ "$tapfailed" -gt "$failed" ]; then
  failed=$tapfailed
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # ava failed outside a test (a crashed worker, an uncaught error, a timeout): count it.
  failed=1
fi
echo "${passed} passed, ${failed} failed"
exit "$status"
