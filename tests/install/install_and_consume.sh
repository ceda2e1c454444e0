#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, then configures, builds and
# runs an outside project against it with find_package(Shoal); when the
# plugin SDK and the command line were built, also builds the plugin template
# (examples/plugin_template) against the prefix and loads it with the
# installed `shoal`, with the shipped plugins found beside the libraries.
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

shoal="$work/prefix/bin/shoal"
if [[ -f "$work/prefix/include/shoal/plugin.h" && -x "$shoal" ]]; then
  template="$src/../../examples/plugin_template"
  cmake -S "$template" -B "$work/plugin" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
  cmake --build "$work/plugin" >/dev/null
  ops=$(env -u SHOAL_PLUGIN_PATH "$shoal" ops --plugin "$work/plugin/libgreet.so" --plugin text)
  grep -q "greet.language" <<<"$ops"
  grep -q "from: plugin text 1.0.0 ($work/prefix/lib.*/shoal/plugins/libshoal_text.so)" <<<"$ops"
  ran=$(SHOAL_PLUGIN_PATH="$work/plugin" "$shoal" run "$template/greet.shoal.json" --plugin greet)
  echo "$ran"
  grep -q 'loud = "HELLO ADA!"' <<<"$ran"
  grep -q 'french = "bonjour Ada"' <<<"$ran"
fi
