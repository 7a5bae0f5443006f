package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import io.kzpipe.sink.config.SinkConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client-v2 calls the sink makes besides inserts, in the form that works on 18.16 and a current LTS
 * (docs/CLICKHOUSE-COMPAT.md): {@code FORMAT} in the SQL text, fully qualified names, results read as
 * TSV text. Also builds the shared {@link Client}. Thread-safe.
 */
public final class ClickHouseSql {

    /** Below every ClickHouse's {@code keep_alive_timeout} (3 s shipped with 18.16, 10 s default). */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

    private final Client client;
    private final Duration timeout;

    public ClickHouseSql(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    /**
     * A client for {@code settings}: no response compression (18.16), no client-side retries (the
     * {@link RetryPolicy} is the only retry layer), credentials from the config (never logged). Pooled connections
     * idle longer than {@link #KEEP_ALIVE} are closed instead of reused: the server closes idle keep-alive
     * connections itself (after {@code keep_alive_timeout}, 3 s in the configuration 18.16 ships), and client-v2
     * only checks a pooled connection idle more than 5 s before using it, so one idle 3-5 s, or one left from a
     * server that was restarted meanwhile, would fail the next insert ("Broken pipe", "no response").
     */
    public static Client newClient(SinkConfig.ClickHouse settings) {
        return new Client.Builder().addEndpoint(settings.url())
                .setUsername(settings.user())
                .setPassword(settings.password())
                .compressServerResponse(false)
                .compressClientRequest(false)
                .setMaxRetries(0)
                .setConnectTimeout(settings.connectTimeout().toMillis(), ChronoUnit.MILLIS)
                .setSocketTimeout(settings.insertTimeout().toMillis(), ChronoUnit.MILLIS)
                .setKeepAliveTimeout(KEEP_ALIVE.toMillis(), ChronoUnit.MILLIS)
                .setClientName("kaizala-sink")
                .build();
    }

    /** Runs a statement that returns no rows (DDL, INSERT ... VALUES). */
    public void execute(String sql) throws InterruptedException {
        try (var response = await(client.execute(sql))) {
            // no rows to read
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot complete " + sql, e);
        }
    }

    /**
     * Runs a SELECT that must end with {@code FORMAT TabSeparated} (or {@code TabSeparatedRaw}, when no value holds a
     * tab or a line break); returns its rows split into fields, as ClickHouse wrote them.
     */
    public List<String[]> queryTsv(String sql) throws InterruptedException {
        try (QueryResponse response = await(client.query(sql))) {
            List<String[]> rows = new ArrayList<>();
            try (InputStream in = response.getInputStream()) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    if (!line.isEmpty()) {
                        rows.add(line.split("\t", -1));
                    }
                }
            }
            return rows;
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the result of " + sql, e);
        }
    }

    /** True when ClickHouse answers {@code /ping} within {@code timeout}. */
    public boolean ping(Duration pingTimeout) {
        try {
            return client.ping(pingTimeout.toMillis());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unwrap(e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("ClickHouse did not answer within " + timeout, e);
        }
    }

    /** The cause of a failed future as a RuntimeException (client-v2 failures are RuntimeExceptions). */
    static RuntimeException unwrap(ExecutionException e) {
        Throwable cause = e.getCause();
        return cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
    }
}
