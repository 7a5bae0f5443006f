# shellcheck shell=bash
# Shared helpers for ./pipeline: settings, output, processes started by PID, waiting, installing packages.
# Sourced (not executed) after PIPELINE_ROOT is set. Every process is started detached in its own session,
# its PID written to $PID_DIR/<part>.pid, its output appended to $LOG_DIR/<part>.log.

PIPELINE_HOME=$(realpath -m "${PIPELINE_HOME:-$PIPELINE_ROOT/.run}")
LOG_DIR=$PIPELINE_HOME/logs
PID_DIR=$PIPELINE_HOME/pids
SETTINGS_FILE=$PIPELINE_HOME/settings.env

# Settings a user may override with environment variables; `up` records the values it used in
# $SETTINGS_FILE so that `status` and `down` later show and stop the same things.
SETTING_NAMES=(PIPELINE_KAFKA_PORT PIPELINE_KAFKA_CONTROLLER_PORT PIPELINE_CLICKHOUSE_HTTP_PORT
  PIPELINE_CLICKHOUSE_TCP_PORT GATEWAY_PORT GATEWAY_MANAGEMENT_PORT PROCESSOR_MANAGEMENT_PORT SINK_MANAGEMENT_PORT)
declare -A SETTING_DEFAULTS=(
  [PIPELINE_KAFKA_PORT]=9092 [PIPELINE_KAFKA_CONTROLLER_PORT]=9093
  [PIPELINE_CLICKHOUSE_HTTP_PORT]=8123 [PIPELINE_CLICKHOUSE_TCP_PORT]=9000
  [GATEWAY_PORT]=8080 [GATEWAY_MANAGEMENT_PORT]=8083 [PROCESSOR_MANAGEMENT_PORT]=8081 [SINK_MANAGEMENT_PORT]=8082)

# ---------------------------------------------------------------------------------------------- output

if [[ -t 1 ]]; then
  C_BOLD=$'\e[1m' C_GREEN=$'\e[32m' C_YELLOW=$'\e[33m' C_RED=$'\e[31m' C_DIM=$'\e[2m' C_OFF=$'\e[0m'
else
  C_BOLD='' C_GREEN='' C_YELLOW='' C_RED='' C_DIM='' C_OFF=''
fi

