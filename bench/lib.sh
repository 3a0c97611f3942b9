# bench/lib.sh — helpers shared by the benchmark scripts; sourced, never run.
# shellcheck shell=bash
#
#   set -euo pipefail; export LC_ALL=C.UTF-8     # LC_ALL: '.' as decimal point in awk and printf
#   BENCH_NAME=scan.sh                           # the name the script's messages start with
#   . "$(dirname "$0")/lib.sh"
#
# Some helpers rely on the script: common_opt calls its `usage`; with_rss and run write in TMP
# (made by bench_tmp); md_results prints its APT_NOTE. TIMES, RSSK, FAIL, CMDTEXT, MD and TARGETS
# (declared below) hold the results of run, table and target. After sourcing, a script may set
# MB_FORMAT, TABLE_WIDTH, TABLE_RSS and DISK_HINT and redefine run's hooks.

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd -P)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)

# The options every script takes, at their defaults.
RUNS=3
DATA=${ATTACHE_BENCH_DATA:-/work/bench-data}
ATTACHE=""
SKIP_BUILD=0

# Settings a script may change after sourcing.
MB_FORMAT=%.1f   # how mb prints megabytes
TABLE_WIDTH=72   # width of table's command column
TABLE_RSS=0      # 1: table has a peak-RSS column
DISK_HINT=""     # appended to corpus's "not enough free disk" advice

# ------------------------------------------------------------------ messages and options
die() { echo "$BENCH_NAME: $*" >&2; exit 1; }   # MESSAGE — to stderr, then exit 1
note() { echo "$BENCH_NAME: $*" >&2; }           # MESSAGE — progress, to stderr
# need_int OPTION VALUE — stop unless VALUE is a positive integer
need_int() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 wants a positive integer, got '$2'"; }

# common_opt ARGS... — for the `*)` branch of a script's option loop: takes "$1" if it is an
# option every script has (--runs, --data, --attache, --skip-build, -h/--help) and sets SHIFT to
# the number of arguments it used; on anything else prints the usage and stops.
# shellcheck disable=SC2034   # SHIFT is read by the script
common_opt() {
  case $1 in
    --runs) need_int "$1" "${2-}"; RUNS=$2; SHIFT=2 ;;
    --data) [[ -n ${2-} ]] || die "--data wants a directory"; DATA=$2; SHIFT=2 ;;
    --attache) [[ -n ${2-} ]] || die "--attache wants a path"; ATTACHE=$2; SHIFT=2 ;;
    --skip-build) SKIP_BUILD=1; SHIFT=1 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
}

# ------------------------------------------------------------------ figures
# stats LIST — "median min max" of a space-separated list of numbers, 3 decimals
stats() {
  tr -s ' ' '\n' <<<"$1" | grep . | sort -g | awk '{ v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}
# ratio A B — A ÷ B with 2 decimals, "n/a" unless B > 0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
# within X TARGET — "within target" if X ≤ TARGET, else "OVER target"
within() { awk -v x="$1" -v t="$2" 'BEGIN { print (x != "n/a" && x <= t) ? "within target" : "OVER target" }'; }
# mb KIB — KiB as MB, printed with MB_FORMAT
mb() { awk -v k="$1" -v f="$MB_FORMAT" 'BEGIN { printf f, k / 1024 }'; }
# human_bytes BYTES — "N.NN GiB"
human_bytes() { awk -v b="$1" 'BEGIN { printf "%.2f GiB", b / 1073741824 }'; }
# since T0 — seconds from T0 (an $EPOCHREALTIME) to now, 1 decimal
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }
# have COMMAND — true if COMMAND is on PATH
have() { command -v "$1" >/dev/null 2>&1; }

# ------------------------------------------------------------------ set-up
# bench_tmp PREFIX — TMP: a new temporary directory, removed at exit
bench_tmp() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap 'rm -rf -- "$TMP"' EXIT
  trap 'exit 130' INT TERM
}

# find_time — TIME_BIN: /usr/bin/time (GNU time, for the peak RSS) if present, else empty
find_time() {
  TIME_BIN=""
  [[ -x /usr/bin/time ]] && TIME_BIN=/usr/bin/time
  return 0
}

