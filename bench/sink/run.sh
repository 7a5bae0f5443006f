#!/usr/bin/env bash
# ClickHouse sink benchmark, one run on one machine:
#  1. drain a backlog of typed rows (answers_numeric) from Kafka into ClickHouse with the sink as it ships,
#     BENCH_REPEATS times (default 3), each drain a fresh JVM with its own consumer group and database:
#     rows/s, CPU microseconds per row of the sink JVM, ClickHouse and the broker while draining, peak RSS
#     (VmHWM) of the sink; medians. With BENCH_BASELINE_JAR (a sink jar built from another commit, its lib/
#     beside it) the drains alternate between the sink as it ships and the baseline, started with the
#     settings in BENCH_BASELINE_ENV (e.g. "SINK_INSERT_FORMAT=RowBinary"), and the ratio of medians is printed;
#  2. the ceiling: clickhouse-client inserting the very same rows from a file in Native format (and, for
#     reference, JSONEachRow);
#  3. a steady rate like the whole pipeline at 2,000 webhooks/s (8 rows per webhook across 7 tables =
#     16,000 rows/s, lz4, transactions every 100 ms) for BENCH_STEADY_SECONDS, then a moderate rate
#     (BENCH_MODERATE_RATE webhooks/s): CPU per row, sink RSS, and the sink's freshness histogram (insert
#     done minus record timestamp) per phase.
#
#   bench/sink/run.sh [rows]            rows default 2000000 (BENCH_ROWS)
#
# Everything runs on loopback with private ports and data under bench/sink/target (BENCH_WORK): a private
# clickhouse-server and a single-node KRaft broker as `./pipeline up clickhouse kafka` starts them,
# the sink as it ships (sink-clickhouse/target/sink-clickhouse.jar). Every process is stopped by PID on exit.
# Sink settings can be overridden from the environment (e.g. SINK_FLUSH_BYTES=33554432 bench/sink/run.sh);
# BENCH_SINK_JVM_OPTS sets the sink's JVM options (default: the recommended JAVA_OPTS of the README);
# BENCH_JFR=1 records a flight recording of the first drain (target/sink-sink1.jfr); BENCH_NMT=1
# prints the sink's native memory summary (jcmd VM.native_memory) at the end of each sink run;
# BENCH_STEADY_SECONDS=0 skips phase 3.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=${1:-${BENCH_ROWS:-2000000}}
WORK=${BENCH_WORK:-$ROOT/bench/sink/target}
PARTITIONS=${BENCH_PARTITIONS:-3}
BASELINE_JAR=${BENCH_BASELINE_JAR:-}
BASELINE_ENV=${BENCH_BASELINE_ENV:-}
REPEATS=${BENCH_REPEATS:-3}
STEADY_RATE=${BENCH_STEADY_RATE:-2000}
STEADY_SECONDS=${BENCH_STEADY_SECONDS:-60}
MODERATE_RATE=${BENCH_MODERATE_RATE:-100}
MODERATE_SECONDS=${BENCH_MODERATE_SECONDS:-30}
JVM_OPTS=${BENCH_SINK_JVM_OPTS:--XX:+UseSerialGC -Xms32m -Xmx160m -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -Xss512k -Djdk.nio.maxCachedBufferSize=262144 -XX:+ExitOnOutOfMemoryError}
TOPIC=bench.answers.numeric
DB=bench
COLS="schema_version,row_id,event_id,response_id,version,action_id,group_id,question_index,question_title,question_type,received_at_ms,value"
PIDS=()
STACK=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cpu_seconds() { # user+system CPU seconds of a PID so far
  awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}
