package io.kzpipe.processor.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.json.JsonSerde;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes typed records as JSON with {@link Json#MAPPER}, through one {@link ObjectWriter} per record type of
 * {@link TopicId#typed()} (built once), so the bytes are what {@link JsonSerde} writes and reads: snake_case names
 * in record component order, nulls written. A new column is one record component; nothing here changes.
 * Thread-safe.
 */
final class TypedRecordWriter {

    private static final Map<Class<?>, ObjectWriter> WRITERS = TopicId.typed()
            .stream()
            .collect(Collectors.toUnmodifiableMap(TopicId::recordType, t -> Json.MAPPER.writerFor(t.recordType())));

    /**
     * The JSON of {@code record}.
     *
     * @throws IllegalArgumentException for a record type that no typed topic carries
     */
    byte[] write(TypedRecord record) {
        ObjectWriter writer = WRITERS.get(record.getClass());
        if (writer == null) {
            throw new IllegalArgumentException("no typed topic carries " + record.getClass().getName());
        }
        try {
            return writer.writeValueAsBytes(record);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a " + record.getClass().getSimpleName(), e);
        }
    }
}
