package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseExtension.class)
class TcpProxyIT {

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    @Test
    void disconnectMakesClickHouseUnreachableAndReconnectRestoresItOnTheSamePort(TestClickHouse ch) throws Exception {
        try (TcpProxy proxy = TcpProxy.start(ch.host(), ch.httpPort())) {
            TestClickHouse viaProxy = new TestClickHouse("http://127.0.0.1:" + proxy.port(), ch.user(), ch.password(),
                    "via proxy", "");
            int port = proxy.port();
            assertThat(viaProxy.query("SELECT 1 FORMAT TSV")).isEqualTo("1\n");

            proxy.disconnect();
            assertThatThrownBy(() -> viaProxy.query("SELECT 2 FORMAT TSV")).isInstanceOf(ClickHouseQueryException.class)
                    .satisfies(e -> assertThat(((ClickHouseQueryException) e).statusCode()).isZero());
            assertThatThrownBy(() -> http.send(ping(proxy), HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(ConnectException.class);
            assertThat(proxy.openConnections()).isZero();

            proxy.reconnect();
            assertThat(proxy.port()).isEqualTo(port);
            assertThat(viaProxy.query("SELECT 3 FORMAT TSV")).isEqualTo("3\n");
        }
    }

    @Test
    void stallHoldsRequestsUntilTheClientTimesOutAndReconnectDeliversAgain(TestClickHouse ch) throws Exception {
        try (TcpProxy proxy = TcpProxy.start(ch.host(), ch.httpPort())) {
            assertThat(http.send(ping(proxy), HttpResponse.BodyHandlers.ofString()).body()).startsWith("Ok");

            proxy.stall();
            HttpRequest slow = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/ping"))
                    .timeout(Duration.ofMillis(700))
                    .build();
            assertThatThrownBy(() -> http.send(slow, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(HttpTimeoutException.class);

            proxy.reconnect();
            assertThat(http.send(ping(proxy), HttpResponse.BodyHandlers.ofString()).body()).startsWith("Ok");
            assertThat(proxy.acceptedConnections()).isGreaterThanOrEqualTo(2);
        }
    }

    private static HttpRequest ping(TcpProxy proxy) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/ping"))
                .timeout(Duration.ofSeconds(5))
                .build();
    }
}