step() { printf '%s==>%s %s\n' "$C_BOLD" "$C_OFF" "$*"; }
ok() { printf '    %sok%s  %s\n' "$C_GREEN" "$C_OFF" "$*"; }
note() { printf '    %s%s%s\n' "$C_DIM" "$*" "$C_OFF"; }
warn() { printf '    %swarning:%s %s\n' "$C_YELLOW" "$C_OFF" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "$C_RED" "$C_OFF" "$*" >&2
  exit 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# elapsed START_MS -> "3.4 s"
elapsed() {
  local ms=$(($(now_ms) - $1))
  printf '%d.%d s' $((ms / 1000)) $((ms % 1000 / 100))
}

# ---------------------------------------------------------------------------------------------- settings

# Settings come from the environment, else the defaults. While any part runs, the values recorded by the `up`
# that started it win (a running broker keeps its port), and a different value in the environment is reported.
load_settings() {
  local name value
  if [[ -f $SETTINGS_FILE ]] && any_part_running; then
    while IFS='=' read -r name value; do
      [[ -n ${SETTING_DEFAULTS[$name]+x} ]] || continue
      if [[ -n ${!name:-} && ${!name} != "$value" ]]; then
        warn "$name=${!name} ignored: the running pipeline uses $value ('./pipeline down' first to change it)"
      fi
      printf -v "$name" '%s' "$value"
    done <"$SETTINGS_FILE"
  fi
  for name in "${SETTING_NAMES[@]}"; do
    if [[ -z ${!name:-} ]]; then
      printf -v "$name" '%s' "${SETTING_DEFAULTS[$name]}"
    fi
    [[ ${!name} =~ ^[0-9]+$ ]] || die "$name must be a port number, got '${!name}'"
    export "${name?}"
  done
}

save_settings() {
  local name
  for name in "${SETTING_NAMES[@]}"; do
    printf '%s=%s\n' "$name" "${!name}"
  done >"$SETTINGS_FILE"
}

# ---------------------------------------------------------------------------------------------- processes

pid_file() { echo "$PID_DIR/$1.pid"; }

# pid_of PART -> prints the PID and succeeds when PART runs (a PID file whose process still exists and was
# started by ./pipeline for this PIPELINE_HOME: its command line names it, so a reused PID is not mistaken).
pid_of() {
  local file pid
  file=$(pid_file "$1")
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PIPELINE_HOME/" || return 1
  echo "$pid"
}

is_running() { pid_of "$1" >/dev/null; }

# any_part_running : one of $PARTS (set by ./pipeline) runs.
any_part_running() {
  local part
  for part in "${PARTS[@]}"; do
    is_running "$part" && return 0
  done
  return 1
}

# has_died PART -> true when PART has a PID file but no live process (it crashed or was killed).
has_died() { [[ -f $(pid_file "$1") ]] && ! is_running "$1"; }

# report_death PART : when PART died after it was started (a PID file but no process), says so with its log tail,
# so that `up` never restarts a crashed part silently.
report_death() {
  if has_died "$1"; then
    warn "$1 (pid $(<"$(pid_file "$1")")) had died since it was started; starting it again (log: $LOG_DIR/$1.log)"
    show_log_tail "$LOG_DIR/$1.log"
  fi
}

# spawn PART LOGFILE COMMAND... : runs COMMAND detached (own session, stdin from /dev/null), output appended
# to LOGFILE, PID in the PID file. The command line must contain "$PIPELINE_HOME/" (see pid_of).
spawn() {
  local part=$1 log=$2 file
  shift 2
  file=$(pid_file "$part")
  mkdir -p "$PID_DIR" "$(dirname "$log")"
  rm -f "$file"
  printf '\n----- %s: starting %s\n' "$(date '+%F %T')" "$part" >>"$log"
  # the inner shell writes its own PID and then becomes COMMAND (exec keeps the PID)
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$file" "$@" >>"$log" 2>&1 </dev/null &
  for _ in {1..50}; do
    [[ -s $file ]] && return 0
    sleep 0.1
  done
  die "$part did not start (no PID file after 5 s); see $log"
}

# stop_part PART TIMEOUT_S : SIGTERM, wait up to TIMEOUT_S for the exit, then SIGKILL. Removes the PID file.
stop_part() {
  local part=$1 timeout=$2 pid start
  if ! pid=$(pid_of "$part"); then
    if has_died "$part"; then
      note "$part was not running (it had died; see $LOG_DIR/$part.log)"
    fi
    rm -f "$(pid_file "$part")"
    return 0
  fi
  start=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if (($(now_ms) - start > timeout * 1000)); then
      warn "$part (pid $pid) still running after ${timeout} s: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$part")"
  ok "$part stopped (pid $pid, $(elapsed "$start"))"
}

# wait_ready PART TIMEOUT_S CHECK... : polls CHECK until it succeeds. Fails early when the process dies.
# Prints a dot every two seconds so long waits are visibly alive.
wait_ready() {
  local part=$1 timeout=$2 start ticks=0
  shift 2
  start=$(now_ms)
  until "$@"; do
    if ! is_running "$part"; then
      printf '\n' >&2
      return 2
    fi
    if (($(now_ms) - start > timeout * 1000)); then
      printf '\n' >&2
      return 1
    fi
    sleep 0.2
    ticks=$((ticks + 1))
    if ((ticks % 10 == 0)); then printf '.' >&2; fi
  done
  if ((ticks >= 10)); then printf '\n' >&2; fi
}

# show_log_tail LOGFILE : the last lines of a log, indented, for failure messages.
show_log_tail() {
  if [[ -f $1 ]]; then
    printf '    last lines of %s:\n' "$1" >&2
    tail -n 25 "$1" | sed 's/^/      | /' >&2
  fi
}

# ---------------------------------------------------------------------------------------------- network

