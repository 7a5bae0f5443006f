package io.kzpipe.puller.pull;

/** What one pulled response item became: an envelope for the raw topic, or a dead letter. */
public sealed interface PulledResponse {

    /**
     * A response as the webhook envelope (docs/KAIZALA-API.md).
     *
     * @param responseId   the record key (the gateway's key rule)
     * @param eventId      deterministic: the same item content gives the same id
     * @param fingerprint  64 bits of the same hash, for the set of versions already published
     * @param envelope     the envelope's JSON bytes
     * @param receivedAtMs the response's own time (ResponseTime answer, else the item's time, else the pull time)
     */
    record Mapped(String responseId, String eventId, long fingerprint, byte[] envelope,
            long receivedAtMs) implements PulledResponse {}

    /**
     * An item that cannot be mapped.
     *
     * @param key     the responseId when there is one, else the action id
     * @param reason  {@code kz-dlq-reason} code
     * @param detail  {@code kz-dlq-detail}
     * @param payload the item's JSON bytes, or empty when they are above the body limit
     */
    record Rejected(String key, String reason, String detail, byte[] payload) implements PulledResponse {}
}