hwm_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
now() { date +%s.%N; }
stop_all() {
  [[ -n ${STACK[*]:-} ]] && "${STACK[@]}" down >/dev/null 2>&1 || true
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap stop_all EXIT

rm -rf "$WORK"
mkdir -p "$WORK"
CH_HTTP=$(free_port); CH_TCP=$(free_port); KAFKA_PORT=$(free_port); KAFKA_CTRL=$(free_port); MGMT=$(free_port)

log "building the sink (mvn package)"
(cd "$ROOT" && mvn -B -q -o -pl sink-clickhouse -am package -DskipTests >/dev/null 2>&1 \
  || mvn -B -q -pl sink-clickhouse -am package -DskipTests)
SINK_JAR=$ROOT/sink-clickhouse/target/sink-clickhouse.jar
SINK_CP="$SINK_JAR:$ROOT/sink-clickhouse/target/lib/*"

# ClickHouse and the broker as ./pipeline runs them (one configuration: pipeline-launcher), on private ports and
# data under $WORK/stack; stopped by PID with `./pipeline down` on exit
log "starting clickhouse-server on 127.0.0.1:$CH_HTTP and a single-node Kafka broker on 127.0.0.1:$KAFKA_PORT"
STACK=(env PIPELINE_HOME="$WORK/stack" PIPELINE_CLICKHOUSE_HTTP_PORT="$CH_HTTP" PIPELINE_CLICKHOUSE_TCP_PORT="$CH_TCP"
  PIPELINE_KAFKA_PORT="$KAFKA_PORT" PIPELINE_KAFKA_CONTROLLER_PORT="$KAFKA_CTRL" PIPELINE_KAFKA_HEAP_OPTS="-Xms512m -Xmx1g"
  "$ROOT/pipeline")
"${STACK[@]}" up clickhouse kafka >"$WORK/stack-up.log" 2>&1 || { cat "$WORK/stack-up.log" >&2; exit 1; }
CH_PID=$(<"$WORK/stack/pids/clickhouse.pid")
KAFKA_PID=$(<"$WORK/stack/pids/kafka.pid")
chq() { clickhouse-client --port "$CH_TCP" "$@"; }

log "producing $ROWS answers_numeric records to $TOPIC ($PARTITIONS partitions, lz4, transactions)"
PRODUCED=$(java -cp "$SINK_CP" "$ROOT/bench/sink/BacklogProducer.java" "127.0.0.1:$KAFKA_PORT" "$TOPIC" "$ROWS" "$PARTITIONS")
log "$PRODUCED"

# start_sink NAME DATABASE PREFIX [JAR [SETTINGS]]: starts a sink JVM (own consumer group bench-sink-NAME), sets
# SINK_PID
start_sink() {
  local name=$1 db=$2 prefix=$3 jar=${4:-$SINK_JAR} settings=${5:-} jfr=""
  if [[ ${BENCH_JFR:-0} == 1 && $name == sink1 ]]; then
    jfr="-XX:StartFlightRecording=filename=$WORK/sink-$name.jfr,settings=profile"
  fi
  if [[ ${BENCH_NMT:-0} == 1 ]]; then
    jfr="$jfr -XX:NativeMemoryTracking=summary"
  fi
  # shellcheck disable=SC2086
  env KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" TOPIC_PREFIX="$prefix" CLICKHOUSE_URL="http://127.0.0.1:$CH_HTTP" \
    CLICKHOUSE_DATABASE="$db" SINK_MANAGEMENT_HOST=127.0.0.1 SINK_MANAGEMENT_PORT="$MGMT" SINK_GROUP_ID="bench-sink-$name" \
    $settings java $JVM_OPTS $jfr -jar "$jar" >"$WORK/sink-$name.log" 2>&1 &
  SINK_PID=$!; PIDS+=("$SINK_PID")
}
stop_sink() {
  if [[ ${BENCH_NMT:-0} == 1 ]]; then
    jcmd "$SINK_PID" VM.native_memory summary >"$WORK/nmt-$1.txt" 2>&1 || true
    grep -E "^(Total|-  )" "$WORK/nmt-$1.txt" | head -20 >&2 || true
  fi
  kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
}
scrape() { curl -sf "http://127.0.0.1:$MGMT/metrics" >"$1" || : >"$1"; }
chcount() { curl -sf "http://127.0.0.1:$CH_HTTP/" --data-binary "$1" 2>/dev/null || echo 0; }

# drain NAME VARIANT [JAR [SETTINGS]]: the sink drains the backlog into database bench_NAME; CPU is counted from the
# first row visible to the last; appends "name variant rows_counted seconds cpu_sink cpu_ch cpu_k distinct hwm_mb"
# to $RESULTS
RESULTS=$WORK/drains.txt
drain() {
  local name=$1 variant=$2 db=${DB}_$1 t_first="" count_first=0 t_end count c_s0 c_ch0 c_k0 t_start
  log "draining the backlog with the sink ($variant, database $db)"
  t_start=$(now)
  start_sink "$name" "$db" bench. "${3:-}" "${4:-}"
  while :; do
    kill -0 "$SINK_PID" 2>/dev/null || { tail -30 "$WORK/sink-$name.log" >&2; echo "the sink exited" >&2; exit 1; }
    count=$(chcount "SELECT count() FROM $db.answers_numeric")
    if [[ -z $t_first && $count -gt 0 ]]; then
      t_first=$(now); count_first=$count
      c_s0=$(cpu_seconds "$SINK_PID"); c_ch0=$(cpu_seconds "$CH_PID"); c_k0=$(cpu_seconds "$KAFKA_PID")
    fi
    [[ $count -ge $ROWS ]] && break
    sleep 0.1
  done
  t_end=$(now)
  echo "$name $variant $((ROWS - count_first)) $(awk -v a="$t_end" -v b="$t_first" 'BEGIN{print a-b}')" \
    "$(awk -v a="$(cpu_seconds "$SINK_PID")" -v b="$c_s0" 'BEGIN{print a-b}')" \
    "$(awk -v a="$(cpu_seconds "$CH_PID")" -v b="$c_ch0" 'BEGIN{print a-b}')" \
    "$(awk -v a="$(cpu_seconds "$KAFKA_PID")" -v b="$c_k0" 'BEGIN{print a-b}')" \
    "$(chq -q "SELECT count() FROM $db.answers_numeric FINAL")" "$(hwm_mb "$SINK_PID")" \
    "$(awk -v a="$t_first" -v b="$t_start" 'BEGIN{print a-b}')" >>"$RESULTS"
  curl -sf "http://127.0.0.1:$MGMT/metrics" | grep -E '^kz_sink_(batch_rows|insert_seconds)_(count|sum)\{' \
    | sed "s/^/  /" >&2 || true
  stop_sink "$name"
}

: >"$RESULTS"
for r in $(seq 1 "$REPEATS"); do
  drain "sink$r" sink
  if [[ -n $BASELINE_JAR ]]; then
    drain "baseline$r" baseline "$BASELINE_JAR" "$BASELINE_ENV"
  fi
done
FIRST_DB=${DB}_sink1

log "ceiling: clickhouse-client inserting the same $ROWS rows from files"
chq -q "SELECT $COLS FROM $FIRST_DB.answers_numeric FORMAT Native" >"$WORK/rows.native"
chq -q "SELECT $COLS FROM $FIRST_DB.answers_numeric FORMAT JSONEachRow" >"$WORK/rows.json"
chq -q "CREATE TABLE $FIRST_DB.ceiling_native AS $FIRST_DB.answers_numeric"
chq -q "CREATE TABLE $FIRST_DB.ceiling_json AS $FIRST_DB.answers_numeric"
C0=$(cpu_seconds "$CH_PID"); T0=$(now)
chq -q "INSERT INTO $FIRST_DB.ceiling_native ($COLS) FORMAT Native" <"$WORK/rows.native"
T1=$(now); C1=$(cpu_seconds "$CH_PID")
chq -q "INSERT INTO $FIRST_DB.ceiling_json ($COLS) FORMAT JSONEachRow" <"$WORK/rows.json"
T2=$(now); C2=$(cpu_seconds "$CH_PID")
[[ $(chq -q "SELECT count() FROM $FIRST_DB.ceiling_native") == "$ROWS" ]] || { echo "ceiling insert incomplete" >&2; exit 1; }
rm -f "$WORK/rows.native" "$WORK/rows.json"

# steady_phase NAME RATE SECONDS: produce at RATE webhooks/s, wait until every row is in ClickHouse;
# appends "name rows seconds cpu_sink cpu_ch cpu_k" to $STEADY and scrapes metrics before/after
STEADY=$WORK/steady.txt
: >"$STEADY"
RDB=${DB}_rate
steady_phase() {
  local name=$1 rate=$2 secs=$3 c_s0 c_ch0 c_k0 t0 out rows total
  scrape "$WORK/metrics-$name-before.txt"
  c_s0=$(cpu_seconds "$SINK_PID"); c_ch0=$(cpu_seconds "$CH_PID"); c_k0=$(cpu_seconds "$KAFKA_PID"); t0=$(now)
  out=$(java -cp "$SINK_CP" "$ROOT/bench/sink/RateProducer.java" "127.0.0.1:$KAFKA_PORT" rate. "$rate" "$secs")
  log "$out"
  rows=$(grep -oE '= [0-9]+ rows' <<<"$out" | tail -1 | grep -oE '[0-9]+') # the producer's summary, not its log lines
  EXPECTED=$((EXPECTED + rows))
  for _ in $(seq 1 600); do
    total=$(chcount "SELECT (SELECT count() FROM $RDB.events) + (SELECT count() FROM $RDB.responses) + (SELECT count() FROM $RDB.answers_option) + (SELECT count() FROM $RDB.answers_numeric) + (SELECT count() FROM $RDB.answers_text) + (SELECT count() FROM $RDB.answers_datetime) + (SELECT count() FROM $RDB.answers_location)")
    [[ $total -ge $EXPECTED ]] && break
    sleep 0.1
  done
  [[ $total -ge $EXPECTED ]] || { echo "steady phase $name: only $total of $EXPECTED rows arrived" >&2; exit 1; }
  echo "$name $rows $(awk -v a="$(now)" -v b="$t0" 'BEGIN{print a-b}')" \
    "$(awk -v a="$(cpu_seconds "$SINK_PID")" -v b="$c_s0" 'BEGIN{print a-b}')" \
    "$(awk -v a="$(cpu_seconds "$CH_PID")" -v b="$c_ch0" 'BEGIN{print a-b}')" \
    "$(awk -v a="$(cpu_seconds "$KAFKA_PID")" -v b="$c_k0" 'BEGIN{print a-b}')" >>"$STEADY"
  scrape "$WORK/metrics-$name-after.txt"
}
STEADY_HWM=0
if [[ $STEADY_SECONDS != 0 ]]; then
  log "steady rate: $STEADY_RATE webhooks/s for $STEADY_SECONDS s, then $MODERATE_RATE webhooks/s for $MODERATE_SECONDS s"
  start_sink steady "$RDB" rate.
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$MGMT/health/ready" >/dev/null 2>&1 && break
    kill -0 "$SINK_PID" 2>/dev/null || { tail -30 "$WORK/sink-steady.log" >&2; exit 1; }
    sleep 0.1
  done
  EXPECTED=0
  steady_phase steady "$STEADY_RATE" "$STEADY_SECONDS"
  steady_phase moderate "$MODERATE_RATE" "$MODERATE_SECONDS"
  STEADY_HWM=$(hwm_mb "$SINK_PID")
  stop_sink steady
fi

python3 - "$ROWS" "$RESULTS" "$T0" "$T1" "$T2" "$C0" "$C1" "$C2" "$STEADY" "$STEADY_HWM" "$WORK" "$JVM_OPTS" "$(uptime)" <<'PY'
import re, sys, os, statistics
rows = float(sys.argv[1])
t0, t1, t2, c0, c1, c2 = (float(x) for x in sys.argv[3:9])
steady_file, steady_hwm, work, jvm = sys.argv[9], sys.argv[10], sys.argv[11], sys.argv[12]
load = sys.argv[13].split("load average:")[-1].strip()
native = rows / (t1 - t0)
json = rows / (t2 - t1)
print(f"sink JVM options: {jvm}")
print(f"rows                                {int(rows):>10,}")
print(f"ceiling: Native (clickhouse-client) {native:>10,.0f} rows/s  ({t1 - t0:.1f} s, clickhouse CPU {(c1 - c0) / rows * 1e6:.2f} us/row)")
print(f"JSONEachRow (clickhouse-client)     {json:>10,.0f} rows/s  ({t2 - t1:.1f} s, clickhouse CPU {(c2 - c1) / rows * 1e6:.2f} us/row)")
drains = {}
for line in open(sys.argv[2]):
    f = line.split()
    name, fmt = f[0], f[1]
    n, secs, cs, cc, ck, distinct, hwm, startup = (float(x) for x in f[2:10])
    rate = n / secs
    drains.setdefault(fmt, []).append((rate, cs / n * 1e6, cc / n * 1e6, ck / n * 1e6, hwm))
    print(f"sink drain {name:<13}           {rate:>10,.0f} rows/s  = {rate / native:.0%} of Native; {secs:.1f} s for {int(n):,} rows "
          f"after {startup:.1f} s start-up; distinct rows {int(distinct):,}")
    print(f"    CPU us/row: sink JVM {cs / n * 1e6:.2f}, clickhouse {cc / n * 1e6:.2f}, broker {ck / n * 1e6:.2f}, "
          f"total {(cs + cc + ck) / n * 1e6:.2f}; sink RSS peak (VmHWM) {hwm:.0f} MB")
medians = {fmt: tuple(statistics.median(v[i] for v in runs) for i in range(5)) for fmt, runs in drains.items()}
for fmt, m in medians.items():
    print(f"median of {len(drains[fmt])}, {fmt:<11}         {m[0]:>10,.0f} rows/s  = {m[0] / native:.0%} of Native; CPU us/row: "
          f"sink JVM {m[1]:.2f}, clickhouse {m[2]:.2f}, broker {m[3]:.2f}; sink RSS peak {m[4]:.0f} MB")
if "sink" in medians and "baseline" in medians:
    r, j = medians["sink"], medians["baseline"]
    print(f"sink / baseline, medians:           rows/s x{r[0] / j[0]:.2f}; CPU/row sink JVM x{r[1] / j[1]:.2f}, "
          f"clickhouse x{r[2] / j[2]:.2f}, sink+clickhouse x{(r[1] + r[2]) / (j[1] + j[2]):.2f}")

def histogram(path):
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path):
        m = re.match(r'kz_sink_freshness_seconds_bucket\{.*le="([^"]+)".*\} (\S+)', line)
        if m:
            le = float("inf") if m.group(1) == "+Inf" else float(m.group(1))
            out[le] = out.get(le, 0.0) + float(m.group(2))
    return out

