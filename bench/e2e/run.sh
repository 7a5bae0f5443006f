#!/usr/bin/env bash
# End-to-end benchmark: the whole local pipeline (exactly what `./pipeline up` starts: single-node Kafka, private
# ClickHouse, gateway, processor and sink, each its own process) under a sustained webhook rate, measuring freshness
# (gateway 2xx -> the event visible in events_latest, responses_latest and answers_numeric_latest) and the CPU and RSS
# of every part. See E2eLoad.java for the method and docs/BENCHMARKS.md ("Whole pipeline") for results.
#
#   bench/e2e/run.sh                                            # full run, about 6 minutes
#   BENCH_WARMUP_SECONDS=5 BENCH_SECONDS=10 BENCH_STEP_SECONDS=10 BENCH_STEP_RATES="3000" bench/e2e/run.sh   # smoke test
#
# Phases, one after the other on the same pipeline:
#   1. warm-up at BENCH_WARMUP_RATE (1500/s) for BENCH_WARMUP_SECONDS (60 s): JIT (slow on two busy cores), topic and
#      table creation; not judged;
#   2. the target: BENCH_RATE (2000/s) for BENCH_SECONDS (60 s);
#   3. steps at BENCH_STEP_RATES ("3000 4000 5000 6000"), BENCH_STEP_SECONDS (30 s) each, stopping at the first
#      step that is not sustainable: not every request answered 2xx, below 97 % of the rate, an acknowledged event
#      not visible 60 s after the step, or freshness p95 above BENCH_MAX_P95_MS (5000). The highest sustainable
#      rate is the last step that passed.
# Other settings: BENCH_CONNECTIONS (64), BENCH_POLL_MS (100).
# By default the pipeline runs in its own folder (PIPELINE_HOME=<work dir>/pipeline) on free ports and is stopped at
# the end; BENCH_REUSE=1 measures the pipeline that `./pipeline up` already runs (same PIPELINE_HOME and port
# settings as for ./pipeline) and leaves it running. The work directory (logs, results.txt) is printed at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/e2e
TEMPLATE=$ROOT/deploy/local/demo/10-order-form-fabrikam.json
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kz-e2e-bench.XXXXXX")
RESULTS=$WORK/results.txt
OWN_PIPELINE=0

for tool in java curl python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 1; }
done
say() { printf '==> %s\n' "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cleanup() {
  if ((OWN_PIPELINE)); then
    say "stopping the benchmark's pipeline"
    "$ROOT/pipeline" down >"$WORK/pipeline-down.log" 2>&1 || echo "warning: ./pipeline down failed, see $WORK/pipeline-down.log" >&2
  fi
  say "work directory: $WORK"
}
trap cleanup EXIT

if [[ ${BENCH_REUSE:-0} != 1 ]]; then
  export PIPELINE_HOME=$WORK/pipeline
  PIPELINE_KAFKA_PORT=$(free_port) PIPELINE_KAFKA_CONTROLLER_PORT=$(free_port)
  PIPELINE_CLICKHOUSE_HTTP_PORT=$(free_port) PIPELINE_CLICKHOUSE_TCP_PORT=$(free_port)
  GATEWAY_PORT=$(free_port) GATEWAY_MANAGEMENT_PORT=$(free_port) PROCESSOR_MANAGEMENT_PORT=$(free_port) SINK_MANAGEMENT_PORT=$(free_port)
  export PIPELINE_KAFKA_PORT PIPELINE_KAFKA_CONTROLLER_PORT PIPELINE_CLICKHOUSE_HTTP_PORT PIPELINE_CLICKHOUSE_TCP_PORT \
    GATEWAY_PORT GATEWAY_MANAGEMENT_PORT PROCESSOR_MANAGEMENT_PORT SINK_MANAGEMENT_PORT
  unset KAIZALA_CALLBACK_TOKENS
  OWN_PIPELINE=1
  say "starting the pipeline with ./pipeline up (PIPELINE_HOME=$PIPELINE_HOME)"
  "$ROOT/pipeline" up >"$WORK/pipeline-up.log" 2>&1 || { tail -30 "$WORK/pipeline-up.log" >&2; exit 1; }
