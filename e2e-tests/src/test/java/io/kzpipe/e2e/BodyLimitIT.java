package io.kzpipe.e2e;

import static io.kzpipe.e2e.Payloads.id;
import static io.kzpipe.e2e.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kzpipe.e2e.PipelineStack.Delivery;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaExtension;
import io.kzpipe.testkit.TestClickHouse;
import io.kzpipe.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One set of limits end to end: a valid event exactly as long as the gateway's body limit (the stack runs with
 * the default {@code GATEWAY_MAX_BODY_BYTES}) is accepted and reaches its table, whatever the processor, the
 * topics and the sink derive from that limit; one byte more is refused with 413 and nothing is published.
 */
@ExtendWith({KafkaExtension.class, ClickHouseExtension.class})
class BodyLimitIT {

    private static final Duration VISIBLE = Duration.ofMinutes(3);
    private static final int LIMIT = RecordLimits.DEFAULT_MAX_BODY_BYTES;
    private static PipelineStack stack;

    @BeforeAll
    static void start(TestKafka kafka, TestClickHouse ch) {
        stack = PipelineStack.start("limits", 1, kafka, ch);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTextMessageExactlyAsLongAsTheBodyLimitReachesTheMessagesTable() {
        String eventId = id();
        String body = textMessage(eventId, LIMIT);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT);

        Delivery answer = stack.post(body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"status\":\"accepted\",\"eventId\":\"" + eventId + "\"}");
        int textBytes = text(body).getBytes(StandardCharsets.UTF_8).length;
        await("the message row").atMost(VISIBLE)
                .untilAsserted(() -> assertThat(stack.rows(
                        "SELECT event_type, group_id, length(text), substring(text, 1, 14) FROM {db}.messages WHERE event_id = '"
                                + eventId + "'"))
                        .containsExactly(row("TextMessageCreated", Payloads.GROUP, Integer.toString(textBytes),
                                "Größe 1 MiB ")));
        assertThat(stack.rows("SELECT count() FROM {db}.events WHERE event_id = '" + eventId + "'"))
                .containsExactly("1");
        assertThat(stack.rows("SELECT count() FROM {db}.dead_letters WHERE request_id = '" + answer.requestId() + "'"))
                .as("not dead-lettered anywhere")
                .containsExactly("0");
    }

    @Test
    void oneByteMoreIsAnswered413AndNotPublished() {
        String eventId = id();
        String body = textMessage(eventId, LIMIT + 1);
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT + 1);

        Delivery answer = stack.postExpectingContinue(body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(413);
        assertThat(answer.body()).contains("\"code\":\"too_large\"");
        // a later event on the same single-partition topics is the barrier: once it is stored, the refused
        // one would have been too, had it been published
        String barrier = id();
        assertThat(stack.post(textMessage(barrier, 2048)).status()).isEqualTo(200);
        await("the barrier message").atMost(VISIBLE)
                .untilAsserted(() -> assertThat(
                        stack.rows("SELECT count() FROM {db}.messages WHERE event_id = '" + barrier + "'"))
                        .containsExactly("1"));
        assertThat(stack.rows("SELECT (SELECT count() FROM {db}.events WHERE event_id = '" + eventId + "'),"
                + " (SELECT count() FROM {db}.dead_letters WHERE request_id = '" + answer.requestId() + "')"))
                .containsExactly("0 | 0");
    }

    /** A valid TextMessageCreated of exactly {@code size} UTF-8 bytes (its text padded with ASCII). */
    private static String textMessage(String eventId, int size) {
        String head = "{\"objectId\":\"" + Payloads.GROUP
                + "\",\"objectType\":\"Group\",\"eventType\":\"TextMessageCreated\"," + "\"eventId\":\"" + eventId
                + "\",\"fromUser\":\"+15550100123\",\"fromUserName\":\"Test Sender\"," + "\"data\":{\"groupId\":\""
                + Payloads.GROUP + "\",\"text\":\"Größe 1 MiB \\\"quoted\\\" ";
        String tail = "\"}}";
        int used = (head + tail).getBytes(StandardCharsets.UTF_8).length;
        StringBuilder text = new StringBuilder(size);
        String words = "lorem ipsum dolor sit amet ";
        while (used + text.length() < size) {
            text.append(words.charAt(text.length() % words.length()));
        }
        return head + text + tail;
    }

    /** The decoded {@code data.text} of a body made by {@link #textMessage}. */
    private static String text(String body) {
        int start = body.indexOf("\"text\":\"") + "\"text\":\"".length();
        return body.substring(start, body.length() - "\"}}".length()).replace("\\\"", "\"");
    }
}
