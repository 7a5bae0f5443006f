package io.kzpipe.processor;

import io.kzpipe.model.topic.PipelineHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Synthetic raw deliveries as the gateway writes them (key, exact body, receive time in the timestamp and
 * {@code kz-received-at}), for integration tests and the benchmark.
 *
 * <p>{@link #response(int)} is a realistic form response with five answers (single option, numeric,
 * location, text and the hidden ResponseTime): it yields {@value #RECORDS_PER_RESPONSE} typed records (event,
 * response, and one answer on each of five answer topics).
 */
public final class RawEventFactory {

    public static final int RECORDS_PER_RESPONSE = 7;
    private static final String GROUP = "6f1c2d3e-0000-4000-8000-00000000a001";
    private static final String[] PRODUCTS = {"Laptop", "Tablet", "Phone", "Monitor"};

    private RawEventFactory() {}

    public static String eventId(int i) {
        return String.format("e%07d-0000-4000-8000-000000000000", i);
    }

    public static String responseId(int i) {
        return String.format("r%07d-0000-4000-8000-000000000000", i);
    }

    /** A five-answer ActionResponse; key = its response id. */
    public static ProducerRecord<String, byte[]> response(String topic, int i, long receivedAt) {
        return record(topic, responseId(i), response(i), receivedAt);
    }

    public static byte[] response(int i) {
        return response(i, eventId(i), false, 0);
    }

    /**
     * An edit of response {@code i} ({@code isUpdateResponse=true}, event id {@code eventId}, ResponseTime
     * {@code later} ms after the original's, another product): a new current version; key = its response id.
     */
    public static ProducerRecord<String, byte[]> edit(String topic, int i, String eventId, long later,
            long receivedAt) {
        return record(topic, responseId(i), response(i + 1, i, eventId, true, later), receivedAt);
    }

    /** Response {@code i} again under another event id (a re-pulled copy): the same version as the original. */
    public static ProducerRecord<String, byte[]> copy(String topic, int i, String eventId, long receivedAt) {
        return record(topic, responseId(i), response(i, eventId, false, 0), receivedAt);
    }

    private static byte[] response(int i, String eventId, boolean isUpdate, long later) {
        return response(i, i, eventId, isUpdate, later);
    }

    private static byte[] response(int content, int i, String eventId, boolean isUpdate, long later) {
        String product = PRODUCTS[content % PRODUCTS.length];
        String json = "{\"objectId\":\"" + GROUP + "\",\"objectType\":\"Group\",\"eventType\":\"ActionResponse\","
                + "\"eventId\":\"" + eventId + "\",\"fromUser\":\"+9199" + String.format("%08d", i % 5000)
                + "\",\"fromUserId\":\"u-" + (i % 5000) + "\",\"fromUserName\":\"Field agent " + (i % 5000)
                + "\",\"fromUserProfilePic\":\"\",\"data\":{\"actionId\":\"a0000001-0000-4000-8000-000000000001\","
                + "\"groupId\":\"" + GROUP + "\",\"responseId\":\"" + responseId(i) + "\"," + "\"isUpdateResponse\":"
                + isUpdate + "," + "\"isAnonymous\":false,\"responder\":\"+9199" + String.format("%08d", i % 5000)
                + "\"," + "\"responderName\":\"Field agent " + (i % 5000) + "\",\"responderProfilePic\":\"\","
                + "\"actionPackageId\":\"com.contoso.orderformdemo\",\"packageId\":\"com.contoso.orderformdemo\","
                + "\"responseDetails\":{\"responseWithQuestions\":["
                + "{\"title\":\"Product\",\"type\":\"SingleOption\",\"options\":[{\"title\":\"Laptop\"},"
                + "{\"title\":\"Tablet\"},{\"title\":\"Phone\"},{\"title\":\"Monitor\"}],\"answer\":[\"" + product
                + "\"]}," + "{\"title\":\"Quantity\",\"type\":\"Numeric\",\"options\":[],\"answer\":" + (1 + i % 9)
                + ".0}," + "{\"title\":\"Store location\",\"type\":\"Location\",\"options\":[],\"answer\":{\"lt\":"
                + (12.9 + (i % 100) / 1000.0) + ",\"lg\":77.5,\"n\":\"Store " + (i % 100) + "\"}},"
                + "{\"title\":\"Comments\",\"type\":\"Text\",\"options\":[],\"answer\":\"Delivered on time, "
                + "customer asked for an invoice copy #" + i + "\"},"
                + "{\"title\":\"ResponseTime\",\"type\":\"DateTime\",\"options\":[],\"isInvisible\":true,"
                + "\"answer\":" + (1_700_000_000_000L + i + later) + "}]}}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A TextMessageCreated (event + message record); key = its event id. */
    public static ProducerRecord<String, byte[]> textMessage(String topic, int i, long receivedAt) {
        String json = "{\"objectId\":\"" + GROUP + "\",\"objectType\":\"Group\",\"eventType\":\"TextMessageCreated\","
                + "\"eventId\":\"" + eventId(i) + "\",\"fromUser\":\"+919900000001\",\"data\":{\"text\":\"msg " + i
                + "\"}}";
        return record(topic, eventId(i), json.getBytes(StandardCharsets.UTF_8), receivedAt);
    }

    /** A delivery the processor must dead-letter ({@code data_not_object}). */
    public static ProducerRecord<String, byte[]> bad(String topic, int i, long receivedAt) {
        byte[] body = ("{\"eventId\":\"" + eventId(i) + "\",\"eventType\":\"ActionResponse\",\"data\":[" + i + "]}")
                .getBytes(StandardCharsets.UTF_8);
        return record(topic, eventId(i), body, receivedAt);
    }

    public static ProducerRecord<String, byte[]> record(String topic, String key, byte[] body, long receivedAt) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(PipelineHeaders.RECEIVED_AT, Long.toString(receivedAt).getBytes(StandardCharsets.US_ASCII));
        headers.add(PipelineHeaders.REQUEST_ID, ("req-" + key).getBytes(StandardCharsets.UTF_8));
        headers.add(PipelineHeaders.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, receivedAt, key, body, headers);
    }

    /** The same delivery again, received later (a Kaizala retry). */
    public static ProducerRecord<String, byte[]> again(ProducerRecord<String, byte[]> r, long receivedAt) {
        return record(r.topic(), r.key(), r.value(), receivedAt);
    }
}
