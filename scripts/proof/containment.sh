#!/usr/bin/env bash
# Containment proof (DESIGN.md promise 4), the heavy version: scripts/proof/containment.py with
# 2,000 seeded random byte-soup names beside the fixed adversarial ones, and every policy
# variant (a local disk, SharePoint Online's rules, renaming off). Nothing may change outside
# the target and the rewrite's output folder; no command may crash.
#   scripts/proof/containment.sh            (seed 17; ATTACHE_PROOF_SEED=N and
#                                            ATTACHE_PROOF_NAMES=N change the seed and the count)
# Last line on stdout: PROOF containment|escapes|0|pass (or FAIL).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
exec python3 -B "$here/containment.py" --seed "${ATTACHE_PROOF_SEED:-17}" --random "${ATTACHE_PROOF_NAMES:-2000}" --variants 3