# find_attache — ATTACHE: --attache's path, else the release build (built first unless
# --skip-build); stops unless it is executable; made absolute.
find_attache() {
  if [[ -z $ATTACHE ]]; then
    have swift || die "swift not found: pass --attache PATH"
    if ((SKIP_BUILD == 0)); then
      note "building attache (release) in $REPO_ROOT"
      (cd "$REPO_ROOT" && swift build -c release --product attache) >&2
    fi
    ATTACHE="$(cd "$REPO_ROOT" && swift build -c release --show-bin-path)/attache"
  fi
  [[ -x $ATTACHE ]] || die "attache binary not found or not executable: $ATTACHE"
  ATTACHE=$(cd "$(dirname "$ATTACHE")" && pwd -P)/$(basename "$ATTACHE")
}

# find_generator — GENERATOR: shared/bench/make_corpus.py next to the repository or in
# /work/shared/bench (stops if neither); GEN_SUM: its SHA-256.
find_generator() {
  GENERATOR="$SCRIPT_DIR/../../shared/bench/make_corpus.py"
  [[ -f $GENERATOR ]] || GENERATOR=/work/shared/bench/make_corpus.py
  [[ -f $GENERATOR ]] || die "make_corpus.py not found next to the repository nor in /work/shared/bench"
  GEN_SUM=$(sha256sum "$GENERATOR" | cut -d' ' -f1)
}

# use_data — create DATA, make it absolute, warn if it is inside the repository
use_data() {
  mkdir -p -- "$DATA"
  DATA=$(cd "$DATA" && pwd -P)
  case "$DATA/" in "$REPO_ROOT/"*) note "warning: --data $DATA is inside the repository" ;; esac
}

# corpus DIR BYTES_NEEDED ARGS... — generate DIR with `make_corpus.py DIR ARGS...` unless
# DIR.stamp says it was made with the same arguments by the same generator (so the scripts
# share their corpora); stops if DATA has less than BYTES_NEEDED free.
corpus() {
  local dir=$1 need=$2; shift 2
  local stamp="$dir.stamp" want
  want=$(printf 'args=%s\ngenerator_sha256=%s' "$*" "$GEN_SUM")
  if [[ -d $dir && -f $stamp && $(<"$stamp") == "$want" ]]; then
    note "reusing $dir"; return 0
  fi
  local avail
  avail=$(($(df -Pk -- "$DATA" | awk 'NR == 2 { print $4 }') * 1024))
  if ((avail < need)); then
    die "not enough free disk in $DATA for $(basename "$dir"): $(human_bytes "$avail") free, about $(human_bytes "$need") needed (use --data DIR elsewhere$DISK_HINT)"
  fi
  rm -rf -- "$dir" "$stamp"
  mkdir -p -- "$(dirname "$dir")"
  note "generating $dir ($*)"
  local t0=$EPOCHREALTIME
  python3 "$GENERATOR" "$dir" "$@" >&2
  note "generated in $(since "$t0") s"
  printf '%s\n' "$want" >"$stamp"
}

# ------------------------------------------------------------------ measuring
declare -A TIMES=() RSSK=() FAIL=() CMDTEXT=()   # per key: wall times, peak RSS (KiB), failure, command shown
MD=""         # the result tables as Markdown
TARGETS=()    # the target lines

# with_rss COMMAND... — run COMMAND, under TIME_BIN when there is one: its peak RSS (KiB) to TMP/rss
with_rss() {
  if [[ -n $TIME_BIN ]]; then
    "$TIME_BIN" -f %M -o "$TMP/rss" "$@"
  else
    "$@"
  fi
}

# Hooks of run, no-ops here: run_before (just before the command), run_failed KEY (after a
# failed run), run_done KEY (after a run that counts, before its progress line).
run_before() { :; }
run_failed() { :; }
run_done() { :; }

# run KEY OK_CODES FUNCTION ARGS... — one timed run of FUNCTION ARGS after a sync: its wall time
# is appended to TIMES[KEY], and its peak RSS in KiB to RSSK[KEY] when it left one in TMP/rss.
# An exit code not in OK_CODES sets FAIL[KEY], and KEY is not run again.
run() {
  local key=$1 ok=$2; shift 2
  [[ -z ${FAIL[$key]-} ]] || return 0
  rm -f -- "$TMP/rss"
  run_before
  sync
  local rc=0 t0 t1
  t0=$EPOCHREALTIME
  "$@" && rc=0 || rc=$?
  t1=$EPOCHREALTIME
  if [[ " $ok " != *" $rc "* ]]; then
    FAIL[$key]="exit $rc"
    note "  $key: FAILED (exit $rc); no further runs of it"
    run_failed "$key"
    return 0
  fi
  local dt extra=""
  dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  TIMES[$key]+="$dt "
  if [[ -s $TMP/rss ]]; then
    local k   # GNU time puts "Command exited with non-zero status N" above the figure
    k=$(tail -n 1 "$TMP/rss")
    if [[ $k =~ ^[0-9]+$ ]]; then
      RSSK[$key]+="$k "; extra="  max RSS $(mb "$k") MB"
    fi
  fi
  run_done "$key"
  note "  $key: ${dt} s$extra"
}

