package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** The tests' Kaizala client: plain java.net.http calls against a started double, no redirects followed. */
final class Client {

    /** An answer: status, headers, body. */
    record Answer(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(raw.body());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final KaizalaDouble d;

    Client(KaizalaDouble d) {
        this.d = d;
    }

    Answer token(String appId, String secret, String refresh) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(d.url() + "/v1/accessToken"));
        if (appId != null) {
            b.header("applicationId", appId);
        }
        if (secret != null) {
            b.header("applicationSecret", secret);
        }
        if (refresh != null) {
            b.header("refreshToken", refresh);
        }
        return send(b.GET().build());
    }

    /** A fresh access token for the double's current credentials. */
    String accessToken() {
        DoubleSettings s = d.settings();
        Answer a = token(s.applicationId(), s.applicationSecret(), d.refreshToken());
        if (a.status() != 200) {
            throw new IllegalStateException("token call answered " + a.status());
        }
        return a.json().get("accessToken").asText();
    }

    /** A token call that may be refused (e.g. throttled): the token, or null. */
    String accessTokenOrNull() {
        DoubleSettings s = d.settings();
        Answer a = token(s.applicationId(), s.applicationSecret(), d.refreshToken());
        return a.status() == 200 ? a.json().get("accessToken").asText() : null;
    }

    /** {@code GET {endpointUrl}{pathAndQuery}} with the access token (null = none). */
    Answer get(String pathAndQuery, String accessToken) {
        return send(request(d.endpointUrl() + pathAndQuery, accessToken).GET().build());
    }

    Answer getUrl(String url, String accessToken) {
        return send(request(url, accessToken).GET().build());
    }

    Answer send(String method, String pathAndQuery, String accessToken, String jsonBody) {
        HttpRequest.BodyPublisher body = jsonBody == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8);
        return send(request(d.endpointUrl() + pathAndQuery, accessToken).header("Content-Type", "application/json")
                .method(method, body)
                .build());
    }

    /** A control call on {@code {url}/_double...}. */
    Answer control(String method, String path, String jsonBody) {
        return send(HttpRequest.newBuilder(URI.create(d.url() + path))
                .method(method,
                        jsonBody == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(jsonBody))
                .build());
    }

    private static HttpRequest.Builder request(String url, String accessToken) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (accessToken != null) {
            b.header("accessToken", accessToken);
        }
        return b;
    }

    private Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(r.statusCode(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
