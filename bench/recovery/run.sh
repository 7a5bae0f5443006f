#!/usr/bin/env bash
# Recovery benchmark: the whole local pipeline (what `./pipeline up` starts) under a steady webhook rate while one
# part is restarted, killed or taken away, measuring for each scenario
#   - the freshness gap: the longest time an acknowledged event waited to be visible in ClickHouse (events_latest,
#     responses_latest and answers_numeric_latest; bench/e2e/E2eLoad.java measures every event at 200/s), and
#   - resumed: the time from the (re)start until processing resumed. For the processor and the sink: from the start
#     command until the first event the gateway received after the old process had exited is visible in
#     <db>.events (only the new process can have handled it). For ClickHouse: from the moment the restarted server
#     answers /ping until the sink's first insert (the events count grows again).
# See docs/BENCHMARKS.md ("Recovery") for the method and results.
#
#   bench/recovery/run.sh                                               # every scenario, about 12 minutes
#   BENCH_SCENARIOS="sink-restart" BENCH_LEAD_SECONDS=10 BENCH_TAIL_SECONDS=10 bench/recovery/run.sh   # smoke test
#
# Scenarios (BENCH_SCENARIOS, in this order by default), each a fresh load phase on the same pipeline:
#   processor-restart  SIGTERM, wait for the exit, ./pipeline up         sink-restart  the same for the sink
#   processor-kill     SIGKILL, ./pipeline up                            sink-kill     the same for the sink
#   clickhouse-outage  SIGKILL of ClickHouse, BENCH_OUTAGE_SECONDS (60) without it, ./pipeline up
# Each phase: load at BENCH_RATE (200/s) for BENCH_LEAD_SECONDS (20) before the action, then until
# BENCH_TAIL_SECONDS (40) after the (re)start; every event is then awaited up to BENCH_DRAIN_SECONDS (240).
# A warm-up phase (BENCH_WARMUP_SECONDS, 30) comes first. The pipeline runs in its own PIPELINE_HOME on free ports
# and is stopped at the end; the work directory (logs, results.txt) is printed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEMPLATE=$ROOT/deploy/local/demo/10-order-form-fabrikam.json
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kz-recovery-bench.XXXXXX")
RESULTS=$WORK/results.txt
RATE=${BENCH_RATE:-200}
LEAD=${BENCH_LEAD_SECONDS:-20}
TAIL=${BENCH_TAIL_SECONDS:-40}
OUTAGE=${BENCH_OUTAGE_SECONDS:-60}
SCENARIOS=${BENCH_SCENARIOS:-processor-restart sink-restart processor-kill sink-kill clickhouse-outage}

