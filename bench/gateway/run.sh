#!/usr/bin/env bash
# Ingest gateway benchmark: the gateway jar against a private single-node Kafka broker on this machine.
#
#   bench/gateway/run.sh                 # full run (about 4 minutes)
#   BENCH_DURATION=5 BENCH_WARMUP=3 BENCH_RATE_SECONDS=5 bench/gateway/run.sh   # smoke test
#
# Measures, in one run against the same gateway process:
#   1. accepted/s at saturation: wrk POSTs realistic 1.8 KB SurveyResponse bodies (post.lua rotates eventId and
#      responseId through 20,000 prebuilt requests per wrk thread); "accepted" = the gateway's own
#      kz_gateway_requests_total{outcome="accepted"} delta
#      (200s only, i.e. acknowledged by Kafka with acks=all) divided by the wrk duration;
#   2. GET handshake (?validationToken=, no Kafka) req/s with the same wrk settings: the bare-HTTP ceiling of the
#      same server (/health/* and /metrics are on the management port, another server);
#   3. latency at a fixed 5,000 req/s: FixedRateLoad.java (open model, latency from the intended send time, like
#      wrk2; wrk/hey are closed-model and hide queueing), p50/p90/p99/p99.9;
#   4. gateway RSS (VmRSS now, VmHWM peak) from /proc;
#   5. CPU microseconds per request of the gateway, the broker and wrk in runs 1 and 2 (utime + stime): on a
#      shared machine throughput depends on what else runs, CPU per request much less.
# Everything shares the machine's cores (load generator, gateway, broker). Settings (env):
#   BENCH_DURATION (20 s) BENCH_WARMUP (60 s; JIT warm-up of gateway and broker is slow on busy cores) BENCH_CONNECTIONS (64) BENCH_THREADS (2) BENCH_RATE (5000)
#   BENCH_RATE_SECONDS (30) BENCH_RATE_CONNECTIONS (64) GATEWAY_JAVA_OPTS (see below)
#   KAFKA_BOOTSTRAP_SERVERS: use that broker instead of starting one. Any GATEWAY_*/KAFKA_PRODUCER_* variable
#   in the environment is passed to the gateway (e.g. KAFKA_PRODUCER_LINGER_MS=10 to compare settings).
# Processes started here are stopped by PID on exit, the broker's data deleted; the work directory (logs,
# raw outputs) is printed at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/bench/gateway
FIXTURE=$ROOT/ingest-gateway/src/test/resources/fixtures/survey-response.json
JAR=$ROOT/ingest-gateway/target/ingest-gateway.jar
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-60}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-2}
RATE=${BENCH_RATE:-5000}
RATE_SECONDS=${BENCH_RATE_SECONDS:-30}
RATE_CONNECTIONS=${BENCH_RATE_CONNECTIONS:-64}
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms160m -Xmx160m -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -Xss512k}
TOKEN=bench-token-$RANDOM$RANDOM
WORK=$(mktemp -d "${TMPDIR:-/tmp}/kz-gateway-bench.XXXXXX")
BROKER_PID='' GATEWAY_PID='' STACK=()

for tool in wrk java curl mvn python3; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required (apt-get install -y wrk)" >&2; exit 1; }
done

say() { printf '==> %s\n' "$*" >&2; }

