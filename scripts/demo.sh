# shellcheck shell=bash
# `./pipeline demo`: posts the demo deliveries (deploy/local/demo/deliveries.txt) to the running gateway with the
# configured callback token, prints each HTTP status and body, then waits until every delivery is visible in
# ClickHouse: an accepted event as its events_latest row (or, if the processor refused it, as a dead letter),
# a dead-lettered body as its dead_letters_latest row (matched by the X-Request-Id the gateway answered).
# Needs curl. Settings: PIPELINE_DEMO_TIMEOUT (seconds to wait for the rows, default 120).

DEMO_DIR=$PIPELINE_ROOT/deploy/local/demo
DEMO_MANIFEST=$DEMO_DIR/deliveries.txt

# clickhouse_query SQL : runs SQL over HTTP against the local ClickHouse and prints the result; fails on an error.
clickhouse_query() {
  curl -sS --fail-with-body --max-time 30 --data-binary "$1" "$(clickhouse_url)/" 2>&1
}

# clickhouse_database : the sink's database (the sink reads CLICKHOUSE_DATABASE, default kaizala).
clickhouse_database() { echo "${CLICKHOUSE_DATABASE:-kaizala}"; }

# sql_list VALUE... : 'a','b' for an IN (...) list (the values are ids without quotes).
sql_list() {
  local out='' v
  for v in "$@"; do out+="${out:+,}'${v//\'/}'"; done
  printf '%s' "${out:-''}"
}

