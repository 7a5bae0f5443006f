# shellcheck shell=bash
# `./pipeline replay ARGS`: sends dead letters through the local pipeline again. Only a dispatcher: selection,
# dry run and sending are io.kzpipe.cli.replay.Replay in the pipeline-cli module (`./pipeline replay --help`), the
# jar that `./pipeline report` builds (report_build in scripts/report.sh). The command gets the environment the
# local services get: the broker of `up`, and every setting exported in this shell (TOPIC_PREFIX,
# GATEWAY_MAX_JSON_DEPTH, ...) as the gateway sees it.

replay_run() {
  report_build
  KAFKA_BOOTSTRAP_SERVERS=$(kafka_bootstrap) java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -cp "$(service_jar "$REPORT_MODULE")" io.kzpipe.cli.replay.Replay "$@"
}
