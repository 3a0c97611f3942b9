#!/bin/sh
# Builds the fault-injection shim (scripts/faults/faultshim.c) with cc; not part of the product.
# Usage: scripts/faults/build.sh [OUTPUT]   (default: .build/faults/faultshim.so)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../../.build/faults/faultshim.so}
mkdir -p "$(dirname "$out")"
if [ ! -f "$out" ] || [ "$here/faultshim.c" -nt "$out" ]; then
  ${CC:-cc} -O1 -Wall -Wextra -fPIC -shared -o "$out.tmp.$$" "$here/faultshim.c" -ldl
  mv -f "$out.tmp.$$" "$out"
fi
echo "$out"
