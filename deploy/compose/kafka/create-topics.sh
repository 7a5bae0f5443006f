#!/usr/bin/env bash
# One-shot topic creation for the compose stack (service kafka-init). Creates every topic of the pipeline
# (io.kzpipe.model.topic.TopicId; deploy-tests checks this list against it) with TOPIC_PARTITIONS and
# TOPIC_REPLICATION_FACTOR. The topics that carry whole webhook bodies (raw and both dead-letter topics)
# get max.message.bytes = GATEWAY_MAX_BODY_BYTES + RECORD_OVERHEAD_BYTES, the same limit the gateway sets
# when it creates them itself (deploy-tests checks both agree). Idempotent: existing topics are left
# unchanged, so re-running is harmless and a partition count chosen earlier is never altered here
# (use kafka-topics.sh --alter for that).
set -euo pipefail

: "${BOOTSTRAP_SERVERS:?}" "${TOPIC_PREFIX:?}" "${TOPIC_PARTITIONS:?}" "${TOPIC_REPLICATION_FACTOR:?}"
: "${GATEWAY_MAX_BODY_BYTES:?}"

TOPIC_SUFFIXES="raw dlq.gateway dlq.processor events responses response-supersessions answers.option answers.numeric answers.location answers.text answers.datetime answers.media answers.other answer-rejects messages jobs memberships action-definitions raw-outcomes"
BODY_TOPIC_SUFFIXES="raw dlq.gateway dlq.processor"
RECORD_OVERHEAD_BYTES=65536

for suffix in ${TOPIC_SUFFIXES}; do
  configs=()
  if [[ " ${BODY_TOPIC_SUFFIXES} " == *" ${suffix} "* ]]; then
    configs=(--config "max.message.bytes=$((GATEWAY_MAX_BODY_BYTES + RECORD_OVERHEAD_BYTES))")
  fi
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "${BOOTSTRAP_SERVERS}" --create --if-not-exists \
    --topic "${TOPIC_PREFIX}${suffix}" \
    --partitions "${TOPIC_PARTITIONS}" --replication-factor "${TOPIC_REPLICATION_FACTOR}" "${configs[@]}"
done
echo "kafka-init: $(wc -w <<< "${TOPIC_SUFFIXES}") topics present with prefix '${TOPIC_PREFIX}'"
