package io.kzpipe.gateway.http;

/**
 * Result of validating a body: either an accepted envelope (with its {@code eventId} and record key) or the
 * reason and a human-readable detail why it is not one.
 *
 * @param reason  {@code null} when accepted
 * @param detail  what is wrong, naming the field or byte offset; {@code null} when accepted
 * @param eventId the envelope's {@code eventId}; {@code null} when rejected
 * @param key     {@code data.responseId} when it is a non-empty string, else {@code eventId}; {@code null} when rejected
 */
public record Verdict(DeadLetterReason reason, String detail, String eventId, String key) {

    public static Verdict accepted(String eventId, String key) {
        return new Verdict(null, null, eventId, key);
    }

    public static Verdict rejected(DeadLetterReason reason, String detail) {
        return new Verdict(reason, detail, null, null);
    }

    public boolean isAccepted() {
        return reason == null;
    }
}
