package io.kzpipe.model.kafka;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * A probe for {@code DependencyProbe}: true when the cluster answers {@code describeCluster} within the timeout
 * (a real round trip to a broker, not cached metadata). Holds one admin client, created on the first probe, which
 * may take up to {@link #FIRST_TIMEOUT} (a cold JVM creating the client and connecting on a busy machine took more
 * than 2 s, and a false "not reachable" at start-up would be logged). Not thread-safe (one probe thread).
 */
public final class KafkaReachability implements BooleanSupplier, AutoCloseable {

    static final Duration FIRST_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaSettings settings;
    private final Duration timeout;
    private Admin admin;

    public KafkaReachability(KafkaSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    @Override
    public boolean getAsBoolean() {
        Duration wait = timeout;
        if (admin == null) {
            admin = Admin.create(settings.adminProps());
            wait = FIRST_TIMEOUT.compareTo(timeout) > 0 ? FIRST_TIMEOUT : timeout;
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) wait.toMillis()))
                    .clusterId()
                    .get(wait.toMillis() + 500, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
