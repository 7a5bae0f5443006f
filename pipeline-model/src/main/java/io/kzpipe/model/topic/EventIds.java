package io.kzpipe.model.topic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The top-level {@code eventId} of a dead letter's payload, so a dashboard can tell a recovered dead letter (its
 * event has an {@code events} row) from one still dead (the sink's {@code dead_letters.event_id}; the processor's
 * {@link PipelineHeaders#EVENT_ID} of a dead letter written without its body). Reads top-level fields with a streaming parser and
 * stops at the first {@code eventId} (a string; the last one wins downstream only for valid envelopes, which
 * have one). Anything else (not JSON, too deep, not an object, no string {@code eventId}) gives {@code ""}.
 * Stateless and thread-safe.
 */
public final class EventIds {

    private static final JsonFactory FACTORY = new JsonFactory();

    private EventIds() {}

    /** The first top-level string {@code eventId} of {@code payload}, or {@code ""}. */
    public static String of(byte[] payload) {
        if (payload == null || payload.length == 0) {
            return "";
        }
        try (JsonParser p = FACTORY.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return "";
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("eventId".equals(name)) {
                    return value == JsonToken.VALUE_STRING ? p.getText() : "";
                }
                p.skipChildren();
            }
            return "";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
