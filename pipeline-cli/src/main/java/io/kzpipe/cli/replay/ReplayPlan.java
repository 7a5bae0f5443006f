package io.kzpipe.cli.replay;

import io.kzpipe.gateway.http.EnvelopeValidator;
import io.kzpipe.gateway.http.Verdict;
import io.kzpipe.model.topic.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What {@code replay} does with each selected dead letter, decided before anything is sent. Pure: no I/O.
 *
 * <ul>
 *   <li>{@link Action#SEND}: to the raw topic, value byte for byte, record timestamp = the replay time (topic
 *       retention works on record timestamps; an old dead letter's replay must survive until it is processed), headers
 *       = the original ones without the dead-letter headers ({@code kz-dlq-*}, {@code kz-source-*}, an earlier
 *       {@code kz-replay-of}), so {@code kz-received-at} (the processor's {@code received_at}) and
 *       {@code kz-request-id} are kept, plus {@code kz-replay-of} = the dead letter's row id. Key: a processor dead
 *       letter keeps its raw key; a gateway dead letter (keyed by request id) gets the key the gateway would have
 *       given it, {@code data.responseId} or else {@code eventId}, from the gateway's own validator.</li>
 *   <li>{@link Action#STILL_REFUSED}: a gateway dead letter the gateway's validator, with its current settings,
 *       still refuses. It is not sent: the gateway's checks protect everything behind it, a replay does not bypass
 *       them. Raise the limit (or fix the cause) first.</li>
 *   <li>{@link Action#SUPERSEDED}: it was replayed before and that replay failed again: a newer dead letter names it
 *       in {@code kz-replay-of}. Replaying that newer one instead keeps one live dead letter per event.</li>
 *   <li>{@link Action#NO_BODY}: a processor dead letter written without its body (it was above the processor's
 *       largest record) whose raw record {@code replay} could no longer read: nothing to send.</li>
 *   <li>{@link Action#PULLED}: a dead letter of the puller (stage {@code puller}): a response item pulled from the
 *       Kaizala API that could not be mapped, not a webhook body; sending it would only be refused again. Pull it
 *       again instead (a backfill of its source, once the cause is fixed).</li>
 * </ul>
 *
 * @param entries the selected dead letters in reading order, each with its action
 */
public record ReplayPlan(List<Entry> entries) {

    /** {@code kz-dlq-stage} of the puller's dead letters (kaizala-puller, on the gateway's dead-letter topic). */
    static final String PULLER_STAGE = "puller";

    /** What happens to one dead letter. */
    public enum Action {
        SEND, STILL_REFUSED, SUPERSEDED, NO_BODY, PULLED;

        String label() {
            return switch (this) {
                case SEND -> "replay";
                case STILL_REFUSED -> "still refused by the gateway";
                case SUPERSEDED -> "replayed before, failed again (newer dead letter)";
                case NO_BODY -> "body not kept, raw record gone (retention)";
                case PULLED -> "a pulled item, not a webhook body: backfill its source again";
            };
        }
    }

    /**
     * One selected dead letter.
     *
     * @param deadLetter the dead letter
     * @param action     what happens to it
     * @param key        the raw-topic key when sent, else {@code null}
     * @param note       why it is not sent (validator detail, newer dead letter's id), else {@code ""}
     */
    public record Entry(DeadLetter deadLetter, Action action, String key, String note) {}

    /** Counts by stage, reason and action, sorted, for the summary. */
    public record Count(String stage, String reason, Action action, long count) {}

    public ReplayPlan {
        entries = List.copyOf(entries);
    }

    /**
     * Plans the replay of the dead letters {@code args} selects among {@code all} (every dead letter read: the ones not
     * selected still tell which were replayed before).
     */
    public static ReplayPlan of(Collection<DeadLetter> all, ReplayArgs args, EnvelopeValidator gatewayValidator) {
        Map<String, String> replayedAs = new HashMap<>();
        for (DeadLetter d : all) {
            if (!d.replayOf().isEmpty()) {
                replayedAs.put(d.replayOf(), d.rowId());
            }
        }
        List<Entry> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DeadLetter d : all) {
            if (!args.selects(d.stage(), d.reason(), d.receivedAtMs(), d.rowId()) || !seen.add(d.rowId())) {
                continue; // not selected, or a second copy of the same dead letter (a producer retry)
            }
            String newer = replayedAs.get(d.rowId());
            if (newer != null) {
                entries.add(new Entry(d, Action.SUPERSEDED, null, "replayed as " + newer));
            } else if (d.stage().equals(PULLER_STAGE)) {
                entries.add(new Entry(d, Action.PULLED, null, "pulled from " + d.pulledFrom()));
            } else if (d.stage().equals("gateway")) {
                byte[] body = d.record().value() == null ? new byte[0] : d.record().value();
                Verdict verdict = gatewayValidator.validate(body);
                entries.add(verdict.isAccepted()
                        ? new Entry(d, Action.SEND, verdict.key(), "")
                        : new Entry(d, Action.STILL_REFUSED, null, verdict.reason().code() + ": " + verdict.detail()));
            } else if (d.record().value() == null) {
                entries.add(new Entry(d, Action.NO_BODY, null, "no body, and the raw record "
                        + d.source().map(s -> s.partition() + "@" + s.offset()).orElse("(not named)") + " is gone"));
            } else {
                byte[] key = d.record().key();
                entries.add(
                        new Entry(d, Action.SEND, key == null ? null : new String(key, StandardCharsets.UTF_8), ""));
            }
        }
        return new ReplayPlan(entries);
    }

    /** The entries with this action. */
    public List<Entry> with(Action action) {
        return entries.stream().filter(e -> e.action() == action).toList();
    }

    /** Counts by stage, reason and action, in that order. */
    public List<Count> counts() {
        Map<String, Count> counts = new TreeMap<>();
        for (Entry e : entries) {
            DeadLetter d = e.deadLetter();
            counts.merge(d.stage() + '\u0000' + d.reason() + '\u0000' + e.action().ordinal(),
                    new Count(d.stage(), d.reason(), e.action(), 1),
                    (a, b) -> new Count(a.stage(), a.reason(), a.action(), a.count() + b.count()));
        }
        return List.copyOf(counts.values());
    }

    /** The raw-topic record replaying {@code entry} (of action {@link Action#SEND}) at {@code replayTimeMs}. */
    public static ProducerRecord<byte[], byte[]> record(Entry entry, String rawTopic, long replayTimeMs) {
        if (entry.action() != Action.SEND) {
            throw new IllegalArgumentException("not to be sent: " + entry.deadLetter().rowId());
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : entry.deadLetter().record().headers()) {
            if (!PipelineHeaders.DEAD_LETTER.contains(h.key()) && !h.key().equals(PipelineHeaders.REPLAY_OF)) {
                headers.add(h.key(), h.value());
            }
        }
        headers.add(PipelineHeaders.REPLAY_OF, entry.deadLetter().rowId().getBytes(StandardCharsets.UTF_8));
        byte[] key = entry.key() == null ? null : entry.key().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(rawTopic, null, replayTimeMs, key, entry.deadLetter().record().value(), headers);
    }
}
