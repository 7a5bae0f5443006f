package io.kzpipe.gateway.kafka;

import io.kzpipe.model.ops.ManagementServer.Health;

/** Whether the gateway can store events right now. {@link #health()} is cheap: it never does I/O. */
public interface ReadinessCheck extends AutoCloseable {

    /** Starts checking in the background. */
    void start();

    /** The latest result. */
    Health health();

    @Override
    void close();
}
