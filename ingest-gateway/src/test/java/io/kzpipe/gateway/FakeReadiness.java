package io.kzpipe.gateway;

import io.kzpipe.gateway.kafka.ReadinessCheck;
import io.kzpipe.model.ops.ManagementServer.Health;

/** A readiness check whose answer the test sets. */
public final class FakeReadiness implements ReadinessCheck {

    public volatile Health health = new Health(true, "FAKE_READY");
    public volatile boolean started;
    public volatile boolean closed;

    @Override
    public void start() {
        started = true;
    }

    @Override
    public Health health() {
        return health;
    }

    @Override
    public void close() {
        closed = true;
    }
}
