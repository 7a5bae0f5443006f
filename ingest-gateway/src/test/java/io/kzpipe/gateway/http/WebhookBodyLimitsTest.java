package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.gateway.Fixtures;
import io.kzpipe.model.topic.PipelineHeaders;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Body size limits: declared length, chunked bodies, the exact limit. */
class WebhookBodyLimitsTest extends WebhookTestSupport {

    @Test
    void aDeclaredLengthOverTheLimitIs413BeforeAnyBodyIsSent() {
        test(app(), (server, client) -> {
            String response = raw(server.port(), "POST " + PATH + " HTTP/1.1\r\nHost: x\r\nkz-callback-token: " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\n\r\n");
            assertThat(response).startsWith("HTTP/1.1 413")
                    .contains("\"code\":\"too_large\"")
                    .containsIgnoringCase("X-Request-Id");
        });
        assertThat(producer.history()).isEmpty();
        assertThat(count("too_large")).isEqualTo(1);
    }

    @Test
    void aChunkedBodyOverTheLimitIs413AfterReadingOnlyUpToTheLimit() {
        test(app(), (server, client) -> {
            StringBuilder request = new StringBuilder("POST " + PATH + " HTTP/1.1\r\nHost: x\r\nkz-callback-token: "
                    + TOKEN + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 3; i++) {
                request.append("7d0\r\n").append("x".repeat(2000)).append("\r\n");
            }
            request.append("0\r\n\r\n");
            assertThat(raw(server.port(), request.toString())).startsWith("HTTP/1.1 413");
        });
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void aChunkedBodyWithinTheLimitIsPublishedExactly() {
        byte[] body = Fixtures.bytes(Fixtures.SURVEY_RESPONSE);
        test(app(), (server, client) -> {
            var r = client.request(PATH,
                    b -> b.post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                            .header("kz-callback-token", TOKEN));
            assertThat(r.code()).isEqualTo(200);
        });
        assertThat(producer.history().get(0).value()).isEqualTo(body);
        assertThat(producer.history().get(0).headers().lastHeader(PipelineHeaders.CONTENT_TYPE)).isNull();
    }

    @Test
    void aBodyExactlyAtTheLimitIsAccepted() {
        byte[] body = Fixtures.text(Fixtures.TEXT_MESSAGE)
                .trim()
                .concat(" ".repeat(4096))
                .substring(0, 4096)
                .getBytes(StandardCharsets.UTF_8);
        test(app(), (server, client) -> assertThat(post(client, PATH, body, TOKEN).code()).isEqualTo(200));
        assertThat(producer.history().get(0).value()).hasSize(4096);
    }
}
