package io.kzpipe.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A webhook callback that holds what the Kaizala double pushes instead of passing it on, so a test decides when each
 * delivery reaches the gateway (a late delivery, as after Kaizala's retries). Answers the validation handshake (GET
 * {@code ?validationToken=}) like the gateway. The JDK's own HTTP server: a handful of requests, no framework needed.
 */
final class WebhookCapture implements AutoCloseable {

    private final HttpServer server;
    private final List<String> bodies = new ArrayList<>();

    private WebhookCapture(HttpServer server) {
        this.server = server;
    }

    static WebhookCapture start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookCapture capture = new WebhookCapture(server);
            server.createContext("/", capture::handle);
            server.start();
            return capture;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The bodies pushed so far, in order. */
    synchronized List<String> bodies() {
        return List.copyOf(bodies);
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] answer = new byte[0];
        String query = exchange.getRequestURI().getRawQuery();
        if ("GET".equals(exchange.getRequestMethod()) && query != null && query.startsWith("validationToken=")) {
            answer = URLDecoder.decode(query.substring("validationToken=".length()), StandardCharsets.UTF_8)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
        } else {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (this) {
                bodies.add(body);
            }
        }
        exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