for tool in java javac curl python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required" >&2; exit 1; }
done
say() { printf '==> %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

cleanup() {
  say "stopping the benchmark's pipeline"
  "$ROOT/pipeline" down >"$WORK/pipeline-down.log" 2>&1 || echo "warning: ./pipeline down failed, see $WORK/pipeline-down.log" >&2
  say "work directory: $WORK"
}
trap cleanup EXIT

export PIPELINE_HOME=$WORK/pipeline
PIPELINE_KAFKA_PORT=$(free_port) PIPELINE_KAFKA_CONTROLLER_PORT=$(free_port)
PIPELINE_CLICKHOUSE_HTTP_PORT=$(free_port) PIPELINE_CLICKHOUSE_TCP_PORT=$(free_port)
GATEWAY_PORT=$(free_port) GATEWAY_MANAGEMENT_PORT=$(free_port) PROCESSOR_MANAGEMENT_PORT=$(free_port) SINK_MANAGEMENT_PORT=$(free_port)
export PIPELINE_KAFKA_PORT PIPELINE_KAFKA_CONTROLLER_PORT PIPELINE_CLICKHOUSE_HTTP_PORT PIPELINE_CLICKHOUSE_TCP_PORT \
  GATEWAY_PORT GATEWAY_MANAGEMENT_PORT PROCESSOR_MANAGEMENT_PORT SINK_MANAGEMENT_PORT
unset KAIZALA_CALLBACK_TOKENS
say "starting the pipeline with ./pipeline up (PIPELINE_HOME=$PIPELINE_HOME)"
"$ROOT/pipeline" up >"$WORK/pipeline-up.log" 2>&1 || { tail -30 "$WORK/pipeline-up.log" >&2; exit 1; }
TOKEN=$(cat "$PIPELINE_HOME/callback-token")
GATEWAY=http://127.0.0.1:$GATEWAY_PORT/webhooks/kaizala
CLICKHOUSE=http://127.0.0.1:$PIPELINE_CLICKHOUSE_HTTP_PORT
DB=${CLICKHOUSE_DATABASE:-kaizala}
export PIPELINE_SKIP_BUILD=1 # the jars were built by the first `up`

javac -d "$WORK/classes" "$ROOT/bench/e2e/E2eLoad.java"
# LABEL SECONDS : one load phase in the background (its output in $WORK/LABEL.txt)
phase() {
  java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$WORK/classes" E2eLoad --gateway "$GATEWAY" --token "$TOKEN" \
    --clickhouse "$CLICKHOUSE" --db "$DB" --template "$TEMPLATE" --rate "$RATE" --seconds "$2" --connections 16 \
    --label "$1" --poll-ms 100 --drain-seconds "${BENCH_DRAIN_SECONDS:-240}" --max-p95-ms 3600000 >"$WORK/$1.txt" 2>&1 &
  LOAD_PID=$!
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
pid_of_part() { cat "$PIPELINE_HOME/pids/$1.pid"; }
await_exit() { while kill -0 "$1" 2>/dev/null; do sleep 0.05; done; }
ch() { curl -fsS --max-time 5 "$CLICKHOUSE/" --data-binary "$1"; }
# FROM_MS SQL : polls (every 100 ms, up to 10 minutes) until SQL returns a number above 0; prints ms since FROM_MS
await_positive() {
  local from=$1 sql=$2 deadline=$(($(now_ms) + 600000)) n
  while (($(now_ms) < deadline)); do
    n=$(ch "$sql" 2>/dev/null || echo 0)
    if [[ $n =~ ^[0-9]+$ ]] && ((n > 0)); then
      echo $(($(now_ms) - from))
      return 0
    fi
    sleep 0.1
  done
  echo "timeout"
}
up_in_background() { "$ROOT/pipeline" up >>"$WORK/pipeline-up.log" 2>&1 & UP_PID=$!; }

# SERVICE SIGNAL : stops a service with SIGNAL, starts it again, measures when it processes again
service_scenario() {
  local part=$1 signal=$2 pid signalled exited resumed ready
  pid=$(pid_of_part "$part")
  signalled=$(now_ms)
  kill "-$signal" "$pid"
  await_exit "$pid"
  exited=$(now_ms)
  up_in_background
  resumed=$(await_positive "$exited" "SELECT count() FROM $DB.events WHERE received_at_ms > $exited")
  wait "$UP_PID" && ready=$(($(now_ms) - exited)) || ready="up failed"
  echo "exit_after_signal_ms=$((exited - signalled)) resumed_ms=$resumed up_returned_ms=$ready"
}

clickhouse_scenario() {
  local pid answering before resumed
  pid=$(pid_of_part clickhouse)
  kill -KILL "$pid"
  await_exit "$pid"
  sleep "$OUTAGE"
  up_in_background
  until curl -fsS --max-time 1 "$CLICKHOUSE/ping" >/dev/null 2>&1; do sleep 0.05; done
  answering=$(now_ms)
  before=$(ch "SELECT count() FROM $DB.events") # no insert can have happened since the kill but a few ms ago
  resumed=$(await_positive "$answering" "SELECT count() > $before FROM $DB.events")
  wait "$UP_PID" || true
  echo "outage_s=$OUTAGE resumed_ms=$resumed"
}

{
  echo "Recovery benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "machine: $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "pipeline: $PIPELINE_HOME; ${RATE} webhooks/s ($(basename "$TEMPLATE")); ${LEAD} s of load before each action, ${TAIL} s after the (re)start"
} | tee "$RESULTS"

say "warm-up: ${RATE}/s for ${BENCH_WARMUP_SECONDS:-30} s"
phase warmup "${BENCH_WARMUP_SECONDS:-30}"
wait "$LOAD_PID" || true

for scenario in $SCENARIOS; do
  seconds=$((LEAD + TAIL))
  [[ $scenario == clickhouse-outage ]] && seconds=$((seconds + OUTAGE))
  say "$scenario: ${RATE}/s for $seconds s, the action after $LEAD s"
  phase "$scenario" "$seconds"
  sleep "$LEAD"
  case $scenario in
    processor-restart) measured=$(service_scenario stream-processor TERM) ;;
    processor-kill) measured=$(service_scenario stream-processor KILL) ;;
    sink-restart) measured=$(service_scenario sink-clickhouse TERM) ;;
    sink-kill) measured=$(service_scenario sink-clickhouse KILL) ;;
    clickhouse-outage) measured=$(clickhouse_scenario) ;;
    *) echo "error: unknown scenario $scenario" >&2; exit 1 ;;
  esac
  wait "$LOAD_PID" || true
  result=$(grep '^RESULT ' "$WORK/$scenario.txt" | tail -1 || true)
  printf '%-18s freshness gap (max) %6s ms, p99 %6s ms; not visible %s; non-2xx %s; %s\n' "$scenario" \
    "$(field "$result" fresh_max_ms)" "$(field "$result" fresh_p99_ms)" "$(field "$result" not_visible)" \
    "$(field "$result" non2xx)" "$measured" | tee -a "$RESULTS"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$RESULTS"
