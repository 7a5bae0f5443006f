package io.kzpipe.gateway.http.model;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.kzpipe.gateway.http.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The 200 answer to a webhook post, as UTF-8 JSON bytes: {@code {"status":"accepted","eventId":"…"}} once the
 * event is on the raw topic, or {@code {"status":"dead-lettered","reason":"…"}} once the body is on the
 * dead-letter topic. Built without an object mapper (one is measurable per request): the dead-letter answers are
 * prebuilt, the accepted one is a fixed prefix, the {@code eventId} escaped by Jackson's own
 * {@link JsonStringEncoder} (the escaping a Jackson generator applies) and a fixed suffix.
 */
public final class WebhookReply {

    private static final byte[] ACCEPTED_PREFIX = ascii("{\"status\":\"accepted\",\"eventId\":\"");
    private static final byte[] SUFFIX = ascii("\"}");
    private static final Map<DeadLetterReason, byte[]> DEAD_LETTERED = new EnumMap<>(DeadLetterReason.class);

    static {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            DEAD_LETTERED.put(reason, ascii("{\"status\":\"dead-lettered\",\"reason\":\"" + reason.code() + "\"}"));
        }
    }

    private WebhookReply() {
    }

    /** {@code {"status":"accepted","eventId":"…"}}, {@code eventId} JSON-escaped. */
    public static byte[] accepted(String eventId) {
        byte[] id = JsonStringEncoder.getInstance().quoteAsUTF8(eventId);
        byte[] out = Arrays.copyOf(ACCEPTED_PREFIX, ACCEPTED_PREFIX.length + id.length + SUFFIX.length);
        System.arraycopy(id, 0, out, ACCEPTED_PREFIX.length, id.length);
        System.arraycopy(SUFFIX, 0, out, ACCEPTED_PREFIX.length + id.length, SUFFIX.length);
        return out;
    }

    /** {@code {"status":"dead-lettered","reason":"…"}}; the same array for every call (do not modify it). */
    public static byte[] deadLettered(DeadLetterReason reason) {
        return DEAD_LETTERED.get(reason);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