demo_run() {
  local url token files=() notes=() file note i n status body request_id event_id
  local -a kinds=() ids=() labels=()
  command -v curl >/dev/null || die "./pipeline demo needs curl (apt-get install -y curl)"
  [[ -f $DEMO_MANIFEST ]] || die "missing $DEMO_MANIFEST"
  if ! is_running ingest-gateway || ! service_ready ingest-gateway; then
    die "the gateway is not running or not ready: start the pipeline with ./pipeline up ('./pipeline status' shows each part)"
  fi
  is_running sink-clickhouse || warn "sink-clickhouse is not running: the deliveries will wait in Kafka and not reach ClickHouse"
  url="$(service_url ingest-gateway)$WEBHOOK_PATH"
  token=$(callback_tokens)
  token=${token%%,*}

  while read -r file note; do
    [[ -z $file || $file == \#* ]] && continue
    [[ -f $DEMO_DIR/$file ]] || die "$DEMO_MANIFEST names $file, which does not exist"
    files+=("$file")
    notes+=("$note")
  done <"$DEMO_MANIFEST"
  n=${#files[@]}

  step "Posting $n Kaizala deliveries to $url"
  local tmp=$PIPELINE_HOME/demo-last # the answers of the last run, for a closer look
  rm -rf "$tmp" && mkdir -p "$tmp"
  for ((i = 0; i < n; i++)); do
    file=${files[i]}
    printf '  %s[%2d/%d]%s %s  %s%s%s\n' "$C_BOLD" $((i + 1)) "$n" "$C_OFF" "$file" "$C_DIM" "${notes[i]}" "$C_OFF"
    status=$(curl -sS --max-time 30 -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' -X POST \
      -H 'Content-Type: application/json' -H "kz-callback-token: $token" \
      --data-binary "@$DEMO_DIR/$file" "$url" 2>"$tmp/error") || status=000
    body=$(cat "$tmp/body" 2>/dev/null || true)
    [[ $status == 000 ]] && body=$(cat "$tmp/error")
    request_id=$(awk -F': *' 'tolower($1) == "x-request-id" {gsub(/\r/, "", $2); print $2}' "$tmp/headers" 2>/dev/null || true)
    printf '          HTTP %s %s\n' "$status" "$body"
    labels+=("$file")
    if [[ $status == 200 && $body == *'"status":"accepted"'* ]]; then
      event_id=$(sed -n 's/.*"eventId":"\([^"]*\)".*/\1/p' <<<"$body")
      kinds+=(event)
      ids+=("$event_id|$request_id")
    elif [[ $status == 200 ]]; then
      kinds+=(dead_letter)
      ids+=("|$request_id")
    else
      kinds+=(refused)
      ids+=("|")
    fi
  done
  demo_wait_visible "$n"
}

# demo_wait_visible N : polls ClickHouse until every accepted or dead-lettered delivery of this run has its row,
# then prints the totals; on timeout lists what is missing. Uses kinds/ids/labels of demo_run.
demo_wait_visible() {
  local n=$1 timeout=${PIPELINE_DEMO_TIMEOUT:-120} db start i seen_events seen_requests missing=() refused=0 visible
  local -a event_ids=() request_ids=()
  db=$(clickhouse_database)
  for ((i = 0; i < n; i++)); do
    [[ ${kinds[i]} == refused ]] && refused=$((refused + 1))
    [[ -n ${ids[i]%%|*} ]] && event_ids+=("${ids[i]%%|*}")
    [[ -n ${ids[i]#*|} ]] && request_ids+=("${ids[i]#*|}")
  done
  step "Waiting until the deliveries are visible in ClickHouse ($db.events_latest, $db.dead_letters_latest; up to ${timeout} s)"
  start=$(now_ms)
  while true; do
    seen_events=$(clickhouse_query "SELECT DISTINCT event_id FROM $db.events_latest WHERE event_id IN ($(sql_list "${event_ids[@]}")) FORMAT TSV" || true)
    seen_requests=$(clickhouse_query "SELECT DISTINCT request_id FROM $db.dead_letters_latest WHERE request_id IN ($(sql_list "${request_ids[@]}")) FORMAT TSV" || true)
    missing=()
    visible=0
    for ((i = 0; i < n; i++)); do
      [[ ${kinds[i]} == refused ]] && continue
      local e=${ids[i]%%|*} r=${ids[i]#*|}
      if { [[ -n $e ]] && grep -qxF -- "$e" <<<"$seen_events"; } || { [[ -n $r ]] && grep -qxF -- "$r" <<<"$seen_requests"; }; then
        visible=$((visible + 1))
      else
        missing+=("${labels[i]} (${kinds[i]/_/ }${e:+ eventId $e}${r:+, request $r})")
      fi
    done
    if ((${#missing[@]} == 0)); then
      ok "all $visible stored deliveries are visible ($(elapsed "$start"))$( ((refused)) && echo "; $refused refused by the gateway")"
      demo_summary "$db"
      printf '\nNext: ./pipeline report   (the dashboard panels as text tables)\n'
      return 0
    fi
    if (($(now_ms) - start > timeout * 1000)); then
      warn "after ${timeout} s, ${#missing[@]} of $((n - refused)) deliveries are not visible in ClickHouse:"
      printf '      %s\n' "${missing[@]}" >&2
      warn "check './pipeline status' and the logs in $LOG_DIR (stream-processor.log, sink-clickhouse.log)"
      return 1
    fi
    sleep 0.5
  done
}

# demo_summary DB : rows per _latest view, so the effect of duplicates, the edit and the rejects is visible.
demo_summary() {
  local db=$1
  clickhouse_query "SELECT
      (SELECT count() FROM $db.events_latest) AS events,
      (SELECT count() FROM $db.responses_latest) AS responses,
      (SELECT count() FROM $db.answers_option_latest) AS options,
      (SELECT count() FROM $db.answers_numeric_latest) AS numbers,
      (SELECT count() FROM $db.answers_location_latest) AS locations,
      (SELECT count() FROM $db.answer_rejects_latest) AS rejects,
      (SELECT count() FROM $db.messages_latest) AS messages,
      (SELECT count() FROM $db.jobs_latest) AS jobs,
      (SELECT count() FROM $db.memberships_latest) AS memberships,
      (SELECT count() FROM $db.action_definitions_latest) AS definitions,
      (SELECT count() FROM $db.dead_letters_latest) AS dead_letters
    FORMAT PrettyCompactNoEscapes" | sed 's/^/    /'
}
