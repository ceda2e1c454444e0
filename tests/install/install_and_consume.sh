#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then configures, builds and
# runs an outside project against it with find_package(Shoal).
set -euo pipefail
build=$1
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/consumer" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
out=$("$work/build/consumer" "$work/graph.svg")
echo "$out"
grep -q "answer 42" <<<"$out"
grep -q "<svg" "$work/graph.svg"
