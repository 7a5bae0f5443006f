package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs webhook events as Kaizala does: the envelope as the body ({@code application/json}), the subscription's
 * callback token in header {@code kz-callback-token}. Synchronous, one attempt each (Kaizala retries for ~2 days;
 * a test that needs a redelivery adds or edits again).
 */
final class Pusher {

    static final String CALLBACK_TOKEN_HEADER = "kz-callback-token";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(Pusher.class);

    private final HttpClient http;

    Pusher(HttpClient http) {
        this.http = http;
    }

    List<Delivery> push(List<Groups.Push> pushes) {
        List<Delivery> out = new ArrayList<>();
        for (Groups.Push p : pushes) {
            out.add(push(p));
        }
        return out;
    }

    private Delivery push(Groups.Push p) {
        String body;
        try {
            body = Json.MAPPER.writeValueAsString(p.event());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(p.hook().callbackUrl()))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (p.hook().callbackToken() != null) {
            request.header(CALLBACK_TOKEN_HEADER, p.hook().callbackToken());
        }
        int status = 0;
        String error = null;
        try {
            status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            error = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        }
        Delivery d = new Delivery(p.hook().id(), p.hook().callbackUrl(), p.event().get("eventType").asText(),
                p.event().get("eventId").asText(), p.event().path("data").path("responseId").asText(), body, status,
                error);
        LOG.info("pushed {} {} to webhook {}: {}", d.eventType(), d.responseId(), d.webhookId(),
                error == null ? "HTTP " + status : error);
        return d;
    }
}
