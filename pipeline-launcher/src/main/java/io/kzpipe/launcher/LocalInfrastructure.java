package io.kzpipe.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the local Kafka broker and ClickHouse server detached, with their data under {@code PIPELINE_HOME}
 * ({@code kafka/data}, {@code clickhouse/data}), kept across {@code down} and {@code up}.
 *
 * <p>The broker runs in its own JVM on a classpath Maven resolves once from {@code deploy/local/kafka/pom.xml}
 * (cached in {@code kafka/cp.txt}, resolved again when the POM changes or a jar is gone); its JVM options are in
 * the argument file {@code kafka/jvm.args}, whose path on the command line marks the process as ours.
 */
final class LocalInfrastructure {

    private final LocalSettings settings;
    private final Console console;

    LocalInfrastructure(LocalSettings settings, Console console) {
        this.settings = settings;
        this.console = console;
    }

    private Path kafkaDir() {
        return settings.home().resolve(LocalPipeline.KAFKA);
    }

    private Path clickHouseDir() {
        return settings.home().resolve(LocalPipeline.CLICKHOUSE);
    }

    /** Writes the broker's configuration, formats its data directory once and starts it; does not wait. */
    ProcessHandle startKafka() {
        Path dir = kafkaDir();
        Path data = dir.resolve("data");
        Path jvmArgs = dir.resolve("jvm.args");
        String classpath = kafkaClasspath();
        List<String> args = new ArrayList<>(
                Service.words(settings.env().getOrDefault("PIPELINE_KAFKA_HEAP_OPTS", "-Xms256m -Xmx512m")));
        args.add(quoted("-Dlog4j2.configurationFile=" + settings.root().resolve("deploy/local/kafka/log4j2.xml")));
        args.add("-cp");
        args.add(quoted(classpath));
        write(jvmArgs, String.join("\n", args) + "\n");
        Path log = settings.log(LocalPipeline.KAFKA);
        if (!KafkaBrokerConfig.formatted(data)) {
            console.note("formatting a new Kafka data directory: " + data);
        }
        List<String> command;
        try {
            command = KafkaBrokerConfig.prepare(dir, settings.port(LocalSettings.KAFKA_PORT),
                    settings.port(LocalSettings.KAFKA_CONTROLLER_PORT), Map.of(),
                    List.of(Processes.java(), "@" + jvmArgs), log);
        } catch (IllegalStateException e) {
            console.logTail(log, 25);
            throw new Console.Failure("formatting the Kafka data directory failed");
        }
        return Processes.startDetached(LocalPipeline.KAFKA, command, dir, Map.of(), log,
                settings.pidFile(LocalPipeline.KAFKA));
    }

    /** The broker classpath, resolved by Maven into {@code kafka/cp.txt} when missing or stale. */
    private String kafkaClasspath() {
        Path pom = settings.root().resolve("deploy/local/kafka/pom.xml");
        Path cpFile = kafkaDir().resolve("cp.txt");
        try {
            Files.createDirectories(kafkaDir());
            if (!classpathCurrent(cpFile, pom)) {
                console.note("resolving the broker classpath with Maven (first run downloads ~45 MB)");
                Path log = settings.logDir().resolve("build.log");
                int exit = Processes.run(
                        List.of("mvn", "-B", "-q", "-f", pom.toString(), "dependency:build-classpath",
                                "-Dmdep.outputFile=" + cpFile, "-Dmdep.includeScope=runtime"),
                        settings.root(), log, Duration.ofMinutes(10));
                if (exit != 0 || !Files.isRegularFile(cpFile)) {
                    console.logTail(log, 25);
                    throw new Console.Failure("cannot resolve the Kafka broker classpath from " + pom);
                }
            }
            return Files.readString(cpFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + kafkaDir(), e);
        }
    }

    private static boolean classpathCurrent(Path cpFile, Path pom) throws IOException {
        if (!Files.isRegularFile(cpFile) || Files.size(cpFile) == 0
                || Files.getLastModifiedTime(pom).compareTo(Files.getLastModifiedTime(cpFile)) > 0) {
            return false;
        }
        for (String jar : Files.readString(cpFile, StandardCharsets.UTF_8).strip().split(":")) {
            if (!Files.isRegularFile(Path.of(jar))) {
                return false;
            }
        }
        return true;
    }

    /** Writes ClickHouse's configuration and starts the server; does not wait. */
    ProcessHandle startClickHouse() {
        Path binary = ClickHouseServerConfig.findBinary(settings.env());
        if (binary == null) {
            throw new Console.Failure("clickhouse-server is not installed: " + ClickHouseServerConfig.INSTALL_HINT
                    + " (or run as root / with PIPELINE_INSTALL=1 to let ./pipeline install it with sudo)");
        }
        Path dir = clickHouseDir();
        Path config = ClickHouseServerConfig.write(dir, settings.logDir().resolve("clickhouse-server.log"),
                clickHouseErrorLog(), settings.port(LocalSettings.CLICKHOUSE_HTTP_PORT),
                settings.port(LocalSettings.CLICKHOUSE_TCP_PORT));
        return Processes.startDetached(LocalPipeline.CLICKHOUSE, ClickHouseServerConfig.command(binary, config), dir,
                Map.of(), settings.log(LocalPipeline.CLICKHOUSE), settings.pidFile(LocalPipeline.CLICKHOUSE));
    }

    Path clickHouseErrorLog() {
        return settings.logDir().resolve("clickhouse-server.err.log");
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
