package io.kzpipe.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.ClientException;
import com.clickhouse.client.api.ClientMisconfigurationException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.DataTransferException;
import com.clickhouse.client.api.ServerException;
import io.kzpipe.sink.clickhouse.RetryPolicy.Kind;
import io.kzpipe.sink.config.SinkConfig;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(new SinkConfig.Retry(Duration.ofMillis(100),
            Duration.ofSeconds(5), 2, 50, SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX), () -> 0.0);

    private static ServerException server(int code, String message) {
        return new ServerException(code, message, 500, "q");
    }

    @Test
    void rowsClickHouseCannotParseAreDataErrors() {
        assertThat(policy.classify(server(27, "Cannot parse input"))).isEqualTo(Kind.DATA);
        assertThat(policy.classify(server(117, "Unknown field found"))).isEqualTo(Kind.DATA);
        assertThat(policy.classify(server(349, "Cannot insert NULL value into a column of type 'String'")))
                .isEqualTo(Kind.DATA);
        assertThat(policy.classify(new ExecutionException(server(26, "Cannot parse JSON string"))))
                .isEqualTo(Kind.DATA);
    }

    @Test
    void theCodeIsReadFromTheMessageWhenTheClientCouldNotTellIt() {
        ServerException e = server(0,
                "Code: 27, e.displayText() = DB::Exception: Cannot parse input (version 18.16.1)");
        assertThat(RetryPolicy.serverCode(e)).isEqualTo(27);
        assertThat(policy.classify(e)).isEqualTo(Kind.DATA);
        assertThat(policy.classify(server(0, "no code at all"))).isEqualTo(Kind.RETRIABLE);
    }

    @Test
    void overloadNetworkAndTimeoutsAreRetriable() {
        assertThat(policy.classify(server(252, "Too many parts"))).isEqualTo(Kind.RETRIABLE);
        assertThat(policy.classify(server(241, "Memory limit exceeded"))).isEqualTo(Kind.RETRIABLE);
        assertThat(policy.classify(server(202, "Too many simultaneous queries"))).isEqualTo(Kind.RETRIABLE);
        assertThat(policy.classify(server(9999, "a code nobody knows yet"))).isEqualTo(Kind.RETRIABLE);
        assertThat(policy.classify(new ConnectionInitiationException("refused", new ConnectException())))
                .isEqualTo(Kind.RETRIABLE);
        assertThat(policy.classify(new ClientException("Failed to get query response"))).isEqualTo(Kind.RETRIABLE);
        assertThat(policy.classify(new IllegalStateException("wrapped", new SocketTimeoutException())))
                .isEqualTo(Kind.RETRIABLE);
        assertThat(policy
                .classify(new IllegalStateException("insert timed out", new java.util.concurrent.TimeoutException())))
                .isEqualTo(Kind.RETRIABLE);
    }

    @Test
    void wrongSchemaCredentialsOrBugsAreFatal() {
        assertThat(policy.classify(server(60, "Table kaizala.events doesn't exist"))).isEqualTo(Kind.FATAL);
        assertThat(policy.classify(server(516, "Authentication failed"))).isEqualTo(Kind.FATAL);
        assertThat(policy.classify(server(62, "Syntax error"))).isEqualTo(Kind.FATAL);
        assertThat(policy.classify(new ClientMisconfigurationException("bad endpoint"))).isEqualTo(Kind.FATAL);
        assertThat(policy.classify(new NullPointerException())).isEqualTo(Kind.FATAL);
    }

    @Test
    void backoffGrowsExponentiallyUpToTheCap() {
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(3)).isEqualTo(Duration.ofMillis(400));
        assertThat(policy.backoff(7)).isEqualTo(Duration.ofMillis(5000));
        assertThat(policy.backoff(1000)).isEqualTo(Duration.ofMillis(5000));
    }

    @Test
    void jitterShortensTheDelayByAtMostItsPercentage() {
        SinkConfig.Retry settings = new SinkConfig.Retry(Duration.ofMillis(1000), Duration.ofSeconds(5), 2, 50,
                SinkConfig.DEFAULT_RETRY_UNREACHABLE_MAX);
        assertThat(new RetryPolicy(settings, () -> 0.999_999).backoff(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(new RetryPolicy(settings, () -> 0.5).backoff(1)).isEqualTo(Duration.ofMillis(750));
        RetryPolicy random = new RetryPolicy(settings);
        for (int i = 0; i < 100; i++) {
            assertThat(random.backoff(2).toMillis()).isBetween(1000L, 2000L);
        }
    }

    @Test
    void whileClickHouseCannotBeReachedTheBackoffStaysShortButErrorsItReportsBackOffFully() {
        var refused = new ConnectionInitiationException("Insert request failed",
                new ConnectException("Connection refused"));
        var brokenPipe = new DataTransferException("Insert request failed", new SocketException("Broken pipe"));
        var tooManyParts = server(252, "Too many parts");
        assertThat(RetryPolicy.unreachable(refused)).isTrue();
        assertThat(RetryPolicy.unreachable(new ExecutionException(brokenPipe))).isTrue();
        assertThat(RetryPolicy.unreachable(tooManyParts)).isFalse();
        assertThat(RetryPolicy.unreachable(new IllegalStateException("slow", new SocketTimeoutException()))).isFalse();

        // the default cap for unreachable is 1 s (below the 5 s SINK_RETRY_MAX of this policy)
        assertThat(policy.backoff(1000, refused)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(1000, brokenPipe)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(2, refused)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(1000, tooManyParts)).isEqualTo(Duration.ofSeconds(5));
        RetryPolicy configured = new RetryPolicy(
                new SinkConfig.Retry(Duration.ofMillis(100), Duration.ofSeconds(30), 2, 0, Duration.ofMillis(300)),
                () -> 0.0);
        assertThat(configured.backoff(1000, refused)).isEqualTo(Duration.ofMillis(300));
        assertThat(configured.backoff(1000, tooManyParts)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void theDescriptionNamesEveryCauseDownToTheRoot() {
        var failure = new ExecutionException(new ConnectionInitiationException("Insert request failed (attempt: 1)",
                new ConnectException("Connection refused")));
        assertThat(RetryPolicy.describe(failure)).isEqualTo("java.util.concurrent.ExecutionException: "
                + "com.clickhouse.client.api.ConnectionInitiationException: Insert request failed (attempt: 1)"
                + " <- com.clickhouse.client.api.ConnectionInitiationException: Insert request failed (attempt: 1)"
                + " <- java.net.ConnectException: Connection refused");
    }
}
