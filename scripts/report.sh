# shellcheck shell=bash
# `./pipeline report`: the panels of the "Kaizala responses" dashboard as text tables, over all the data in the
# local ClickHouse. Every query reads only the _latest views (each fact once, the latest version of each response)
# and stays in the subset ClickHouse 18.16 and the current LTS share (no window functions, no toStartOfInterval).
# Queries go over HTTP with curl (FORMAT PrettyCompactNoEscapes); clickhouse_query comes from scripts/demo.sh.
# Settings: PIPELINE_REPORT_ROWS (rows of the "latest ..." tables, default 20).

# report_panel TITLE SQL : prints the title and the table (or "(no rows)").
report_panel() {
  local out
  printf '\n%s%s%s\n' "$C_BOLD" "$1" "$C_OFF"
  if ! out=$(clickhouse_query "$2 FORMAT PrettyCompactNoEscapes"); then
    warn "query failed: $out"
    return 0
  fi
  if [[ -z $out ]]; then
    note "(no rows)"
  else
    printf '%s\n' "$out"
  fi
}

# report_bucket DB : the time bucket for "responses over time" from the span of the data: minutes up to 3 hours,
# hours up to 3 days, else days (the dashboard uses Grafana's interval instead).
report_bucket() {
  local span
  span=$(clickhouse_query "SELECT toUInt32(max(received_at)) - toUInt32(min(received_at)) FROM $1.responses_latest FORMAT TSV") || span=0
  span=${span:-0}
  if ((span <= 3 * 3600)); then
    echo "toStartOfMinute(received_at)|minute"
  elif ((span <= 3 * 86400)); then
    echo "toStartOfHour(received_at)|hour"
  else
    echo "toDateTime(toDate(received_at), 'UTC')|day"
  fi
}

report_print() {
  local db rows=${PIPELINE_REPORT_ROWS:-20} bucket
  command -v curl >/dev/null || die "./pipeline report needs curl (apt-get install -y curl)"
  db=$(clickhouse_database)
  if ! is_running clickhouse || ! clickhouse_ready; then
    die "ClickHouse is not running on $(clickhouse_url): start the pipeline with ./pipeline up"
  fi
  [[ $(clickhouse_query "SELECT count() FROM system.tables WHERE database = '$db' AND name = 'responses_latest' FORMAT TSV") == 1 ]] ||
    die "no $db.responses_latest view yet: the sink creates the tables when it starts ('./pipeline status')"
  [[ $rows =~ ^[0-9]+$ ]] || die "PIPELINE_REPORT_ROWS must be a number, got '$rows'"
  bucket=$(report_bucket "$db")

  printf '%sKaizala responses%s: database %s at %s, all data (times in UTC)\n' "$C_BOLD" "$C_OFF" "$db" "$(clickhouse_url)"

  report_panel "Overview" "
    SELECT
      (SELECT count() FROM $db.responses_latest) AS responses,
      (SELECT uniqExact(responder) FROM $db.responses_latest WHERE responder != '') AS responders,
      (SELECT count() FROM $db.answer_rejects_latest) AS answer_rejects,
      (SELECT count() FROM $db.dead_letters_latest) AS dead_letters,
      (SELECT count() FROM $db.events_latest) AS events"

  report_panel "Responses over time (per ${bucket#*|})" "
    SELECT ${bucket%|*} AS time, count() AS responses
    FROM $db.responses_latest
    GROUP BY time
    ORDER BY time"

  report_panel "Latest responses" "
    SELECT received_at AS time, if(action_package_id != '', action_package_id, action_id) AS package_or_action, response_id,
           responder_name AS responder, if(is_update = 1, 'edited', 'original') AS kind, answer_count AS answers
    FROM $db.responses_latest
    ORDER BY received_at DESC, response_id
    LIMIT $rows"

  report_panel "Chosen options per question" "
    SELECT question, option, selections, round(100 * selections / respondents, 1) AS pct_of_respondents
    FROM
    (
        SELECT question_title AS question, option_title AS option, count() AS selections
        FROM $db.answers_option_latest
        GROUP BY question_title, option_title
    )
    ALL INNER JOIN
    (
        SELECT question_title AS question, uniqExact(response_id) AS respondents
        FROM $db.answers_option_latest
        GROUP BY question_title
    ) USING question
    ORDER BY question, selections DESC, option"

  report_panel "Numeric answers per question" "
    SELECT question_title AS question, count() AS answers, sum(value) AS total, round(avg(value), 2) AS average,
           min(value) AS minimum, max(value) AS maximum
    FROM $db.answers_numeric_latest
    GROUP BY question_title
    ORDER BY question_title"

  report_panel "Numeric totals by answer (e.g. quantity per product, per retailer; text answers up to 40 characters)" "
    SELECT by_question, by_answer, numeric_question, sum(value) AS total, round(avg(value), 2) AS average, count() AS responses
    FROM
    (
        SELECT response_id, question_title AS numeric_question, value
        FROM $db.answers_numeric_latest
    )
    ALL INNER JOIN
    (
        SELECT response_id, question_title AS by_question, option_title AS by_answer
        FROM $db.answers_option_latest
        UNION ALL
        SELECT response_id, question_title AS by_question, text AS by_answer
        FROM $db.answers_text_latest
        WHERE lengthUTF8(text) <= 40
    ) USING response_id
    GROUP BY by_question, by_answer, numeric_question
    ORDER BY by_question, numeric_question, total DESC, by_answer
    LIMIT 500"

  report_panel "Answer locations" "
    SELECT latitude, longitude, question_title AS question, place_name AS place, response_id, received_at AS time
    FROM $db.answers_location_latest
    ORDER BY received_at DESC, response_id
    LIMIT $rows"

  report_panel "Answer rejects by reason" "
    SELECT reason, count() AS rejects
    FROM $db.answer_rejects_latest
    GROUP BY reason
    ORDER BY rejects DESC, reason"

  report_panel "Latest answer rejects" "
    SELECT received_at AS time, question_title AS question, question_type AS type, reason, detail, answer_json AS answer
    FROM $db.answer_rejects_latest
    ORDER BY received_at DESC, response_id
    LIMIT $rows"

  report_panel "Dead letters by stage and reason" "
    SELECT concat(stage, ': ', reason) AS stage_reason, count() AS dead_letters
    FROM $db.dead_letters_latest
    GROUP BY stage, reason
    ORDER BY dead_letters DESC, stage_reason"

  report_panel "Latest dead letters" "
    SELECT received_at AS time, stage, reason, substringUTF8(detail, 1, 60) AS detail, request_id,
           payload_size AS bytes, replaceAll(substringUTF8(payload, 1, 50), '\n', ' ') AS payload_start
    FROM $db.dead_letters_latest
    ORDER BY received_at DESC, row_id
    LIMIT $rows"

  report_panel "Other activity (events by type)" "
    SELECT event_type, count() AS events, max(received_at) AS latest
    FROM $db.events_latest
    GROUP BY event_type
    ORDER BY events DESC, event_type"
}