stop_pid() { # PID NAME: SIGTERM, wait up to 30 s, then SIGKILL
  local pid=$1 i
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill "$pid" 2>/dev/null || true
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  echo "warning: $2 (pid $pid) did not stop; killing it" >&2
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  stop_pid "$GATEWAY_PID" gateway
  if [[ -n ${STACK[*]:-} ]]; then "${STACK[@]}" down >/dev/null 2>&1 || true; fi
  rm -rf "$WORK/stack/kafka/data" "$WORK/gateway" # records and the jar copy; logs and outputs stay
  say "logs in $WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

wait_for() { # SECONDS DESCRIPTION COMMAND...
  local seconds=$1 what=$2 i
  shift 2
  for i in $(seq 1 $((seconds * 4))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  echo "error: $what not ready after ${seconds}s" >&2
  return 1
}

# --- build ----------------------------------------------------------------------------------------------
if [[ ! -f $JAR || ${BENCH_BUILD:-0} == 1 ]]; then
  say "building the gateway jar"
  (cd "$ROOT" && mvn -B -q -pl ingest-gateway -am package -DskipTests)
fi

# a private copy, so a rebuild of target/ during the run (another build, ./pipeline up) cannot pull classes away
mkdir -p "$WORK/gateway"
cp "$JAR" "$WORK/gateway/" && cp -r "$(dirname "$JAR")/lib" "$WORK/gateway/"
JAR=$WORK/gateway/$(basename "$JAR")

# --- broker -----------------------------------------------------------------------------------------------
if [[ -z ${KAFKA_BOOTSTRAP_SERVERS:-} ]]; then
  # the broker as ./pipeline runs it (one configuration: pipeline-launcher), private ports and data in $WORK/stack
  KPORT=$(free_port)
  STACK=(env PIPELINE_HOME="$WORK/stack" PIPELINE_KAFKA_PORT="$KPORT" PIPELINE_KAFKA_CONTROLLER_PORT="$(free_port)"
    PIPELINE_KAFKA_HEAP_OPTS="-Xms256m -Xmx1g" "$ROOT/pipeline")
  say "starting a private Kafka broker (./pipeline up kafka, PIPELINE_HOME=$WORK/stack)"
  "${STACK[@]}" up kafka >"$WORK/stack-up.log" 2>&1 || { cat "$WORK/stack-up.log" >&2; exit 1; }
  BROKER_PID=$(<"$WORK/stack/pids/kafka.pid")
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KPORT
fi

# --- gateway ------------------------------------------------------------------------------------------------
GPORT=$(free_port) MPORT=$(free_port)
BASE=http://127.0.0.1:$GPORT
MANAGEMENT=http://127.0.0.1:$MPORT
BARE="$BASE/webhooks/kaizala?validationToken=bare"
say "starting the gateway on $BASE ($GATEWAY_JAVA_OPTS)"
# shellcheck disable=SC2086 # GATEWAY_JAVA_OPTS is a list of options
KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS TOPIC_PREFIX="bench$RANDOM." KAIZALA_CALLBACK_TOKENS=$TOKEN \
  GATEWAY_HOST=127.0.0.1 GATEWAY_PORT=$GPORT GATEWAY_MANAGEMENT_HOST=127.0.0.1 GATEWAY_MANAGEMENT_PORT=$MPORT java $GATEWAY_JAVA_OPTS -jar "$JAR" >"$WORK/gateway.log" 2>&1 &
GATEWAY_PID=$!
wait_for 120 "gateway /health/ready" curl -sf "$MANAGEMENT/health/ready"

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { [[ -n $1 ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }   # utime + stime of a PID

# measured WRK_OUTPUT NAME wrk-args...: runs wrk and records, for the requests it completed, the CPU microseconds
# per request spent by the gateway, the broker (when started here) and wrk itself, in $WORK/NAME.cpu
measured() {
  local out=$1 name=$2 g0 k0 g1 k1 wrk_seconds
  shift 2
  g0=$(cpu_ticks "$GATEWAY_PID") k0=$(cpu_ticks "$BROKER_PID")
  wrk_seconds=$( { TIMEFORMAT='%U %S'; time "$@" >"$out" 2>"$out.err"; } 2>&1 | awk '{print $1 + $2}')
  g1=$(cpu_ticks "$GATEWAY_PID") k1=$(cpu_ticks "$BROKER_PID")
  python3 - "$out" "$g0" "$g1" "$k0" "$k1" "$wrk_seconds" "$CLK_TCK" >"$WORK/$name.cpu" <<'PY'
import re, sys
out, g0, g1, k0, k1, wrk_s, tck = sys.argv[1], *map(float, sys.argv[2:])
n = int(re.search(r"(\d+) requests in", open(out).read()).group(1))
us = lambda ticks: ticks / tck * 1e6 / n
print(f"gateway {us(g1 - g0):.0f} us, broker {us(k1 - k0):.0f} us, wrk {wrk_s * 1e6 / n:.0f} us")
PY
}

accepted() {
  curl -s "$MANAGEMENT/metrics" | awk '/^kz_gateway_requests_total\{/ && /outcome="accepted"/ {print $NF}'
}
requests_per_sec() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
non2xx() { awk '/Non-2xx or 3xx responses:/ {print $NF}' "$1"; }
wrk_post() { BENCH_BODY=$FIXTURE BENCH_TOKEN=$TOKEN wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s -s "$HERE/post.lua" "$BASE/webhooks/kaizala"; }

say "warm-up: ${WARMUP}s of POSTs, 5s of GETs"
wrk_post "$WARMUP" >"$WORK/wrk-warmup.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d5s "$BARE" >/dev/null

say "saturation: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s POST (rotating ids)"
before=$(accepted)
measured "$WORK/wrk-post.txt" post env BENCH_BODY="$FIXTURE" BENCH_TOKEN="$TOKEN" \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION"s -s "$HERE/post.lua" "$BASE/webhooks/kaizala"
after=$(accepted)
ACCEPTED_PER_SEC=$(python3 -c "print(round(($after - $before) / $DURATION))")
POST_RPS=$(requests_per_sec "$WORK/wrk-post.txt")

say "bare HTTP: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s GET handshake"
measured "$WORK/wrk-live.txt" live wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION"s "$BARE"
LIVE_RPS=$(requests_per_sec "$WORK/wrk-live.txt")

say "fixed rate: $RATE req/s for ${RATE_SECONDS}s over $RATE_CONNECTIONS connections (after 5s at the same rate, not counted)"
java "$HERE/FixedRateLoad.java" 127.0.0.1 "$GPORT" /webhooks/kaizala "$TOKEN" "$FIXTURE" "$RATE" "$RATE_SECONDS" \
  "$RATE_CONNECTIONS" 5 >"$WORK/fixed-rate.txt"
FIXED=$(<"$WORK/fixed-rate.txt")

RSS_KB=$(awk '/^VmRSS:/ {print $2}' "/proc/$GATEWAY_PID/status")
HWM_KB=$(awk '/^VmHWM:/ {print $2}' "/proc/$GATEWAY_PID/status")
TOTAL_ACCEPTED=$(accepted)

cat <<EOF

Ingest gateway benchmark ($(date -u +%Y-%m-%dT%H:%MZ))
machine:  $(nproc) cores, $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average before the summary: $(cut -d' ' -f1-3 /proc/loadavg)
gateway:  java $GATEWAY_JAVA_OPTS -jar ingest-gateway.jar (defaults otherwise); broker: $KAFKA_BOOTSTRAP_SERVERS (same machine)
body:     $(wc -c <"$FIXTURE") bytes SurveyResponse; wrk rotates 20,000 eventIds per thread, the fixed-rate run sends a fresh one per request

saturation (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s POST):  accepted/s = $ACCEPTED_PER_SEC   (wrk req/s $POST_RPS, non-2xx $(non2xx "$WORK/wrk-post.txt" || true))
bare HTTP  (wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s GET handshake):  req/s = $LIVE_RPS
accepted/s as share of bare HTTP: $(python3 -c "print(f'{100 * $ACCEPTED_PER_SEC / $LIVE_RPS:.0f}%')")
CPU per request, POST:  $(<"$WORK/post.cpu")
CPU per request, GET:   $(<"$WORK/live.cpu")
fixed rate ($RATE req/s, ${RATE_SECONDS}s, open model): $FIXED
gateway RSS: $((RSS_KB / 1024)) MB now, $((HWM_KB / 1024)) MB peak; events accepted in total: $TOTAL_ACCEPTED
EOF
