package io.kzpipe.puller.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A scripted HTTP server for the API client's unit tests (the Kaizala double is for the integration tests). */
final class FakeServer implements AutoCloseable {

    /** One request as received. */
    record Seen(String method, String uri, String accessToken, String refreshToken, String secret, String body) {}

    /** One answer. */
    record Reply(int status, Map<String, String> headers, String body) {
        static Reply json(String body) {
            return new Reply(200, Map.of("Content-Type", "application/json"), body);
        }

        static Reply status(int status) {
            return new Reply(status, Map.of(), "");
        }
    }

    private final HttpServer server;
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    volatile Function<Seen, Reply> handler = s -> Reply.status(404);

    FakeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Seen s = new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(),
                    ex.getRequestHeaders().getFirst("accessToken"), ex.getRequestHeaders().getFirst("refreshToken"),
                    ex.getRequestHeaders().getFirst("applicationSecret"), body);
            seen.add(s);
            Reply r = handler.apply(s);
            r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    long count(String pathPrefix) {
        return seen.stream().filter(s -> s.uri().startsWith(pathPrefix)).count();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
