package io.kzpipe.processor.topology;

import io.kzpipe.model.record.ResponseRecord;
import io.kzpipe.model.topic.TopicId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The current version of every response, read and written by {@link NormalizeProcessor} (store
 * {@value ProcessorTopology#VERSIONS_STORE}, keyed by {@code responseId}). All versions of a response share
 * the raw key, hence one partition and one task, so this store sees them in order.
 *
 * <p>For an event that yields a {@link ResponseRecord}, after the {@code eventId} dedup, {@link #classify}
 * compares it with the stored current version:
 * <ul>
 *   <li>{@link Verdict#FIRST}: nothing stored, the event becomes the current version;</li>
 *   <li>{@link Verdict#CURRENT_AGAIN}: same {@code eventId} as the current version, a redelivery the dedup
 *       window no longer covers: a duplicate, nothing is written;</li>
 *   <li>{@link Verdict#REOBSERVED}: a pulled copy (header {@code kz-pulled}) whose version is &le; the current
 *       one: a re-observation of a state already known (or older), never a new fact: a duplicate, nothing is
 *       written;</li>
 *   <li>{@link Verdict#STALE}: a delivered (not pulled) version &le; the current one (an original after its
 *       edit, an older edit): superseded on arrival, only the records outside {@link #RESPONSE_DATA} (the
 *       {@code events} row) are written;</li>
 *   <li>{@link Verdict#NEWER}: a new current version. Its effective receive time is
 *       {@link #effectiveReceivedAt max(own, current's)}, so a response's versions have non-decreasing
 *       receive times in the order they become current; it supersedes the stored one.</li>
 * </ul>
 * Not thread-safe: one instance per stream task.
 */
final class ResponseVersions {

    /** Topics whose records belong to one response version: not written for a stale version. */
    static final Set<TopicId> RESPONSE_DATA = Set.copyOf(EnumSet.of(TopicId.RESPONSES, TopicId.ANSWERS_OPTION,
            TopicId.ANSWERS_NUMERIC, TopicId.ANSWERS_LOCATION, TopicId.ANSWERS_TEXT, TopicId.ANSWERS_DATETIME,
            TopicId.ANSWERS_MEDIA, TopicId.ANSWERS_OTHER, TopicId.ANSWER_REJECTS));

    private static final byte FORMAT = 1;
    private static final int HEADER = 1 + Long.BYTES + Long.BYTES;

    /** How an event's response version relates to the stored current version. */
    enum Verdict {
        FIRST, CURRENT_AGAIN, REOBSERVED, STALE, NEWER
    }

    /**
     * The stored value: the event id, version and effective receive time (epoch ms) of a response's current
     * version.
     */
    record Current(String eventId, long version, long receivedAtMs) {}

    private final KeyValueStore<String, Current> store;

    ResponseVersions(KeyValueStore<String, Current> store) {
        this.store = store;
    }

    /** The {@link ResponseRecord} among an event's outputs, or {@code null} when the event is no response. */
    static ResponseRecord responseOf(List<Output> outputs) {
        for (Output o : outputs) {
            if (o.record() instanceof ResponseRecord r) {
                return r;
            }
        }
        return null;
    }

    /** The stored current version of {@code responseId}, or {@code null}. */
    Current current(String responseId) {
        return store.get(responseId);
    }

    /**
     * @param pulled whether the event was pulled from the Kaizala API (raw header {@code kz-pulled}) rather than
     *     delivered by a webhook
     */
    static Verdict classify(ResponseRecord response, Current current, boolean pulled) {
        if (current == null) {
            return Verdict.FIRST;
        }
        if (current.eventId().equals(response.eventId())) {
            return Verdict.CURRENT_AGAIN;
        }
        if (response.version() > current.version()) {
            return Verdict.NEWER;
        }
        return pulled ? Verdict.REOBSERVED : Verdict.STALE;
    }

    /** Receive time a new current version carries: never earlier than the version it replaces. */
    static long effectiveReceivedAt(long ownReceivedAt, Current current) {
        return current == null ? ownReceivedAt : Math.max(ownReceivedAt, current.receivedAtMs());
    }

    /** Makes {@code response} the current version of its response, received (effectively) at its receive time. */
    void makeCurrent(ResponseRecord response) {
        store.put(response.responseId(), new Current(response.eventId(), response.version(), response.receivedAtMs()));
    }

    /**
     * Value serde of the store. Encoding (big-endian): one format byte {@code 1}, the version (8 bytes), the
     * effective receive time in epoch ms (8 bytes), then the event id in UTF-8 (the rest). Another format byte
     * fails the stream thread rather than being misread.
     */
    static Serde<Current> serde() {
        return Serdes.serdeFrom((topic, c) -> c == null ? null : encode(c), (topic, bytes) -> decode(bytes));
    }

    static byte[] encode(Current c) {
        byte[] id = c.eventId().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(HEADER + id.length)
                .put(FORMAT)
                .putLong(c.version())
                .putLong(c.receivedAtMs())
                .put(id)
                .array();
    }

    static Current decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < HEADER || bytes[0] != FORMAT) {
            throw new IllegalStateException("unknown encoding of a response version (" + bytes.length
                    + " bytes, format " + (bytes.length == 0 ? "none" : Byte.toString(bytes[0])) + ")");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        b.get();
        long version = b.getLong();
        long receivedAt = b.getLong();
        String eventId = new String(bytes, HEADER, bytes.length - HEADER, StandardCharsets.UTF_8);
        return new Current(eventId, version, receivedAt);
    }
}