fi
PIPELINE_HOME=$(realpath -m "${PIPELINE_HOME:-$ROOT/.run}")
# the ports the running pipeline was started with (./pipeline records them)
# shellcheck disable=SC1091
source "$PIPELINE_HOME/settings.env"
"$ROOT/pipeline" status >"$WORK/status.txt" 2>&1 || { cat "$WORK/status.txt" >&2; echo "error: the pipeline is not fully up" >&2; exit 1; }
TOKEN=${KAIZALA_CALLBACK_TOKENS:-$(cat "$PIPELINE_HOME/callback-token")}
TOKEN=${TOKEN%%,*}
GATEWAY=http://127.0.0.1:$GATEWAY_PORT/webhooks/kaizala
CLICKHOUSE=http://127.0.0.1:$PIPELINE_CLICKHOUSE_HTTP_PORT
DB=${CLICKHOUSE_DATABASE:-kaizala}
PIDS=""
for part in kafka clickhouse ingest-gateway stream-processor sink-clickhouse; do
  PIDS+="${PIDS:+,}$part=$(cat "$PIPELINE_HOME/pids/$part.pid")"
done

# compiled once, so no phase pays (or is measured with) the source launcher's compilation
javac -d "$WORK/classes" "$HERE/E2eLoad.java"
phase() { # LABEL RATE SECONDS
  # every phase is a new JVM: C1 only and the serial collector keep its JIT and GC off the cores the pipeline needs
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$WORK/classes" E2eLoad --gateway "$GATEWAY" --token "$TOKEN" --clickhouse "$CLICKHOUSE" --db "$DB" \
    --template "$TEMPLATE" --rate "$2" --seconds "$3" --connections "${BENCH_CONNECTIONS:-64}" --label "$1" \
    --pids "$PIDS" --poll-ms "${BENCH_POLL_MS:-100}" --max-p95-ms "${BENCH_MAX_P95_MS:-5000}" | tee -a "$RESULTS"
}
result() { grep "^RESULT label=$1 " "$RESULTS" | tail -1; }
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

{
  echo "End-to-end benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "pipeline: $PIPELINE_HOME ($( ((OWN_PIPELINE)) && echo "started by this run" || echo "already running")); body: $(wc -c <"$TEMPLATE") bytes order-form ActionResponse ($(basename "$TEMPLATE")), fresh eventId/responseId per request"
} | tee "$RESULTS"

say "warm-up: ${BENCH_WARMUP_RATE:-1500}/s for ${BENCH_WARMUP_SECONDS:-60} s"
phase warmup "${BENCH_WARMUP_RATE:-1500}" "${BENCH_WARMUP_SECONDS:-60}" >/dev/null
say "target: ${BENCH_RATE:-2000}/s for ${BENCH_SECONDS:-60} s"
phase target "${BENCH_RATE:-2000}" "${BENCH_SECONDS:-60}"
best=""
[[ $(field "$(result target)" sustainable) == true ]] && best=${BENCH_RATE:-2000}
if [[ -n $best ]]; then
  for rate in ${BENCH_STEP_RATES:-3000 4000 5000 6000}; do
    say "step: $rate/s for ${BENCH_STEP_SECONDS:-30} s"
    phase "step-$rate" "$rate" "${BENCH_STEP_SECONDS:-30}"
    [[ $(field "$(result "step-$rate")" sustainable) == true ]] || break
    best=$rate
  done
fi

target=$(result target)
{
  echo
  echo "Summary (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
  printf '  at %s/s: freshness p50 %s ms, p95 %s ms, p99 %s ms (target p95 <= 2000 ms); achieved %s/s; sustainable: %s\n' \
    "$(field "$target" rate)" "$(field "$target" fresh_p50_ms)" "$(field "$target" fresh_p95_ms)" "$(field "$target" fresh_p99_ms)" \
    "$(field "$target" achieved)" "$(field "$target" sustainable)"
  for part in ingest_gateway stream_processor sink_clickhouse kafka clickhouse load_generator; do
    printf '    %-17s cpu %4s %% of a core, RSS avg %4s MB, peak %4s MB\n' "$part" "$(field "$target" "cpu_$part")" \
      "$(field "$target" "rss_avg_mb_$part")" "$(field "$target" "rss_max_mb_$part")"
  done
  p95=$(field "$target" fresh_p95_ms)
  verdict="met"
  [[ $p95 =~ ^[0-9]+$ ]] && ((p95 >= 0 && p95 <= 2000)) || verdict="NOT met"
  for part in ingest_gateway stream_processor sink_clickhouse; do
    rss=$(field "$target" "rss_max_mb_$part")
    [[ $rss =~ ^[0-9]+$ ]] && ((rss <= 300)) || verdict="NOT met"
  done
  echo "  targets at ${BENCH_RATE:-2000}/s (freshness p95 <= 2 s, each service <= 300 MB RSS): $verdict"
  echo "  highest sustainable rate tried: ${best:-none} webhooks/s"
} | tee -a "$RESULTS"
