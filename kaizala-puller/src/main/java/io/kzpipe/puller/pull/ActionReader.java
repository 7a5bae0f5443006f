package io.kzpipe.puller.pull;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.puller.api.ActionRef;
import io.kzpipe.puller.api.ApiException;
import io.kzpipe.puller.api.KaizalaApi;
import io.kzpipe.puller.config.PullSource;
import io.kzpipe.puller.state.VersionSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one action with all its responses ({@code getDetails=true}) and turns the response versions not published
 * yet into records: raw envelopes, and dead letters for items that cannot be mapped. An answer whose content hash
 * equals the one of the last read publishes nothing. Used by one thread.
 */
final class ActionReader {

    private static final Logger LOG = LoggerFactory.getLogger(ActionReader.class);

    private final KaizalaApi api;
    private final ResponseMapper mapper;
    private final PullRecords records;
    private final Clock clock;

    ActionReader(KaizalaApi api, ResponseMapper mapper, PullRecords records, Clock clock) {
        this.api = api;
        this.mapper = mapper;
        this.records = records;
        this.clock = clock;
    }

    /**
     * What one read gave.
     *
     * @param detailsHash content hash of the details answer
     * @param unchanged   the hash equals the one of the last read (nothing was published)
     * @param records     to write, in item order
     * @param versions    the published versions, this read's included
     * @param gone        Kaizala answered 404 or 410 for the action (deleted since it was listed): nothing to publish
     */
    record Read(String detailsHash, boolean unchanged, List<ProducerRecord<String, byte[]>> records,
            VersionSet versions, boolean gone) {}

    /**
     * @param listType  the action type of the list it came from (when neither the details nor the list item name one)
     * @param published versions already published; updated in place
     * @param lastHash  the details hash of the last read, or {@code null}
     * @param listItem  the action's list item; when it carries the responses (a package list with
     *                  {@code getDetails=true}), they are used without another call. {@code null} to fetch them
     */
    Read read(PullSource source, ActionRef action, String listType, VersionSet published, String lastHash,
            JsonNode listItem) throws InterruptedException {
        JsonNode details;
        try {
            details = listItem != null && responses(listItem) != null
                    ? listItem
                    : api.actionDetails(source.groupId(), action.actionId());
        } catch (ApiException e) {
            if (e.status() == 404 || e.status() == 410) {
                LOG.warn("{}: action {} is gone ({}); skipped", source.id(), action.actionId(), e.status());
                return new Read(lastHash, false, List.of(), published, true);
            }
            throw e;
        }
        String hash = Canonical.hash(details);
        if (hash.equals(lastHash)) {
            return new Read(hash, true, List.of(), published, false);
        }
        String type = firstNonEmpty(details.path("actionType").asText(""), action.actionType(), listType);
        ResponseMapper.Origin origin = new ResponseMapper.Origin(source, action.actionId(), type);
        long now = clock.millis();
        List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
        JsonNode items = responses(details);
        if (items != null && !items.isArray()) {
            out.add(records.deadLetter(
                    new PulledResponse.Rejected(action.actionId(), ResponseMapper.REASON_INVALID_FIELD,
                            "the responses of action " + action.actionId() + " are not an array", new byte[0]),
                    source.id(), now));
            return new Read(hash, false, out, published, false);
        }
        for (JsonNode item : items == null ? List.<JsonNode>of() : items) {
            PulledResponse r = mapper.map(origin, item, now);
            if (r instanceof PulledResponse.Mapped m) {
                if (published.add(m.fingerprint())) {
                    out.add(records.raw(m, source.id(), now));
                }
            } else if (r instanceof PulledResponse.Rejected rej && published.add(fingerprint(rej))) {
                out.add(records.deadLetter(rej, source.id(), now)); // once per distinct bad item, like a version
            }
        }
        return new Read(hash, false, out, published, false);
    }

    private static long fingerprint(PulledResponse.Rejected r) {
        byte[] head = (r.key() + ":" + r.reason() + ":").getBytes(StandardCharsets.UTF_8);
        byte[] all = Arrays.copyOf(head, head.length + r.payload().length);
        System.arraycopy(r.payload(), 0, all, head.length, r.payload().length);
        return ByteBuffer.wrap(Canonical.sha256(all)).getLong();
    }

    /**
     * {@code actionDetails.responses} (an action's details), else {@code actionBody.responses} (a package list item),
     * else a top-level {@code responses}; {@code null} when none exists.
     */
    static JsonNode responses(JsonNode details) {
        for (JsonNode r : new JsonNode[]{details.path("actionDetails").get("responses"),
                details.path("actionBody").get("responses"), details.get("responses")}) {
            if (r != null && !r.isNull()) {
                return r;
            }
        }
        return null;
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return "";
    }
}
