package io.kzpipe.testkit;

import io.kzpipe.launcher.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the test kit reads its settings and keeps its files.
 *
 * <p>A setting is read from the environment variable of that name, else from the system property of the same
 * name (so {@code mvn -DKAFKA_BOOTSTRAP_SERVERS=...} works too). Files (server logs, data directories) go under
 * {@code <module>/target/testkit} when the working directory is a Maven module, else under the system
 * temporary directory.
 */
final class Settings {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private Settings() {}

    /** The trimmed value of {@code name}, or {@code null} when it is unset or blank. */
    static String get(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            value = System.getProperty(name);
        }
        return value == null || value.isBlank() ? null : value.trim();
    }

    static String getOrDefault(String name, String fallback) {
        String value = get(name);
        return value == null ? fallback : value;
    }

    /** The directory that holds every file the test kit writes ({@code TESTKIT_WORKDIR} overrides it). */
    static Path workDir() {
        String configured = get("TESTKIT_WORKDIR");
        Path dir;
        if (configured != null) {
            dir = Path.of(configured);
        } else {
            Path target = Path.of(System.getProperty("user.dir"), "target");
            dir = Files.isDirectory(target)
                    ? target.resolve("testkit")
                    : Path.of(System.getProperty("java.io.tmpdir"), "kzpipe-testkit");
        }
        return dir.toAbsolutePath().normalize();
    }

    /** Creates a new, uniquely named directory under {@link #workDir()}. */
    static Path newRunDir(String prefix) {
        String name = prefix + "-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current().pid() + "-"
                + SEQUENCE.incrementAndGet();
        try {
            return Files.createDirectories(workDir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create test kit directory under " + workDir(), e);
        }
    }

    /** Deletes a directory tree, best effort (leftovers live under target/ and go with {@code mvn clean}). */
    static void deleteTree(Path dir) {
        try {
            Processes.deleteTree(dir);
        } catch (IOException | UncheckedIOException e) {
            // best effort
        }
    }
}
