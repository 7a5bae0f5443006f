#!/usr/bin/env bash
# Start-up time of `./pipeline up` on a stopped stack whose data exists (the usual case: after `./pipeline down`),
# from the command to "Pipeline is up" with every service ready.
#
#   bench/launcher/run.sh [RUNS]                       this repository's ./pipeline, RUNS timed runs (default 5)
#   BENCH_COMPARE=/other/checkout bench/launcher/run.sh [RUNS]
#                                                      the same, alternating with another checkout's ./pipeline
#                                                      (e.g. the shell launcher before pipeline-launcher), on the
#                                                      same ports and the same jars' age, for a ratio from one run
#
# Each variant gets one warm-up `up`/`down` first (it formats the data directories and resolves the broker
# classpath), then RUNS timed `up`s, each followed by an untimed `down`. Jars are not rebuilt
# (PIPELINE_SKIP_BUILD=1): build first. Own PIPELINE_HOMEs under target/bench-launcher and own ports
# (BENCH_PORT_BASE, default 19000: Kafka +92/+93, ClickHouse +123/+100, services +80..+83), so a running
# ./pipeline on the default ports is not disturbed. Prints every time, the medians and, with BENCH_COMPARE, the ratio.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${1:-5}
BASE=${BENCH_PORT_BASE:-19000}
WORK=$ROOT/target/bench-launcher
export PIPELINE_SKIP_BUILD=1
export PIPELINE_KAFKA_PORT=$((BASE + 92)) PIPELINE_KAFKA_CONTROLLER_PORT=$((BASE + 93))
export PIPELINE_CLICKHOUSE_HTTP_PORT=$((BASE + 123)) PIPELINE_CLICKHOUSE_TCP_PORT=$((BASE + 100))
export GATEWAY_PORT=$((BASE + 80)) PROCESSOR_MANAGEMENT_PORT=$((BASE + 81)) SINK_MANAGEMENT_PORT=$((BASE + 82))
export GATEWAY_MANAGEMENT_PORT=$((BASE + 83))

VARIANTS=("$ROOT")
[[ -n ${BENCH_COMPARE:-} ]] && VARIANTS+=("$(cd "$BENCH_COMPARE" && pwd)")
declare -A TIMES

now_ms() { echo $(($(date +%s%N) / 1000000)); }
home_of() { echo "$WORK/home-$1"; }
pipeline() { # VARIANT_INDEX COMMAND... : that variant's ./pipeline with its own PIPELINE_HOME
  local i=$1
  shift
  PIPELINE_HOME=$(home_of "$i") "${VARIANTS[i]}/pipeline" "$@"
}
cleanup() {
  local i
  for i in "${!VARIANTS[@]}"; do pipeline "$i" down >/dev/null 2>&1 || true; done
}
trap cleanup EXIT
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

mkdir -p "$WORK"
for i in "${!VARIANTS[@]}"; do
  echo "warm-up of ${VARIANTS[i]}/pipeline (PIPELINE_HOME=$(home_of "$i"))"
  pipeline "$i" up >"$WORK/warmup-$i.log" 2>&1 || { cat "$WORK/warmup-$i.log"; exit 1; }
  pipeline "$i" down >/dev/null
done
for ((run = 1; run <= RUNS; run++)); do
  for i in "${!VARIANTS[@]}"; do
    start=$(now_ms)
    pipeline "$i" up >"$WORK/up-$i-$run.log" 2>&1 || { cat "$WORK/up-$i-$run.log"; exit 1; }
    ms=$(($(now_ms) - start))
    TIMES[$i]="${TIMES[$i]:-} $ms"
    echo "run $run, ${VARIANTS[i]}/pipeline up: ${ms} ms"
    pipeline "$i" down >/dev/null
  done
done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), $(date -u '+%F %H:%M UTC')"
for i in "${!VARIANTS[@]}"; do
  # shellcheck disable=SC2086 # a list of numbers
  MEDIAN[i]=$(median ${TIMES[$i]})
  echo "median of $RUNS: ${MEDIAN[i]} ms  ${VARIANTS[i]}/pipeline up"
done
if ((${#VARIANTS[@]} == 2)); then
  awk -v a="${MEDIAN[0]}" -v b="${MEDIAN[1]}" 'BEGIN {printf "ratio (this / compared): %.2f\n", a / b}'
fi
