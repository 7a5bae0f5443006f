package io.kzpipe.testkit;

import io.kzpipe.launcher.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A service's {@code main} class running in a child JVM with the test JVM's classpath, for tests that kill
 * and restart a service. The child inherits the test JVM's environment plus the given variables (which win);
 * stdout and stderr are appended to the given log file. The process is stopped at the latest when the test
 * JVM exits. Methods are thread-safe.
 *
 * <pre>{@code
 * ServiceProcess gateway = ServiceProcess.start("io.kzpipe.gateway.Main", Map.of("GATEWAY_PORT", "0"), log);
 * gateway.kill();     // SIGKILL: no shutdown hooks run, like a crash
 * gateway.restart();  // same main class, environment and log file
 * gateway.stop();     // SIGTERM: shutdown hooks run; waits for the exit
 * }</pre>
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final String mainClass;
    private final Map<String, String> env;
    private final Path logFile;
    private final List<String> jvmArgs;
    private final List<String> args;
    private Process process;

    private ServiceProcess(String mainClass, List<String> args, Map<String, String> env, Path logFile,
            List<String> jvmArgs) {
        this.mainClass = mainClass;
        this.args = List.copyOf(args);
        this.env = Map.copyOf(env);
        this.logFile = logFile.toAbsolutePath();
        this.jvmArgs = List.copyOf(jvmArgs);
    }

    /** Starts {@code mainClass} in a child JVM; returns at once (wait for readiness yourself, e.g. /health/ready). */
    public static ServiceProcess start(String mainClass, Map<String, String> env, Path logFile) {
        return start(mainClass, env, logFile, List.of("-Xmx512m", "-XX:+ExitOnOutOfMemoryError"));
    }

    /** Like {@link #start(String, Map, Path)} with explicit JVM options. */
    public static ServiceProcess start(String mainClass, Map<String, String> env, Path logFile, List<String> jvmArgs) {
        return start(mainClass, List.of(), env, logFile, jvmArgs);
    }

    /** Like {@link #start(String, Map, Path, List)} with program arguments (a command of a service's main class). */
    public static ServiceProcess start(String mainClass, List<String> args, Map<String, String> env, Path logFile,
            List<String> jvmArgs) {
        ServiceProcess service = new ServiceProcess(mainClass, args, env, logFile, jvmArgs);
        service.launch();
        return service;
    }

    /** Starts the same main class, environment and log file again; a still-running instance is stopped first. */
    public synchronized void restart() {
        stop();
        launch();
    }

    /** SIGKILL and wait for the exit: no shutdown hook runs, like a crash or an OOM kill. */
    public synchronized void kill() {
        if (process.isAlive()) {
            ChildProcesses.kill(process);
        }
    }

    /** SIGTERM (shutdown hooks run), wait up to 30 s for the exit, then SIGKILL. */
    public synchronized void stop() {
        if (process.isAlive()) {
            ChildProcesses.stop(process, STOP_TIMEOUT);
        }
    }

    public synchronized boolean isAlive() {
        return process.isAlive();
    }

    public synchronized long pid() {
        return process.pid();
    }

    /** The exit code, or null while it runs. */
    public synchronized Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    public Path logFile() {
        return logFile;
    }

    /** The last {@code lines} lines of the log, for assertion messages. */
    public String logTail(int lines) {
        return Processes.tail(logFile, lines);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return mainClass + " (pid " + process.pid() + ", log " + logFile + ")";
    }

    private void launch() {
        List<String> command = ChildProcesses.javaCommand(jvmArgs);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = Processes.logged(command, Path.of("").toAbsolutePath(), logFile);
        builder.environment().putAll(env);
        process = ChildProcesses.start(builder);
    }
}
