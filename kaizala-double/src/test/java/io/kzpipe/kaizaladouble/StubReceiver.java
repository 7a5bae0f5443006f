package io.kzpipe.kaizaladouble;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A webhook receiver for the tests (JDK HttpServer): answers the validation GET as told by its {@link Mode} and
 * records every event POST (body and {@code kz-callback-token}).
 */
final class StubReceiver implements AutoCloseable {

    /** How the validation GET is answered. */
    enum Mode {
        ECHO, WRONG_ECHO, JSON_ECHO, SLOW
    }

    /** One POST received. */
    record Received(String body, String callbackToken, String contentType) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Received> posts = new CopyOnWriteArrayList<>();
    private final List<String> validationTokens = new CopyOnWriteArrayList<>();
    private volatile Mode mode = Mode.ECHO;
    private final long slowMillis;

    StubReceiver(long slowMillis) throws IOException {
        this.slowMillis = slowMillis;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    void mode(Mode m) {
        mode = m;
    }

    List<Received> posts() {
        return List.copyOf(posts);
    }

    List<String> validationTokens() {
        return List.copyOf(validationTokens);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if ("POST".equals(ex.getRequestMethod())) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                posts.add(new Received(body, ex.getRequestHeaders().getFirst("kz-callback-token"),
                        ex.getRequestHeaders().getFirst("Content-Type")));
                answer(ex, 200, "application/json", "{}");
                return;
            }
            String raw = ex.getRequestURI().getRawQuery();
            String token = URLDecoder.decode(raw.substring(raw.indexOf('=') + 1), StandardCharsets.UTF_8);
            validationTokens.add(token);
            switch (mode) {
                case ECHO -> answer(ex, 200, "text/plain; charset=utf-8", token);
                case WRONG_ECHO -> answer(ex, 200, "text/plain", token + "x");
                case JSON_ECHO -> answer(ex, 200, "application/json", "\"" + token + "\"");
                case SLOW -> {
                    sleep();
                    answer(ex, 200, "text/plain", token);
                }
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(slowMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        } catch (IOException e) {
            // the double gave up waiting (the SLOW mode)
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
