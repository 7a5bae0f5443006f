package io.kzpipe.testkit;

import io.kzpipe.launcher.ClickHouseServerConfig;
import io.kzpipe.launcher.Probes;
import io.kzpipe.launcher.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A private {@code clickhouse-server} started from PATH for this test JVM: its own free HTTP and TCP ports on
 * 127.0.0.1, its own data directory, user {@code default} without password, time zone UTC. Stopped by its PID
 * (SIGTERM, then SIGKILL) when closed or when the JVM exits. The data directory is deleted on close; the logs
 * are kept under {@code target/testkit/clickhouse-*}/log and named in every failure message.
 *
 * <p>The configuration is the one known to work with Debian's 18.16 (root element {@code <yandex>}) and is also
 * accepted by current releases.
 */
final class LocalClickHouseServer implements ClickHouseRuntime {

    static final String INSTALL_HINT = ClickHouseServerConfig.INSTALL_HINT + " (or set CLICKHOUSE_URL)";
    private static final int START_ATTEMPTS = 3;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path binary;
    private final Path home;
    private final int httpPort;
    private final int tcpPort;
    private volatile Process process;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalClickHouseServer(Path binary, Path home, int httpPort, int tcpPort, Process process) {
        this.binary = binary;
        this.home = home;
        this.httpPort = httpPort;
        this.tcpPort = tcpPort;
        this.process = process;
    }

    /** The {@code clickhouse-server} binary: {@code CLICKHOUSE_SERVER_BIN}, else PATH, else the usual sbin/bin dirs. */
    static Path findBinary() {
        Map<String, String> env = new HashMap<>(System.getenv());
        String configured = Settings.get("CLICKHOUSE_SERVER_BIN");
        if (configured != null) {
            env.put("CLICKHOUSE_SERVER_BIN", configured);
        }
        return ClickHouseServerConfig.findBinary(env);
    }

    /** Starts a private server, retrying on fresh ports if a port was taken in the meantime. */
    static LocalClickHouseServer start(Path binary) {
        List<String> failures = new ArrayList<>();
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Path home = Settings.newRunDir("clickhouse");
            int httpPort = FreePorts.find();
            int tcpPort = FreePorts.find();
            LocalClickHouseServer server = new LocalClickHouseServer(binary, home, httpPort, tcpPort,
                    launch(binary, home, httpPort, tcpPort));
            try {
                server.awaitReady();
                return server;
            } catch (PortTakenException e) {
                failures.add(e.getMessage());
            }
        }
        throw new IllegalStateException(
                "clickhouse-server did not start after " + START_ATTEMPTS + " attempts: " + failures);
    }

    private static Process launch(Path binary, Path home, int httpPort, int tcpPort) {
        Path logDir = home.resolve("log");
        Path config = ClickHouseServerConfig.write(home, logDir.resolve("server.log"), logDir.resolve("server.err.log"),
                httpPort, tcpPort);
        return ChildProcesses.start(
                Processes.logged(ClickHouseServerConfig.command(binary, config), home, logDir.resolve("stdout.log")));
    }

    /** Kills the server with SIGKILL (no shutdown of any kind) and waits until it is gone; the data stays. */
    void kill() {
        ChildProcesses.kill(process);
    }

    /** Starts the server again on the same ports and data; returns once it answers {@code /ping}. */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("clickhouse-server is still running (pid " + process.pid() + ")");
        }
        process = launch(binary, home, httpPort, tcpPort);
        awaitReady();
    }

    private void awaitReady() {
        Probes.Wait wait = Probes.await(process.toHandle(), START_TIMEOUT, () -> Probes.clickHouseReady(httpUrl()));
        if (wait == Probes.Wait.DIED) {
            String logs = Processes.tail(home.resolve("log/server.err.log"), 20) + "\n"
                    + Processes.tail(home.resolve("log/stdout.log"), 20);
            if (logs.contains("Address already in use")) {
                throw new PortTakenException("ports " + httpPort + "/" + tcpPort + " were taken");
            }
            throw new IllegalStateException("clickhouse-server exited with code " + process.onExit().join().exitValue()
                    + " during start-up. " + diagnostics() + "\nLast log lines:\n" + logs);
        } else if (wait == Probes.Wait.TIMEOUT) {
            close();
            throw new IllegalStateException("clickhouse-server did not answer /ping on port " + httpPort + " within "
                    + START_TIMEOUT + ". " + diagnostics());
        }
    }

    @Override
    public String httpUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public String user() {
        return "default";
    }

    @Override
    public String password() {
        return "";
    }

    @Override
    public String description() {
        return "private clickhouse-server (pid " + process.pid() + ", TCP port " + tcpPort + ", data in " + home + ")";
    }

    @Override
    public String diagnostics() {
        return "Server log: " + home.resolve("log/server.log") + " (errors: " + home.resolve("log/server.err.log")
                + ", stdout: " + home.resolve("log/stdout.log") + ")";
    }

    @Override
    public boolean ownedByTests() {
        return true;
    }

    /** Stops the server by PID and deletes its data; the logs stay. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            ChildProcesses.stop(process, Duration.ofSeconds(30));
            for (String dir : ClickHouseServerConfig.dataDirs()) {
                Settings.deleteTree(home.resolve(dir));
            }
        }
    }

    /** The chosen ports were taken between choosing and binding. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
