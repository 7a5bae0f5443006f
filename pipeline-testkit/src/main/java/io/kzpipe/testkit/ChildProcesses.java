package io.kzpipe.testkit;

import io.kzpipe.launcher.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts child processes for the test kit and makes sure none outlives the test JVM: every process started
 * here is stopped (SIGTERM, then SIGKILL after a grace period) by one JVM shutdown hook unless it was
 * stopped before. Also builds {@code java} command lines with the test JVM's own classpath.
 */
final class ChildProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::stopAll, "testkit-child-reaper"));
    }

    private ChildProcesses() {}

    /** Starts {@code builder} and registers the process for clean-up at JVM exit. */
    static Process start(ProcessBuilder builder) {
        try {
            Process process = builder.start();
            LIVE.add(process);
            process.onExit().thenAccept(LIVE::remove);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", builder.command()), e);
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL and wait. Returns true when it exited within the grace. */
    static boolean stop(Process process, Duration grace) {
        process.destroy();
        boolean graceful = waitFor(process, grace);
        if (!graceful) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
        LIVE.remove(process);
        return graceful;
    }

    /** SIGKILL and wait for the exit. */
    static void kill(Process process) {
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
        LIVE.remove(process);
    }

    static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** {@code java [jvmArgs] -cp <this JVM's classpath>}, with this JVM's {@code java}: add the main class. */
    static List<String> javaCommand(List<String> jvmArgs) {
        List<String> command = new ArrayList<>(List.of(Processes.java()));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        return command;
    }

    private static void stopAll() {
        List<Process> processes = new ArrayList<>(LIVE);
        processes.forEach(Process::destroy);
        for (Process process : processes) {
            if (!waitFor(process, SHUTDOWN_GRACE)) {
                process.destroyForcibly();
            }
        }
    }
}
