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
 * (a real round trip to a broker, not cached metadata). Holds one admin client, created on the first probe; not
 * thread-safe (one probe thread).
 */
public final class KafkaReachability implements BooleanSupplier, AutoCloseable {

    private final KafkaSettings settings;
    private final Duration timeout;
    private Admin admin;

    public KafkaReachability(KafkaSettings settings, Duration timeout) {
        this.settings = settings;
        this.timeout = timeout;
    }

    @Override
    public boolean getAsBoolean() {
        if (admin == null) {
            admin = Admin.create(settings.adminProps());
        }
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .clusterId().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
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