# median_of KEY — the median wall time of KEY
median_of() { stats "${TIMES[$1]}" | cut -d' ' -f1; }
# max_rss_k KEY — the highest peak RSS of KEY in KiB; nothing if none
max_rss_k() { tr -s ' ' '\n' <<<"${RSSK[$1]-}" | grep . | sort -n | tail -n 1 || true; }

# ------------------------------------------------------------------ results
# table TITLE REF_KEY KEYS... — prints the KEYS' rows (CMDTEXT[KEY]; median, min and max s;
# ratio = median ÷ REF_KEY's median; with TABLE_RSS=1 the peak RSS in MB), a failed KEY with its
# FAIL, and appends the same table to MD as Markdown under "### TITLE".
table() {
  local title=$1 ref=$2; shift 2
  local refmed=""
  [[ -n ${TIMES[$ref]-} ]] && refmed=$(median_of "$ref")
  local row="%-${TABLE_WIDTH}s %9s %9s %9s %6s" fail_md=" | | | |"
  local head=(command "median s" "min s" "max s" ratio)
  local head_md="| command | median s | min s | max s | ratio |" rule_md="|---|---:|---:|---:|---:|"
  if ((TABLE_RSS)); then
    row+=" %8s"; head+=("RSS MB"); head_md+=" max RSS MB |"; rule_md+="---:|"; fail_md+=" |"
  fi
  printf '\n%s\n' "$title"
  # shellcheck disable=SC2059   # the format is built above
  printf "$row\n" "${head[@]}"
  MD+=$'\n'"### $title"$'\n\n'"$head_md"$'\n'"$rule_md"$'\n'
  local key med min max r k rss cells line_md
  for key; do
    if [[ -n ${FAIL[$key]-} && -z ${TIMES[$key]-} ]]; then
      printf "%-${TABLE_WIDTH}s %s\n" "${CMDTEXT[$key]}" "${FAIL[$key]}"
      MD+="| \`${CMDTEXT[$key]//|/\\|}\` | ${FAIL[$key]}$fail_md"$'\n'
      continue
    fi
    [[ -n ${TIMES[$key]-} ]] || continue
    read -r med min max < <(stats "${TIMES[$key]}")
    r=n/a; [[ -n $refmed ]] && r=$(ratio "$med" "$refmed")
    cells=("${CMDTEXT[$key]}" "$med" "$min" "$max" "$r")
    line_md="| \`${CMDTEXT[$key]//|/\\|}\` | $med | $min | $max | $r |"
    if ((TABLE_RSS)); then
      k=$(max_rss_k "$key"); rss=""; [[ -n $k ]] && rss=$(mb "$k")
      cells+=("$rss"); line_md+=" $rss |"
    fi
    # shellcheck disable=SC2059
    printf "$row\n" "${cells[@]}"
    MD+="$line_md"$'\n'
  done
}

# target LINE — print a target line and keep it for the Markdown (TARGETS)
target() { TARGETS+=("$1"); printf '%s\n' "$1"; }

# cpu_model, mem_total — the CPU's model name, the RAM as "N GiB"; nothing if unknown
cpu_model() { awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true; }
mem_total() { awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true; }

# md_head — the Markdown block's banner and "## DATE — bench/NAME --runs R" heading
md_head() {
  echo
  echo "----- Markdown (paste into bench/RESULTS.md) -----"
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC') — bench/$BENCH_NAME --runs $RUNS"
  echo
}

# md_results — the apt note if any, the tables (MD) and the targets, as Markdown
md_results() {
  [[ -n $APT_NOTE ]] && echo "- note: $APT_NOTE"
  printf '%s' "$MD"
  echo
  echo "**Targets**"
  echo
  local t
  for t in "${TARGETS[@]}"; do echo "- $t"; done
}

# finish — exit 1, naming them, if measured commands failed ("not installed" is no failure)
finish() {
  local failed=() key
  for key in "${!FAIL[@]}"; do
    [[ ${FAIL[$key]} == "not installed" ]] || failed+=("$key (${FAIL[$key]})")
  done
  if ((${#failed[@]})); then
    note "incomplete: these commands failed: ${failed[*]}"
    exit 1
  fi
}
