# shellcheck shell=bash
# The local single-node Kafka (KRaft, combined broker and controller) for `./pipeline up`: a separate JVM
# whose classpath Maven resolves from deploy/local/kafka/pom.xml. Data lives in $PIPELINE_HOME/kafka/data and
# is formatted once; later starts reuse it, so topics and records survive `down` and `up`.

KAFKA_POM=$PIPELINE_ROOT/deploy/local/kafka/pom.xml
KAFKA_LOG4J=$PIPELINE_ROOT/deploy/local/kafka/log4j2.xml
KAFKA_DIR=$PIPELINE_HOME/kafka
KAFKA_LOG=$LOG_DIR/kafka.log

kafka_bootstrap() { echo "127.0.0.1:$PIPELINE_KAFKA_PORT"; }

# Resolves the broker classpath with Maven into $KAFKA_DIR/cp.txt; again when the POM changed or a jar
# disappeared from the local Maven repository.
kafka_resolve_classpath() {
  local cp_file=$KAFKA_DIR/cp.txt jar stale=0 jars
  mkdir -p "$KAFKA_DIR"
  if [[ ! -s $cp_file || $KAFKA_POM -nt $cp_file ]]; then
    stale=1
  else
    IFS=":" read -ra jars <"$cp_file" || true # no trailing newline: read fails at EOF
    for jar in "${jars[@]}"; do
      [[ -f $jar ]] || stale=1
    done
  fi
  if ((stale)); then
    note "resolving the broker classpath with Maven (first run downloads ~45 MB)"
    mvn -B -q -f "$KAFKA_POM" dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime \
      >>"$LOG_DIR/build.log" 2>&1 || {
      show_log_tail "$LOG_DIR/build.log"
      die "cannot resolve the Kafka broker classpath from $KAFKA_POM"
    }
  fi
}

# server.properties for the configured ports. Static controller quorum, so a port change needs no re-format.
kafka_write_config() {
  cat >"$KAFKA_DIR/server.properties" <<PROPS
# Written by ./pipeline up on every start; edit the script (scripts/kafka.sh), not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$PIPELINE_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PIPELINE_KAFKA_PORT,CONTROLLER://127.0.0.1:$PIPELINE_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PIPELINE_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
}

# Formats the data directory once (kafka.tools.StorageTool); an existing one is kept.
kafka_format_once() {
  local cluster_id
  if [[ -f $KAFKA_DIR/data/meta.properties ]]; then
    return 0
  fi
  note "formatting a new Kafka data directory: $KAFKA_DIR/data"
  cluster_id=$(java @"$KAFKA_DIR/jvm.args" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG") ||
    die "kafka.tools.StorageTool random-uuid failed; see $KAFKA_LOG"
  java @"$KAFKA_DIR/jvm.args" kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" \
    >>"$KAFKA_LOG" 2>&1 || {
    show_log_tail "$KAFKA_LOG"
    die "formatting the Kafka data directory failed"
  }
}

kafka_ready() { port_open "$PIPELINE_KAFKA_PORT" && tail -c "+$KAFKA_LOG_OFFSET" "$KAFKA_LOG" | grep -q "Kafka Server started"; }

kafka_start() {
  local pid start
  if pid=$(pid_of kafka); then
    ok "Kafka already running (pid $pid) on $(kafka_bootstrap)"
    return 0
  fi
  step "Kafka (single-node KRaft) on $(kafka_bootstrap)"
  report_death kafka
  start=$(now_ms)
  require_free_port Kafka "$PIPELINE_KAFKA_PORT" PIPELINE_KAFKA_PORT
  require_free_port "the Kafka controller" "$PIPELINE_KAFKA_CONTROLLER_PORT" PIPELINE_KAFKA_CONTROLLER_PORT
  kafka_resolve_classpath
  # JVM options in an argument file: short `ps` lines, and its path marks the process as ours (pid_of)
  local -a heap
  read -r -a heap <<<"${PIPELINE_KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
  { printf -- '%s\n' "${heap[@]}"
    printf -- '"-Dlog4j2.configurationFile=%s"\n-cp\n"%s"\n' "$KAFKA_LOG4J" "$(<"$KAFKA_DIR/cp.txt")"
  } >"$KAFKA_DIR/jvm.args"
  kafka_write_config
  kafka_format_once
  touch "$KAFKA_LOG"
  KAFKA_LOG_OFFSET=$(($(stat -c %s "$KAFKA_LOG") + 1))
  spawn kafka "$KAFKA_LOG" java @"$KAFKA_DIR/jvm.args" kafka.Kafka "$KAFKA_DIR/server.properties"
  note "started (pid $(pid_of kafka)), waiting for the broker"
  if ! wait_ready kafka 120 kafka_ready; then
    show_log_tail "$KAFKA_LOG"
    die "Kafka did not become ready; log: $KAFKA_LOG"
  fi
  ok "Kafka ready on $(kafka_bootstrap) ($(elapsed "$start"))"
}

kafka_stop() { stop_part kafka 60; }