# port_open PORT : something accepts TCP connections on 127.0.0.1:PORT.
# shellcheck disable=SC2016 # expanded by the inner shell
port_open() { timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"' "$1" 2>/dev/null; }

# require_free_port PART PORT VARIABLE : dies with a hint when another program already listens on PORT.
require_free_port() {
  if port_open "$2"; then
    die "port $2 (for $1) is already in use by another program. Stop it, or choose another port: $3=<port> ./pipeline up"
  fi
}

# http_ok URL [EXPECTED_BODY_PREFIX] : GET URL answers 200 (and the body starts with the prefix).
http_ok() {
  local url=$1 prefix=${2:-} body
  if command -v curl >/dev/null; then
    body=$(curl -fsS --max-time 2 "$url" 2>/dev/null) || return 1
  else
    body=$(http_get_devtcp "$url") || return 1
  fi
  [[ -z $prefix || $body == "$prefix"* ]]
}

# A minimal HTTP/1.0 GET over bash's /dev/tcp for machines without curl (127.0.0.1 only).
http_get_devtcp() {
  local rest=${1#http://127.0.0.1:} port path response
  port=${rest%%/*}
  path=/${rest#*/}
  # shellcheck disable=SC2016 # expanded by the inner shell
  response=$(timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0"; printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$1" >&3; cat <&3' \
    "$port" "$path" 2>/dev/null) || return 1
  [[ $response == "HTTP/1."?" 200"* ]] || return 1
  printf '%s' "${response#*$'\r\n\r\n'}"
}

# ---------------------------------------------------------------------------------------------- packages

# may_install : installing system packages is allowed (root, or PIPELINE_INSTALL=1 with sudo).
may_install() { [[ $(id -u) == 0 || ${PIPELINE_INSTALL:-} == 1 ]]; }

# apt_install PACKAGE... : apt-get update once per run, then install without recommends.
APT_UPDATED=0
apt_install() {
  local sudo=()
  [[ $(id -u) == 0 ]] || sudo=(sudo)
  if ((APT_UPDATED == 0)); then
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# find_clickhouse_server : path of clickhouse-server (PATH, then the sbin/bin dirs apt installs to).
find_clickhouse_server() {
  local dir
  if [[ -n ${CLICKHOUSE_SERVER_BIN:-} ]]; then
    echo "$CLICKHOUSE_SERVER_BIN"
    return 0
  fi
  command -v clickhouse-server 2>/dev/null && return 0
  for dir in /usr/sbin /usr/bin /usr/local/bin /usr/local/sbin; do
    if [[ -x $dir/clickhouse-server ]]; then
      echo "$dir/clickhouse-server"
      return 0
    fi
  done
  return 1
}

# ---------------------------------------------------------------------------------------------- chDB

# chDB is the current ClickHouse engine as a library (libchdb.so, from npm); the test kit loads it in the test
# JVM (io.kzpipe.testkit.ChDb). Its npm package and version are written once, in the test kit's resource file
# below, which ChDb.java reads too: both derive the install location ~/.cache/chdb/<version>/package from it.
CHDB_PROPERTIES=$PIPELINE_ROOT/pipeline-testkit/src/main/resources/io/kzpipe/testkit/chdb.properties

# chdb_property NAME : a value of $CHDB_PROPERTIES (npm.package, version).
chdb_property() { sed -n "s/^$1=//p" "$CHDB_PROPERTIES"; }

# chdb_home : the directory the pinned build is installed into (it holds package/libchdb.so).
chdb_home() { echo "$HOME/.cache/chdb/$(chdb_property version)"; }

# chdb_installed : CHDB_LIBRARY is set, or the pinned build is in place.
chdb_installed() { [[ -n ${CHDB_LIBRARY:-} || -f $(chdb_home)/package/libchdb.so ]]; }

# install_chdb : puts the pinned chDB build into $(chdb_home)/package unless it is there (or CHDB_LIBRARY names
# a library). Needs npm, no root: `npm pack` downloads the package (~180 MB; no install scripts run), it is
# unpacked into a temporary directory next to the target and moved into place, so an interrupted download never
# leaves a half-unpacked library behind. Returns non-zero (with a warning) when it cannot install.
install_chdb() {
  local package version home tmp
  if [[ -n ${CHDB_LIBRARY:-} ]]; then
    [[ -f $CHDB_LIBRARY ]] || warn "CHDB_LIBRARY=$CHDB_LIBRARY is not a file; the chDB tests will fail"
    return 0
  fi
  package=$(chdb_property npm.package)
  version=$(chdb_property version)
  [[ -n $package && -n $version ]] || die "no npm.package/version in $CHDB_PROPERTIES"
  home=$(chdb_home)
  [[ -f $home/package/libchdb.so ]] && return 0
  if ! command -v npm >/dev/null; then
    warn "chDB is not installed and npm is missing; the chDB tests will fail. Install npm (apt-get install -y npm),"
    warn "  then: mkdir -p $home && cd $home && npm pack $package@$version && tar xzf *.tgz && rm *.tgz"
    return 1
  fi
  step "Installing chDB $version into $home (npm pack $package@$version, about 180 MB)"
  mkdir -p "$home"
  tmp=$(mktemp -d "$home/.partial.XXXXXX")
  if (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null && tar xzf ./*.tgz && rm -f ./*.tgz) &&
    [[ -f $tmp/package/libchdb.so ]]; then
    rm -rf "$home/package"
    mv "$tmp/package" "$home/package"
    rm -rf "$tmp"
    ok "chDB $version: $home/package/libchdb.so"
  else
    rm -rf "$tmp"
    warn "installing chDB failed (see npm's output above); the chDB tests will fail"
    return 1
  fi
}
