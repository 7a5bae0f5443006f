package io.kzpipe.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Readiness checks (what a part answers when it is ready, never a log line) and the one wait for them, used by the
 * launcher and the test kit.
 */
public final class Probes {

    /** How a wait for readiness ended. */
    public enum Wait {
        READY, DIED, TIMEOUT
    }

    /** A process being waited for: its readiness check, how long it may take, what to run once it is ready. */
    public record Waiting(ProcessHandle process, Duration timeout, BooleanSupplier check, Runnable onReady) {}

    /**
     * The HTTP client, built on first use (its TLS set-up takes about 0.3 s: `up` pays it while Kafka and ClickHouse
     * boot, not before it starts them).
     */
    private static final class Http {
        static final HttpClient CLIENT = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(1))
                .build();
    }

    private Probes() {}

    /** True when something accepts TCP connections on {@code host:port} within {@code timeoutMs}. */
    public static boolean accepts(String host, int port, int timeoutMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** True when the broker at {@code bootstrapServers} answers now (a one-off {@link KafkaProbe}). */
    public static boolean kafkaReady(String bootstrapServers) {
        try (KafkaProbe probe = new KafkaProbe(bootstrapServers)) {
            return probe.getAsBoolean();
        }
    }

    /**
     * The broker's readiness: its port accepts connections and it answers an Admin {@code describeCluster} with at
     * least one node within about five seconds. A wait uses one probe, {@linkplain #open() opened} when it starts:
     * the Admin client's classes and logging then load while the broker boots (loaded in the first check after the
     * broker listened, they added about 0.6 s to {@code up}); its attempts come every 20-100 ms instead of after the
     * client's default backoffs of up to a second.
     */
    public static final class KafkaProbe implements BooleanSupplier, AutoCloseable {
        private final String host;
        private final int port;
        private final String bootstrapServers;
        private Admin admin;

        public KafkaProbe(String bootstrapServers) {
            String[] hostPort = bootstrapServers.split(",")[0].split(":");
            this.host = hostPort[0];
            this.port = Integer.parseInt(hostPort[1]);
            this.bootstrapServers = bootstrapServers;
        }

        /** Creates the Admin client now. */
        public KafkaProbe open() {
            if (admin == null) {
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                        AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 20,
                        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100,
                        AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 20, AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG,
                        100));
            }
            return this;
        }

        @Override
        public boolean getAsBoolean() {
            if (!accepts(host, port, 500)) {
                return false;
            }
            try {
                return !open().admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                return false;
            }
        }

        @Override
        public void close() {
            if (admin != null) {
                admin.close(Duration.ZERO);
            }
        }
    }

    /** True when {@code GET url} answers 200 within two seconds and its body starts with {@code bodyPrefix}. */
    public static boolean httpOk(String url, String bodyPrefix) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
        try {
            HttpResponse<String> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().startsWith(bodyPrefix);
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** ClickHouse's own liveness answer: {@code GET /ping} is {@code Ok.}. */
    public static boolean clickHouseReady(String httpUrl) {
        return httpOk(httpUrl + "/ping", "Ok");
    }

    /** Polls {@code check} until it holds, {@code process} dies or {@code timeout} passes (see {@link #awaitAll}). */
    public static Wait await(ProcessHandle process, Duration timeout, BooleanSupplier check) {
        return awaitAll(Map.of("", new Waiting(process, timeout, check, () -> {})), null).get("");
    }

    /**
     * Polls every check every 200 ms until each holds (then runs its {@code onReady}), its process dies or its
     * timeout passes; with a {@code console} (null: silent), prints a dot every 2 s of waiting. Returns each
     * outcome; an interrupt ends the wait with {@link Console.Failure}.
     */
    public static Map<String, Wait> awaitAll(Map<String, Waiting> waits, Console console) {
        Map<String, Wait> results = new LinkedHashMap<>();
        long start = System.nanoTime();
        int ticks = 0;
        while (results.size() < waits.size()) {
            for (Map.Entry<String, Waiting> entry : waits.entrySet()) {
                Waiting waiting = entry.getValue();
                if (results.containsKey(entry.getKey())) {
                    continue;
                }
                if (waiting.check().getAsBoolean()) {
                    if (ticks >= 10) {
                        console.endTicks();
                        ticks = 0;
                    }
                    results.put(entry.getKey(), Wait.READY);
                    waiting.onReady().run();
                } else if (!waiting.process().isAlive()) {
                    results.put(entry.getKey(), Wait.DIED);
                } else if (System.nanoTime() - start > waiting.timeout().toNanos()) {
                    results.put(entry.getKey(), Wait.TIMEOUT);
                }
            }
            if (results.size() < waits.size()) {
                Processes.pause(200);
                if (console != null && ++ticks % 10 == 0) {
                    console.tick();
                }
            }
        }
        if (console != null
                && (ticks >= 10 || results.containsValue(Wait.DIED) || results.containsValue(Wait.TIMEOUT))) {
            console.endTicks();
        }
        return results;
    }
}
