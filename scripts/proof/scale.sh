#!/usr/bin/env bash
# scripts/proof/scale.sh — attache on synthetic catalogs of N files and 2·N references (rows
# generated directly by make_scale_catalog.py: no file contents), at every N in one run:
# refs --force (extract and resolve the 2·N references; forced, so that a second run of the
# script on the same catalogs measures the whole read again, not the unchanged-source skip) → plan (keep-one duplicates, a rule) → report
# (JSON) → list files (CSV). Prints each stage's wall time, CPU time (user + system: steadier
# than wall time on a shared machine) and peak RSS, the growth from the
# smallest N to the largest, and the plan's peak RSS per file.
#
#   bash scripts/proof/scale.sh [--files "1000000 10000000"] [--data DIR] [--attache PATH]
#
# Last line on stdout: PROOF scale|plan bytes per file at N|B|pass when B ≤ 400 (issue 17's
# target), else FAIL. Needs /usr/bin/time (GNU time) for peak RSS.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
sizes="1000000 10000000"
data="${ATTACHE_BENCH_DATA:-/work/bench-data}/scale"
attache="$repo/.build/release/attache"
while [ $# -gt 0 ]; do
  case $1 in
    --files) sizes=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --attache) attache=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale: unknown option $1" >&2; exit 2 ;;
  esac
done
fail() { echo "scale: $*" >&2; echo "PROOF scale|plan bytes per file|?|FAIL"; exit 1; }
[ -x /usr/bin/time ] || fail "/usr/bin/time (GNU time) is needed for peak RSS: apt-get install time"
if [ ! -x "$attache" ]; then
  (cd "$repo" && swift build -q -c release --product attache) >&2 || fail "release build failed"
fi
mkdir -p "$data"

# stage NAME DIR COMMAND… — runs COMMAND in DIR; prints "NAME seconds peak-KiB" (exit 0 or 3,
# "done, look at the findings", is success; anything else stops the proof)
stage() {
  local name=$1 dir=$2; shift 2
  (cd "$dir" && /usr/bin/time -o "$dir/$name.time" -f '%e %M %U %S' "$@" >/dev/null 2>"$dir/$name.err")
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then echo "$name"; return; fi
  echo "$name $(tail -1 "$dir/$name.time")"
}

declare -A secs=() rss=() cpu=()
printf '%-10s %-8s %10s %10s %12s %14s\n' files stage seconds "CPU s" "peak MiB" "bytes a file" >&2
for n in $sizes; do
  dir="$data/files-$n"
  if [ ! -f "$dir/made" ]; then
    echo "scale: making $dir ($n files, $((2 * n)) references)" >&2
    python3 "$here/make_scale_catalog.py" "$dir" --files "$n" --attache "$attache" >&2 || fail "making the $n-file catalog failed"
    touch "$dir/made"
  fi
  rm -f "$dir/report.json"
  for step in refs plan report list; do
    case $step in
      refs) line=$(stage refs "$dir" "$attache" refs --force) ;;
      plan) line=$(stage plan "$dir" "$attache" plan --policy policy.yaml) ;;
      report) line=$(stage report "$dir" "$attache" report --format json --out report.json) ;;
      list) line=$(stage list "$dir" "$attache" list files --format csv) ;;
    esac
    read -r _ s k u y <<< "$line"
    c=$(awk -v u="${u:-0}" -v y="${y:-0}" 'BEGIN { printf "%.2f", u + y }')
    [ -n "${k:-}" ] || fail "$step at $n files failed: $(tail -3 "$dir/$step.err")"
    secs[$n.$step]=$s; rss[$n.$step]=$k; cpu[$n.$step]=$c
    printf '%-10s %-8s %10s %10s %12s %14s\n' "$n" "$step" "$s" "$c" "$((k / 1024))" "$((k * 1024 / n))" >&2
    echo "scale $n $step ${s}s ${c}s-cpu $((k / 1024))MiB $((k * 1024 / n))B/file"
  done
done

first=${sizes%% *}; last=${sizes##* }
if [ "$first" != "$last" ]; then
  for step in refs plan report list; do
    echo "scale growth $step: ×$(awk -v a="${secs[$last.$step]}" -v b="${secs[$first.$step]}" 'BEGIN { printf "%.1f", a / b }') time," \
      "×$(awk -v a="${cpu[$last.$step]}" -v b="${cpu[$first.$step]}" 'BEGIN { printf "%.1f", a / b }') CPU," \
      "×$(awk -v a="${rss[$last.$step]}" -v b="${rss[$first.$step]}" 'BEGIN { printf "%.1f", a / b }') memory for" \
      "×$((last / first)) files"
  done
fi
per=$(( ${rss[$last.plan]} * 1024 / last ))
verdict=FAIL; [ "$per" -le 400 ] && verdict=pass
echo "PROOF scale|plan bytes per file at $last files|$per|$verdict"
