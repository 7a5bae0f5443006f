package io.kzpipe.testkit;

/**
 * A private {@code clickhouse-server} of one test (not the shared one of {@link ClickHouseExtension}) that the
 * test may kill and start again, for recovery tests: {@link #kill()} is SIGKILL (sockets of clients are closed by
 * the kernel, like a crash or an OOM kill), {@link #restart()} starts a new process on the same ports and data
 * directory. Needs the {@code clickhouse-server} binary (an external {@code CLICKHOUSE_URL} cannot be restarted).
 */
public final class RestartableClickHouse implements AutoCloseable {

    private final LocalClickHouseServer server;
    private final TestClickHouse clickHouse;

    private RestartableClickHouse(LocalClickHouseServer server) {
        this.server = server;
        this.clickHouse = new TestClickHouse(server.httpUrl(), server.user(), server.password(), server.description(),
                server.diagnostics());
    }

    /** Starts a server on free ports; returns once it answers {@code /ping}. */
    public static RestartableClickHouse start() {
        java.nio.file.Path binary = LocalClickHouseServer.findBinary();
        if (binary == null) {
            throw new IllegalStateException("no clickhouse-server binary: " + LocalClickHouseServer.INSTALL_HINT);
        }
        return new RestartableClickHouse(LocalClickHouseServer.start(binary));
    }

    /** Client for queries and databases; its endpoint stays the same across restarts. */
    public TestClickHouse clickHouse() {
        return clickHouse;
    }

    /** SIGKILL; returns when the process is gone. */
    public void kill() {
        server.kill();
    }

    /** Starts the server again (same ports, same data); returns as soon as it answers {@code /ping}. */
    public void restart() {
        server.restart();
    }

    public String diagnostics() {
        return server.diagnostics();
    }

    @Override
    public void close() {
        server.close();
    }
}
