#!/usr/bin/env bash
# One-shot topic creation for the compose stack (service kafka-init). Creates every topic of the pipeline
# (io.kzpipe.model.topic.TopicId; deploy-tests checks this list against it) with TOPIC_PARTITIONS and
# TOPIC_REPLICATION_FACTOR, and max.message.bytes derived from GATEWAY_MAX_BODY_BYTES as the services derive
# it when they create topics themselves (io.kzpipe.model.kafka.RecordLimits; deploy-tests checks both agree):
# topics that carry whole webhook bodies (raw and both dead-letter topics) get the body + RECORD_OVERHEAD_BYTES,
# the typed topics TYPED_EXPANSION x the body + TYPED_RECORD_OVERHEAD_BYTES (the largest typed record a valid
# body can yield), never less than Kafka's default KAFKA_DEFAULT_MAX_MESSAGE_BYTES. Idempotent: existing topics are left
# unchanged, so re-running is harmless and a partition count chosen earlier is never altered here
# (use kafka-topics.sh --alter for that).
set -euo pipefail

: "${BOOTSTRAP_SERVERS:?}" "${TOPIC_PREFIX:?}" "${TOPIC_PARTITIONS:?}" "${TOPIC_REPLICATION_FACTOR:?}"
: "${GATEWAY_MAX_BODY_BYTES:?}"

TOPIC_SUFFIXES="raw dlq.gateway dlq.processor events responses response-supersessions answers.option answers.numeric answers.location answers.text answers.datetime answers.media answers.other answer-rejects messages jobs memberships action-definitions raw-outcomes puller.state"
BODY_TOPIC_SUFFIXES="raw dlq.gateway dlq.processor"
# compacted, not deleted by retention: the puller's cursors and Kaizala token state (docs/DESIGN.md "Puller")
COMPACTED_TOPIC_SUFFIXES="puller.state"
RECORD_OVERHEAD_BYTES=65536
TYPED_EXPANSION=36
TYPED_RECORD_OVERHEAD_BYTES=65536
KAFKA_DEFAULT_MAX_MESSAGE_BYTES=1048588

for suffix in ${TOPIC_SUFFIXES}; do
  if [[ " ${BODY_TOPIC_SUFFIXES} " == *" ${suffix} "* ]]; then
    max_bytes=$((GATEWAY_MAX_BODY_BYTES + RECORD_OVERHEAD_BYTES))
  else
    max_bytes=$((TYPED_EXPANSION * GATEWAY_MAX_BODY_BYTES + TYPED_RECORD_OVERHEAD_BYTES))
  fi
  if (( max_bytes < KAFKA_DEFAULT_MAX_MESSAGE_BYTES )); then
    max_bytes=${KAFKA_DEFAULT_MAX_MESSAGE_BYTES}
  fi
  partitions=${TOPIC_PARTITIONS}
  extra=()
  if [[ " ${COMPACTED_TOPIC_SUFFIXES} " == *" ${suffix} "* ]]; then
    partitions=1
    extra=(--config cleanup.policy=compact)
  fi
  /opt/kafka/bin/kafka-topics.sh --bootstrap-server "${BOOTSTRAP_SERVERS}" --create --if-not-exists \
    --topic "${TOPIC_PREFIX}${suffix}" \
    --partitions "${partitions}" --replication-factor "${TOPIC_REPLICATION_FACTOR}" \
    --config "max.message.bytes=${max_bytes}" ${extra[@]+"${extra[@]}"}
done
echo "kafka-init: $(wc -w <<< "${TOPIC_SUFFIXES}") topics present with prefix '${TOPIC_PREFIX}'"
