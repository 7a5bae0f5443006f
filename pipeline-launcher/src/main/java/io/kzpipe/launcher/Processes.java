package io.kzpipe.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Processes started detached and known by a PID file: they outlive the JVM that started them (own session via
 * {@code setsid}, stdin from /dev/null, output appended to a log file), and any later JVM finds, checks and stops
 * them by PID.
 */
public final class Processes {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private Processes() {}

    /** The {@code java} of this JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts {@code command} detached in {@code workDir} with {@code env} added to this JVM's environment, appends
     * its output (after a "starting" line naming {@code part}) to {@code log}, writes its PID to {@code pidFile}
     * and returns its handle without waiting.
     */
    public static ProcessHandle startDetached(String part, List<String> command, Path workDir, Map<String, String> env,
            Path log, Path pidFile) {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            full.add(SETSID.toString()); // a child of the JVM is no group leader: setsid execs in place, same PID
        }
        full.addAll(command);
        ProcessBuilder builder = logged(full, workDir, log)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        try {
            Files.createDirectories(pidFile.toAbsolutePath().getParent());
            Files.deleteIfExists(pidFile);
            Files.writeString(log, "\n----- " + LocalDateTime.now().format(STAMP) + ": starting " + part + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Process process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
            return process.toHandle();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + part + " (" + String.join(" ", command) + ")", e);
        }
    }

    /** Runs {@code command} in {@code dir} to its end, output appended to {@code log}; its exit status (-1 on timeout). */
    public static int run(List<String> command, Path dir, Path log, Duration timeout) {
        try {
            Process process = logged(command, dir, log).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new Console.Failure("cannot run " + command.get(0) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A builder of {@code command} in {@code dir} whose output and errors are appended to {@code log} (its folder created). */
    public static ProcessBuilder logged(List<String> command, Path dir, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder of " + log, e);
        }
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /** The PID recorded in {@code pidFile}, if it holds one. */
    public static Optional<Long> recordedPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile, StandardCharsets.UTF_8).strip();
            return text.matches("[0-9]+") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The live process of {@code pidFile} whose command line contains {@code marker} (so a PID reused by another
     * program is not mistaken for ours), if any.
     */
    public static Optional<ProcessHandle> running(Path pidFile, String marker) {
        return recordedPid(pidFile).flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(handle -> commandLine(handle.pid()).contains(marker));
    }

    /** The command line of {@code pid}, arguments separated by spaces (empty when unreadable). */
    static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("");
        }
    }

    /** SIGTERM, wait up to {@code grace}, then SIGKILL and wait. Returns true when it exited within the grace. */
    public static boolean stop(ProcessHandle process, Duration grace) {
        process.destroy();
        if (awaitExit(process, grace)) {
            return true;
        }
        process.destroyForcibly();
        awaitExit(process, Duration.ofSeconds(10));
        return false;
    }

    /** Waits until {@code process} has exited; true when it did within {@code timeout}. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException | TimeoutException e) {
            return !process.isAlive();
        }
    }

    /** Sleeps {@code ms}; an interrupt ends the command ({@link Console.Failure}) with the flag kept. */
    public static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Console.Failure("interrupted");
        }
    }

    /** The last {@code lines} lines of a text file, or a note that it cannot be read. */
    public static String tail(Path file, int lines) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int from = Math.max(0, bytes.length - 64 * 1024);
            List<String> all = new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    /** Deletes {@code dir} and everything below it, if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
