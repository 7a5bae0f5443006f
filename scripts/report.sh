# shellcheck shell=bash
# `./pipeline report`: the "Kaizala responses" dashboard as text tables, over all the data in the local ClickHouse.
# The report is produced from the dashboard definition (deploy/grafana/dashboards/kaizala-responses.json, the single
# source of its SQL): io.kzpipe.cli.report.Report in the pipeline-cli module expands every ClickHouse panel's queries
# as Grafana and the ClickHouse plugin do (every variable All, time range 1970 to now, $__interval_s from the span of
# the data), runs them over HTTP and prints each panel as a table; a failing query is a warning and exit status 1.
# The jar is built like the service jars (scripts/services.sh: target/<module>.jar beside target/lib).
# Settings: PIPELINE_REPORT_ROWS (rows per panel, default 20).

REPORT_MODULE=pipeline-cli
REPORT_DASHBOARD=$PIPELINE_ROOT/deploy/grafana/dashboards/kaizala-responses.json

# Builds pipeline-cli's jar (and target/lib) when it is missing or older than its sources or a POM, as services_build
# does for the services. PIPELINE_SKIP_BUILD=1 skips.
report_build() {
  local start
  service_jar_stale "$REPORT_MODULE" || return 0
  if [[ ${PIPELINE_SKIP_BUILD:-} == 1 ]]; then
    [[ -f $(service_jar "$REPORT_MODULE") ]] || die "no $(service_jar "$REPORT_MODULE") and PIPELINE_SKIP_BUILD=1"
    warn "not building (PIPELINE_SKIP_BUILD=1) although the jar is stale: $REPORT_MODULE"
    return 0
  fi
  require_build_tools
  step "Building the report jar ($REPORT_MODULE): mvn -B -q -DskipTests -pl $REPORT_MODULE -am package"
  start=$(now_ms)
  mkdir -p "$LOG_DIR"
  if ! (cd "$PIPELINE_ROOT" && mvn -B -q -DskipTests -pl "$REPORT_MODULE" -am package) >"$LOG_DIR/build.log" 2>&1; then
    show_log_tail "$LOG_DIR/build.log"
    die "the build failed; full output: $LOG_DIR/build.log"
  fi
  ok "built ($(elapsed "$start"))"
}

report_print() {
  local db rows=${PIPELINE_REPORT_ROWS:-20}
  command -v curl >/dev/null || die "./pipeline report needs curl (apt-get install -y curl)"
  db=$(clickhouse_database)
  if ! is_running clickhouse || ! clickhouse_ready; then
    die "ClickHouse is not running on $(clickhouse_url): start the pipeline with ./pipeline up"
  fi
  [[ $(clickhouse_query "SELECT count() FROM system.tables WHERE database = '$db' AND name = 'responses_latest' FORMAT TSV") == 1 ]] ||
    die "no $db.responses_latest view yet: the sink creates the tables when it starts ('./pipeline status')"
  [[ $rows =~ ^[0-9]+$ ]] || die "PIPELINE_REPORT_ROWS must be a number, got '$rows'"
  [[ -f $REPORT_DASHBOARD ]] || die "no dashboard $REPORT_DASHBOARD"
  report_build

  # the local server: user default without password (scripts/clickhouse.sh)
  CLICKHOUSE_URL=$(clickhouse_url) CLICKHOUSE_USER=default CLICKHOUSE_PASSWORD='' CLICKHOUSE_DATABASE=$db \
    PIPELINE_REPORT_ROWS=$rows java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -cp "$(service_jar "$REPORT_MODULE")" io.kzpipe.cli.report.Report "$REPORT_DASHBOARD"
}

# `./pipeline reconcile [--since ...]`: the ledger (docs/DESIGN.md "Ledger") from the SQL of the "Ledger by minute"
# panel of deploy/grafana/dashboards/pipeline-health.json, run by io.kzpipe.cli.report.Reconcile; its exit status
# (0 balanced, 1 unbalanced, 2 usage, 3 ClickHouse failed) is the command's.
reconcile_print() {
  local db
  db=$(clickhouse_database)
  if ! is_running clickhouse || ! clickhouse_ready; then
    # status 3, as Reconcile's for an unreachable ClickHouse: 1 means "unbalanced"
    printf '%serror:%s %s\n' "$C_RED" "$C_OFF" \
      "ClickHouse is not running on $(clickhouse_url): start the pipeline with ./pipeline up" >&2
    exit 3
  fi
  [[ -f $PIPELINE_ROOT/deploy/grafana/dashboards/pipeline-health.json ]] || die "no dashboard pipeline-health.json"
  report_build
  CLICKHOUSE_URL=$(clickhouse_url) CLICKHOUSE_USER=default CLICKHOUSE_PASSWORD='' CLICKHOUSE_DATABASE=$db \
    exec java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -cp "$(service_jar "$REPORT_MODULE")" io.kzpipe.cli.Main reconcile "$@" \
    "$PIPELINE_ROOT/deploy/grafana/dashboards/pipeline-health.json"
}
