#!/usr/bin/env bash
# expect_output.sh EXPECTED COMMAND [ARGS...] — runs COMMAND, fails unless it
# exits 0 and its output contains the line fragment EXPECTED.
set -uo pipefail
expected=$1
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [[ $rc -ne 0 ]]; then echo "FAILED: exit code $rc" >&2; exit 1; fi
if ! grep -qF -- "$expected" <<<"$out"; then echo "FAILED: output lacks: $expected" >&2; exit 1; fi
