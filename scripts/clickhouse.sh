# shellcheck shell=bash
# The local ClickHouse for `./pipeline up`: a private clickhouse-server (the binary on PATH; Debian's package is
# installed when missing and permitted) on its own ports with its data in $PIPELINE_HOME/clickhouse/data, kept
# across `down` and `up`. User `default` without password, reachable from 127.0.0.1 only; time zone UTC.
# Same configuration as the test kit's private server (pipeline-testkit LocalClickHouseServer).

CH_DIR=$PIPELINE_HOME/clickhouse
CH_LOG=$LOG_DIR/clickhouse.log

clickhouse_url() { echo "http://127.0.0.1:$PIPELINE_CLICKHOUSE_HTTP_PORT"; }

clickhouse_ensure_installed() {
  if find_clickhouse_server >/dev/null; then
    return 0
  fi
  if may_install; then
    step "Installing Debian's clickhouse-server and clickhouse-client (apt-get)"
    apt_install clickhouse-server clickhouse-client || die "apt-get install clickhouse-server failed"
    find_clickhouse_server >/dev/null || die "clickhouse-server is still not on PATH after installing it"
  else
    die "clickhouse-server is not installed. Install it: apt-get install -y clickhouse-server clickhouse-client" \
      "(or run as root / with PIPELINE_INSTALL=1 to let ./pipeline install it with sudo)"
  fi
}

clickhouse_write_config() {
  mkdir -p "$CH_DIR/data" "$CH_DIR/tmp" "$CH_DIR/user_files" "$CH_DIR/format_schemas" "$LOG_DIR"
  cat >"$CH_DIR/config.xml" <<XML
<?xml version="1.0"?>
<!-- Written by ./pipeline up on every start; edit scripts/clickhouse.sh, not this file. -->
<yandex>
  <logger><level>warning</level><log>$LOG_DIR/clickhouse-server.log</log><errorlog>$LOG_DIR/clickhouse-server.err.log</errorlog><size>10M</size><count>2</count></logger>
  <http_port>$PIPELINE_CLICKHOUSE_HTTP_PORT</http_port><tcp_port>$PIPELINE_CLICKHOUSE_TCP_PORT</tcp_port><listen_host>127.0.0.1</listen_host>
  <max_concurrent_queries>50</max_concurrent_queries><mark_cache_size>268435456</mark_cache_size>
  <path>$CH_DIR/data/</path><tmp_path>$CH_DIR/tmp/</tmp_path>
  <user_files_path>$CH_DIR/user_files/</user_files_path><format_schema_path>$CH_DIR/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config><default_profile>default</default_profile><default_database>default</default_database>
  <timezone>UTC</timezone>
</yandex>
XML
  cat >"$CH_DIR/users.xml" <<'XML'
<?xml version="1.0"?>
<yandex>
  <profiles><default>
    <max_memory_usage>4000000000</max_memory_usage>
    <date_time_input_format>best_effort</date_time_input_format>
  </default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

clickhouse_ready() { http_ok "$(clickhouse_url)/ping" "Ok"; }

clickhouse_start() {
  local pid start binary
  if pid=$(pid_of clickhouse); then
    ok "ClickHouse already running (pid $pid) on $(clickhouse_url)"
    return 0
  fi
  step "ClickHouse on $(clickhouse_url) (native TCP $PIPELINE_CLICKHOUSE_TCP_PORT)"
  report_death clickhouse
  start=$(now_ms)
  clickhouse_ensure_installed
  binary=$(find_clickhouse_server)
  require_free_port "ClickHouse HTTP" "$PIPELINE_CLICKHOUSE_HTTP_PORT" PIPELINE_CLICKHOUSE_HTTP_PORT
  require_free_port "ClickHouse TCP" "$PIPELINE_CLICKHOUSE_TCP_PORT" PIPELINE_CLICKHOUSE_TCP_PORT
  clickhouse_write_config
  (cd "$CH_DIR" && spawn clickhouse "$CH_LOG" "$binary" --config-file="$CH_DIR/config.xml")
  note "started (pid $(pid_of clickhouse)), waiting for /ping"
  if ! wait_ready clickhouse 60 clickhouse_ready; then
    show_log_tail "$CH_LOG"
    show_log_tail "$LOG_DIR/clickhouse-server.err.log"
    die "ClickHouse did not become ready; logs: $CH_LOG, $LOG_DIR/clickhouse-server.err.log"
  fi
  ok "ClickHouse ready on $(clickhouse_url) ($(elapsed "$start"))"
}

clickhouse_stop() { stop_part clickhouse 30; }
