# shellcheck shell=bash
# The three services for `./pipeline up`, each a separate JVM: `java -jar <module>/target/<module>.jar` (its
# dependencies in target/lib beside it). A service whose jar does not exist yet (its module is not written or
# not runnable yet) is skipped, so `up` works with any subset, including none.

SERVICES=(ingest-gateway stream-processor sink-clickhouse)
# shellcheck disable=SC2034 # used by ./pipeline
WEBHOOK_PATH=/webhooks/kaizala

service_jar() { echo "$PIPELINE_ROOT/$1/target/$1.jar"; }

# A module is a runnable service when it activates the parent POM's `service` profile.
service_is_runnable() { [[ -f $PIPELINE_ROOT/$1/src/main/resources/service.properties ]]; }

service_port() {
  case $1 in
    ingest-gateway) echo "$GATEWAY_PORT" ;;
    stream-processor) echo "$PROCESSOR_MANAGEMENT_PORT" ;;
    sink-clickhouse) echo "$SINK_MANAGEMENT_PORT" ;;
  esac
}

# JVM options per service (override with GATEWAY_JAVA_OPTS, PROCESSOR_JAVA_OPTS, SINK_JAVA_OPTS): small fixed heaps
# and the serial collector, for a small machine (peaks of 200-300 MB RSS per service at 2,000 webhooks/s in
# docs/BENCHMARKS.md). The processor's RocksDB memory is off-heap, bounded apart (PROCESSOR_ROCKSDB_MEMORY_BYTES);
# the sink's buffers are bounded to fit its heap (SINK_MAX_BUFFERED_BYTES).
JAVA_OPTS_COMMON="-XX:+UseSerialGC -Xss512k -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=64m -XX:+ExitOnOutOfMemoryError"
service_java_opts() {
  case $1 in
    ingest-gateway) echo "${GATEWAY_JAVA_OPTS:--Xms128m -Xmx160m $JAVA_OPTS_COMMON}" ;;
    stream-processor) echo "${PROCESSOR_JAVA_OPTS:--Xms32m -Xmx160m $JAVA_OPTS_COMMON}" ;;
    sink-clickhouse) echo "${SINK_JAVA_OPTS:--Xms32m -Xmx160m -Djdk.nio.maxCachedBufferSize=262144 $JAVA_OPTS_COMMON}" ;;
  esac
}

service_port_variable() {
  case $1 in
    ingest-gateway) echo GATEWAY_PORT ;;
    stream-processor) echo PROCESSOR_MANAGEMENT_PORT ;;
    sink-clickhouse) echo SINK_MANAGEMENT_PORT ;;
  esac
}

service_url() { echo "http://127.0.0.1:$(service_port "$1")"; }

# Where a service answers /health/* and /metrics: the gateway has a management port beside its webhook port.
service_management_url() {
  case $1 in
    ingest-gateway) echo "http://127.0.0.1:$GATEWAY_MANAGEMENT_PORT" ;;
    *) service_url "$1" ;;
  esac
}

# True when a runnable module's jar is missing or older than its sources, the shared model or a POM.
service_jar_stale() {
  local module=$1 jar
  jar=$(service_jar "$module")
  [[ -f $jar ]] || return 0
  [[ -n $(find "$PIPELINE_ROOT/$module/src/main" "$PIPELINE_ROOT/$module/pom.xml" "$PIPELINE_ROOT/pipeline-model/src/main" \
    "$PIPELINE_ROOT/pipeline-model/pom.xml" "$PIPELINE_ROOT/pom.xml" -newer "$jar" -type f -print -quit 2>/dev/null) ]]
}

