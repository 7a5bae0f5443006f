package io.kzpipe.model.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port of each service (the gateway's webhook port serves only the webhook):
 * {@code GET /health/live}, {@code GET /health/ready} (200 or 503 with the {@link Health} JSON from the readiness
 * supplier) and {@code GET /metrics} (Prometheus text). Two daemon threads; closing stops it.
 */
public final class ManagementServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    /**
     * What {@code /health/live} and {@code /health/ready} report, in one JSON shape on all three services:
     * {@code {"status":"UP"|"DOWN","state":"<the service's own state>",
     * "checks":{"kafka":"UP"|"DOWN"|"UNKNOWN",...}}}. {@code status} is UP exactly when the HTTP status is 200;
     * {@code state} is one word for humans (e.g. the Streams state); {@code checks} says per dependency whether its
     * latest probe succeeded ({@code UNKNOWN} before the first probe ended), in name order.
     *
     * @param ready  UP (200) or DOWN (503)
     * @param state  the service's own state, e.g. {@code RUNNING}
     * @param checks per dependency ({@code kafka}, {@code clickhouse}), its latest probe result
     */
    public record Health(boolean ready, String state, Map<String, Check> checks) {

        /** The result of one dependency's latest probe. */
        public enum Check {
            UP, DOWN, UNKNOWN
        }

        public Health {
            checks = Map.copyOf(checks);
        }

        /** Without dependency checks (a state that needs none, e.g. {@code LIVE} or {@code STARTING}). */
        public Health(boolean ready, String state) {
            this(ready, state, Map.of());
        }

        /** The body of the health endpoints. */
        public String json() {
            StringBuilder out = new StringBuilder(64).append("{\"status\":\"")
                    .append(ready ? "UP" : "DOWN")
                    .append("\",\"state\":\"")
                    .append(state)
                    .append("\",\"checks\":{");
            String sep = "";
            for (Map.Entry<String, Check> c : new TreeMap<>(checks).entrySet()) {
                out.append(sep).append('"').append(c.getKey()).append("\":\"").append(c.getValue()).append('"');
                sep = ",";
            }
            return out.append("}}").toString();
        }
    }

    /** Liveness: the process serves HTTP. Never depends on Kafka or ClickHouse (an outage must not restart pods). */
    public static final Health LIVE = new Health(true, "LIVE");

    private final HttpServer server;
    private final ExecutorService executor;

    private ManagementServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on {@code host:port} ({@code port} 0 picks a free port). */
    public static ManagementServer start(String host, int port, PrometheusMeterRegistry registry,
            Supplier<Health> readiness) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.createContext("/health/live", ex -> respond(ex, 200, "application/json", LIVE.json()));
        server.createContext("/health/ready", ex -> {
            Health h;
            try {
                h = readiness.get();
            } catch (RuntimeException e) {
                h = new Health(false, "ERROR");
            }
            respond(ex, h.ready() ? 200 : 503, "application/json", h.json());
        });
        server.createContext("/metrics",
                ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "management-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        LOG.info("management endpoints on http://{}:{}/ (health/live, health/ready, metrics)", host,
                server.getAddress().getPort());
        return new ManagementServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String contentType, String body) throws IOException {
        try (ex) {
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
