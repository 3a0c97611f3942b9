#!/bin/sh
# Builds the fault-injection shim (scripts/faults/faultshim.c) with cc; not part of the product.
# Usage: scripts/faults/build.sh [OUTPUT]   (default: .build/faults/faultshim.so)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../.build/faults/faultshim.so}
mkdir -p "$(dirname "$out")"
# cc, else the clang that comes with the Swift toolchain (a machine with Swift has one of them).
compiler=${CC:-$(command -v cc || command -v clang || echo cc)}
if [ ! -f "$out" ] || [ "$here/faultshim.c" -nt "$out" ]; then
  "$compiler" -O1 -Wall -Wextra -fPIC -shared -o "$out.tmp.$$" "$here/faultshim.c" -ldl
  mv -f "$out.tmp.$$" "$out"
fi
echo "$out"
