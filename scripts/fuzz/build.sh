#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/Package.swift) with coverage instrumentation everywhere
# (`-sanitize=fuzzer` for every Swift module, attache's included), optimised, in .build-fuzz/.
# The main package's own build is untouched. Prints the folder holding the binaries.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${FUZZ_BUILD:-.build-fuzz}
swift build -q -c release --package-path fuzz --build-path "$PWD/$BUILD" -Xswiftc -sanitize=fuzzer >&2
swift build -c release --package-path fuzz --build-path "$PWD/$BUILD" --show-bin-path
