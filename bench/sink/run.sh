#!/usr/bin/env bash
# ClickHouse sink benchmark: drain a backlog of typed rows from Kafka into ClickHouse, and in the same run
# measure the ceiling: clickhouse-client inserting the very same rows from a file in Native format (plus,
# for reference, the same rows as JSONEachRow).
#
#   bench/sink/run.sh [rows]            rows default 2000000 (BENCH_ROWS)
#
# Everything runs on loopback with private ports and data under bench/sink/target (BENCH_WORK): a private
# clickhouse-server, a single-node KRaft broker (separate JVM, classpath from the pipeline-testkit module),
# the sink as it ships (sink-clickhouse/target/sink-clickhouse.jar). Every process is stopped by PID on exit.
# Sink settings can be overridden from the environment (e.g. SINK_FLUSH_ROWS=200000 bench/sink/run.sh);
# BENCH_SINK_JVM_OPTS sets the sink's JVM options (default -Xmx1g).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROWS=${1:-${BENCH_ROWS:-2000000}}
WORK=${BENCH_WORK:-$ROOT/bench/sink/target}
PARTITIONS=${BENCH_PARTITIONS:-3}
TOPIC=bench.answers.numeric
DB=bench
COLS="schema_version,row_id,event_id,response_id,version,action_id,group_id,question_index,question_title,question_type,received_at_ms,value"
PIDS=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cpu_seconds() { # user+system CPU seconds of a PID so far
  awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}