def quantile(buckets, q):
    total = buckets.get(float("inf"), 0.0)
    if total <= 0:
        return float("nan")
    prev_le, prev_c = 0.0, 0.0
    for le in sorted(buckets):
        c = buckets[le]
        if c >= q * total:
            if le == float("inf"):
                return prev_le
            return prev_le + (le - prev_le) * ((q * total - prev_c) / max(c - prev_c, 1e-9))
        prev_le, prev_c = le, c
    return prev_le

if os.path.exists(steady_file) and os.path.getsize(steady_file) > 0:
    for line in open(steady_file):
        name, n, secs, cs, cc, ck = line.split()
        n, secs, cs, cc, ck = int(n), float(secs), float(cs), float(cc), float(ck)
        before, after = histogram(f"{work}/metrics-{name}-before.txt"), histogram(f"{work}/metrics-{name}-after.txt")
        delta = {le: after.get(le, 0) - before.get(le, 0) for le in after}
        print(f"{name} phase: {n:,} rows ({n / 8:,.0f} webhooks) in {secs:.1f} s incl. catch-up; CPU us/row: sink JVM {cs / n * 1e6:.2f}, "
              f"clickhouse {cc / n * 1e6:.2f}, broker (incl. producer side) {ck / n * 1e6:.2f}; "
              f"CPU % of a core: sink {cs / secs * 100:.0f}, clickhouse {cc / secs * 100:.0f}")
        print(f"    sink freshness (insert done - record time, sampled rows): p50 {quantile(delta, 0.5) * 1000:.0f} ms, "
              f"p99 {quantile(delta, 0.99) * 1000:.0f} ms")
    print(f"sink RSS peak (VmHWM) over the steady and moderate phases: {steady_hwm} MB")
print(f"load average after the run (2 cores, shared): {load}")
PY
