package io.kzpipe.processor.topology;

import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;

/** One typed record the processor writes for an event: its topic, its Kafka key and the record. */
public record Output(TopicId topic, String key, TypedRecord record) {}