# Builds the service jars (one Maven run for the reactor) when one is missing or stale. PIPELINE_SKIP_BUILD=1 skips.
services_build() {
  local module stale=() start
  for module in "${SERVICES[@]}"; do
    if service_is_runnable "$module" && service_jar_stale "$module"; then
      stale+=("$module")
    fi
  done
  if ((${#stale[@]} == 0)); then
    return 0
  fi
  if [[ ${PIPELINE_SKIP_BUILD:-} == 1 ]]; then
    warn "not building (PIPELINE_SKIP_BUILD=1) although these jars are missing or stale: ${stale[*]}"
    return 0
  fi
  step "Building service jars (${stale[*]}): mvn -B -q -DskipTests package"
  start=$(now_ms)
  mkdir -p "$LOG_DIR"
  if ! (cd "$PIPELINE_ROOT" && mvn -B -q -DskipTests package) >"$LOG_DIR/build.log" 2>&1; then
    show_log_tail "$LOG_DIR/build.log"
    die "the build failed; full output: $LOG_DIR/build.log"
  fi
  ok "built ($(elapsed "$start"))"
}

# The callback token: KAIZALA_CALLBACK_TOKENS when set, else one generated on the first `up` and kept
# (mode 600) in $PIPELINE_HOME/callback-token.
callback_tokens() {
  local file=$PIPELINE_HOME/callback-token
  if [[ -n ${KAIZALA_CALLBACK_TOKENS:-} ]]; then
    echo "$KAIZALA_CALLBACK_TOKENS"
    return 0
  fi
  if [[ ! -s $file ]]; then
    (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$file")
  fi
  cat "$file"
}

service_ready() { http_ok "$(service_management_url "$1")/health/ready"; }

# Starts one service in the background (no waiting). Returns 1 when it has no jar.
service_spawn() {
  local module=$1 jar app
  jar=$(service_jar "$module")
  [[ -f $jar ]] || return 1
  require_free_port "$module" "$(service_port "$module")" "$(service_port_variable "$module")"
  [[ $module != ingest-gateway ]] || require_free_port "$module" "$GATEWAY_MANAGEMENT_PORT" GATEWAY_MANAGEMENT_PORT
  mkdir -p "$PIPELINE_HOME/$module"
  # a private copy of the jar and its lib/: a later build (mvn package, ./pipeline test) rewrites target/, and a
  # running JVM whose jars change underneath fails with NoClassDefFoundError on the next class it loads
  app=$PIPELINE_HOME/$module/app
  if ! { rm -rf "$app" && mkdir -p "$app" && cp -p "$jar" "$app/" && cp -rp "$(dirname "$jar")/lib" "$app/"; }; then
    die "cannot copy $module's jar and lib/ to $app"
  fi
  jar=$app/$(basename "$jar")
  (
    cd "$PIPELINE_HOME/$module" || exit 1
    export KAFKA_BOOTSTRAP_SERVERS
    KAFKA_BOOTSTRAP_SERVERS=$(kafka_bootstrap)
    export CLICKHOUSE_URL
    CLICKHOUSE_URL=$(clickhouse_url)
    export CLICKHOUSE_USER=default CLICKHOUSE_PASSWORD=''
    export KAIZALA_CALLBACK_TOKENS
    KAIZALA_CALLBACK_TOKENS=$(callback_tokens)
    export PROCESSOR_STATE_DIR=$PIPELINE_HOME/stream-processor/state
    # static group membership (docs/DESIGN.md, "Restarts, outages and health"): each `up` after a `down` or a
    # crash takes the partitions back at once instead of waiting for the group to time out the old member
    export PROCESSOR_INSTANCE_ID=${PROCESSOR_INSTANCE_ID:-processor-0} SINK_INSTANCE_ID=${SINK_INSTANCE_ID:-sink-0}
    # glibc's default of up to 8 malloc arenas per core only adds RSS to a JVM, which allocates little natively
    export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
    local -a java_opts
    read -r -a java_opts <<<"$(service_java_opts "$module")"
    spawn "$module" "$LOG_DIR/$module.log" java "${java_opts[@]}" "-Dpipeline.home=$PIPELINE_HOME/" -jar "$jar"
  )
}

services_start() {
  local module pid started=() start failed=0
  for module in "${SERVICES[@]}"; do
    if pid=$(pid_of "$module"); then
      ok "$module already running (pid $pid) on $(service_url "$module")"
    elif [[ ! -f $(service_jar "$module") ]]; then
      note "$module: no $(service_jar "$module" | sed "s|$PIPELINE_ROOT/||") yet, skipped"
    else
      step "$module on $(service_url "$module")"
      report_death "$module"
      service_spawn "$module"
      note "started (pid $(pid_of "$module"))"
      started+=("$module")
    fi
  done
  start=$(now_ms)
  for module in "${started[@]}"; do
    if wait_ready "$module" 120 service_ready "$module"; then
      ok "$module ready on $(service_url "$module") ($(elapsed "$start"))"
    else
      show_log_tail "$LOG_DIR/$module.log"
      warn "$module is not ready (it $(is_running "$module" && echo "is still starting" || echo "exited")); log: $LOG_DIR/$module.log"
      failed=1
    fi
  done
  return $failed
}

services_stop() {
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    stop_part "${SERVICES[i]}" 40
  done
}