now() { date +%s.%N; }
stop_all() {
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

log "building the sink (mvn package) and resolving the broker classpath"
(cd "$ROOT" && mvn -B -q -o -pl sink-clickhouse -am package -DskipTests >/dev/null 2>&1 \
  || mvn -B -q -pl sink-clickhouse -am package -DskipTests)
(cd "$ROOT" && mvn -B -q -pl pipeline-testkit dependency:build-classpath -Dmdep.outputFile="$WORK/broker-cp.txt" \
  -Dmdep.includeScope=runtime >/dev/null)
SINK_JAR=$ROOT/sink-clickhouse/target/sink-clickhouse.jar
SINK_CP="$SINK_JAR:$ROOT/sink-clickhouse/target/lib/*"

log "starting clickhouse-server on 127.0.0.1:$CH_HTTP"
CH=$WORK/clickhouse
mkdir -p "$CH/data" "$CH/tmp" "$CH/log"
cat >"$CH/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$CH/log/server.log</log><errorlog>$CH/log/server.err.log</errorlog><size>10M</size><count>2</count></logger>
  <http_port>$CH_HTTP</http_port><tcp_port>$CH_TCP</tcp_port><listen_host>127.0.0.1</listen_host>
  <max_concurrent_queries>50</max_concurrent_queries><mark_cache_size>268435456</mark_cache_size>
  <path>$CH/data/</path><tmp_path>$CH/tmp/</tmp_path>
  <user_files_path>$CH/user_files/</user_files_path><format_schema_path>$CH/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
EOF
cat >"$CH/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
EOF
clickhouse-server --config-file="$CH/config.xml" >"$CH/log/stdout.log" 2>&1 &
CH_PID=$!; PIDS+=("$CH_PID")
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$CH_HTTP/ping" >/dev/null && break; sleep 0.2; done
chq() { clickhouse-client --port "$CH_TCP" "$@"; }

log "starting a single-node Kafka broker on 127.0.0.1:$KAFKA_PORT"
K=$WORK/kafka
mkdir -p "$K"
cat >"$K/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CTRL
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CTRL
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CTRL
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$K/data
num.partitions=$PARTITIONS
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
cat >"$K/logback.xml" <<'EOF'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%d %-5level %logger{30} - %msg%n</pattern></encoder></appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
EOF
BROKER_CP=$(cat "$WORK/broker-cp.txt")
JAVA_BROKER=(java -Xms512m -Xmx1g -Dlogback.configurationFile="$K/logback.xml" -cp "$BROKER_CP")
"${JAVA_BROKER[@]}" kafka.tools.StorageTool format --standalone -t "$("${JAVA_BROKER[@]}" kafka.tools.StorageTool random-uuid)" \
  -c "$K/server.properties" >"$K/format.log" 2>&1
"${JAVA_BROKER[@]}" kafka.Kafka "$K/server.properties" >"$K/kafka.log" 2>&1 &
KAFKA_PID=$!; PIDS+=("$KAFKA_PID")
for _ in $(seq 1 150); do (echo >"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null && break; sleep 0.2; done

log "producing $ROWS answers_numeric records to $TOPIC ($PARTITIONS partitions, lz4, transactions)"
PRODUCED=$(java -cp "$SINK_CP" "$ROOT/bench/sink/BacklogProducer.java" "127.0.0.1:$KAFKA_PORT" "$TOPIC" "$ROWS" "$PARTITIONS")
log "$PRODUCED"

# drain NAME DATABASE: runs the sink into DATABASE (own consumer group bench-sink-NAME) until every row is
# there; appends "name t_start t_first count_first t_end cpu_sink cpu_ch cpu_k distinct" to $RESULTS
RESULTS=$WORK/drains.txt
drain() {
  local name=$1 db=$2 log=$WORK/sink-$1.log pid t_start t_first="" count_first=0 t_end count cpu_ch0 cpu_k0
  log "draining the backlog with the sink (database $db)"
  cpu_ch0=$(cpu_seconds "$CH_PID"); cpu_k0=$(cpu_seconds "$KAFKA_PID")
  t_start=$(now)
  env KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" TOPIC_PREFIX=bench. CLICKHOUSE_URL="http://127.0.0.1:$CH_HTTP" \
    CLICKHOUSE_DATABASE="$db" SINK_MANAGEMENT_HOST=127.0.0.1 SINK_MANAGEMENT_PORT="$MGMT" SINK_GROUP_ID="bench-sink-$name" \
    java ${BENCH_SINK_JVM_OPTS:--Xmx1g} -jar "$SINK_JAR" >"$log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  while :; do
    kill -0 "$pid" 2>/dev/null || { tail -30 "$log" >&2; echo "the sink exited" >&2; exit 1; }
    count=$(curl -sf "http://127.0.0.1:$CH_HTTP/" --data-binary "SELECT count() FROM $db.answers_numeric" 2>/dev/null || echo 0)
    if [[ -z $t_first && $count -gt 0 ]]; then t_first=$(now); count_first=$count; fi
    [[ $count -ge $ROWS ]] && break
    sleep 0.1
  done
  t_end=$(now)
  echo "$name $t_start $t_first $count_first $t_end $(cpu_seconds "$pid")" \
    "$(awk -v a="$(cpu_seconds "$CH_PID")" -v b="$cpu_ch0" 'BEGIN{print a-b}')" \
    "$(awk -v a="$(cpu_seconds "$KAFKA_PID")" -v b="$cpu_k0" 'BEGIN{print a-b}')" \
    "$(chq -q "SELECT count() FROM $db.answers_numeric FINAL")" >>"$RESULTS"
  curl -sf "http://127.0.0.1:$MGMT/metrics" | grep -E '^kz_sink_(batch_rows|insert_seconds)_(count|sum)\{' \
    | sed "s/^/  /" >&2 || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

drain sink "$DB"
FIRST_DB=$DB

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

python3 - "$ROWS" "$RESULTS" "$T0" "$T1" "$T2" "$C0" "$C1" "$C2" \
  "$(stat -c %s "$WORK/rows.native")" "$(stat -c %s "$WORK/rows.json")" "$(uptime)" <<'EOF'
import sys
rows = float(sys.argv[1])
t0, t1, t2, c0, c1, c2, native_bytes, json_bytes = (float(x) for x in sys.argv[3:11])
load = sys.argv[11].split("load average:")[-1].strip()
native = rows / (t1 - t0)
json = rows / (t2 - t1)
print(f"rows                          {int(rows):>12,}")
print(f"ceiling: Native (client)      {native:>12,.0f} rows/s  ({t1 - t0:.1f} s, {native_bytes / 1e6:.0f} MB, clickhouse CPU {c1 - c0:.1f} s)")
print(f"JSONEachRow (client)          {json:>12,.0f} rows/s  ({t2 - t1:.1f} s, {json_bytes / 1e6:.0f} MB, clickhouse CPU {c2 - c1:.1f} s)")
for line in open(sys.argv[2]):
    f = line.split()
    fmt = f[0]
    t_start, t_first, count_first, t_end, cpu_sink, cpu_ch, cpu_k, distinct = (float(x) for x in f[1:9])
    drain = (rows - count_first) / (t_end - t_first)
    print(f"sink drain                    {drain:>12,.0f} rows/s  ({drain / native:.0%} of Native; first insert to last row "
          f"{t_end - t_first:.1f} s; {t_first - t_start:.1f} s start-up before; distinct rows {int(distinct):,})")
    print(f"    CPU s while draining: sink JVM {cpu_sink:.1f} (incl. start-up), clickhouse {cpu_ch:.1f}, broker {cpu_k:.1f}")
print(f"load average after the run (2 cores, shared): {load}")
EOF
