package io.kzpipe.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Readiness checks: what a part answers when it is ready, never a log line. */
public final class Probes {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(1))
            .build();

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

    /**
     * True when the broker at {@code bootstrapServers} answers an Admin {@code describeCluster} with at least one
     * node within about five seconds. Checks the TCP port first, so a broker that is not listening costs no Admin
     * client.
     */
    public static boolean kafkaReady(String bootstrapServers) {
        String[] hostPort = bootstrapServers.split(",")[0].split(":");
        if (!accepts(hostPort[0], Integer.parseInt(hostPort[1]), 500)) {
            return false;
        }
        Map<String, Object> props = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                3_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                5_000);
        try (Admin admin = Admin.create(props)) {
            return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return false;
        }
    }

    /** True when {@code GET url} answers 200 within two seconds and its body starts with {@code bodyPrefix}. */
    public static boolean httpOk(String url, String bodyPrefix) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(2))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
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
}
