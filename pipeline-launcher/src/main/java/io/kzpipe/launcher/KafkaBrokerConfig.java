package io.kzpipe.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The single-node KRaft broker (combined broker and controller) of the local pipeline, the benchmarks and the
 * test kit: the one place that writes its {@code server.properties}, formats its data directory and names its
 * main class.
 *
 * <p>The controller quorum is static ({@code controller.quorum.voters}): the controller's address is not
 * recorded in the data directory, so the same data can be started on other ports later. Replication factor 1
 * everywhere (transactions and {@code exactly_once_v2} work on one broker), few internal-topic partitions (a quick
 * first start), no automatic topic creation (topics are created by the services, with their settings).
 */
public final class KafkaBrokerConfig {

    /**
     * How a one-node cluster behaves, also in the test kit's in-process broker: replication factor 1 and few
     * partitions for the internal topics, no rebalance delay, no automatic topic creation.
     */
    public static final Map<String, String> SINGLE_NODE = Map.of("offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "5", "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1", "transaction.state.log.num.partitions", "5",
            "share.coordinator.state.topic.replication.factor", "1", "share.coordinator.state.topic.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0", "auto.create.topics.enable", "false");

    private KafkaBrokerConfig() {}

    /**
     * {@code server.properties} for a broker listening on {@code 127.0.0.1:brokerPort} (controller on
     * {@code controllerPort}) with its log in {@code dataDir}; {@code overrides} add or replace entries.
     */
    public static String serverProperties(int brokerPort, int controllerPort, Path dataDir,
            Map<String, String> overrides) {
        Map<String, String> props = new TreeMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        props.put("num.partitions", "3");
        props.putAll(SINGLE_NODE);
        props.putAll(overrides);
        StringBuilder text = new StringBuilder(
                "# Written by the launcher (io.kzpipe.launcher.KafkaBrokerConfig) on every start.\n");
        props.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        return text.toString();
    }

    /**
     * Writes {@code dir/server.properties} ({@link #serverProperties}, data in {@code dir/data}) and formats the
     * data directory unless it was ({@link #formatted}), running {@code java} (the JVM, its options and class path)
     * with {@code kafka.tools.StorageTool}, output appended to {@code log}. Returns the command that starts the
     * broker.
     *
     * @throws IllegalStateException when formatting fails or takes over a minute (with the log's last lines)
     */
    public static List<String> prepare(Path dir, int brokerPort, int controllerPort, Map<String, String> overrides,
            List<String> java, Path log) {
        Path config = dir.resolve("server.properties");
        Path data = dir.resolve("data");
        try {
            Files.createDirectories(dir);
            Files.writeString(config, serverProperties(brokerPort, controllerPort, data, overrides));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + config, e);
        }
        if (!formatted(data)) {
            List<String> format = new ArrayList<>(java);
            format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                    config.toString()));
            int exit = Processes.run(format, dir, log, Duration.ofSeconds(60));
            if (exit != 0) {
                throw new IllegalStateException("formatting " + data + " failed (exit " + exit
                        + ", -1: not done within 60 s). Log " + log + ":\n" + Processes.tail(log, 20));
            }
        }
        List<String> start = new ArrayList<>(java);
        start.addAll(List.of("kafka.Kafka", config.toString()));
        return start;
    }

    /** True when {@code dataDir} was formatted already (it is kept, with its topics and records). */
    public static boolean formatted(Path dataDir) {
        return Files.isRegularFile(dataDir.resolve("meta.properties"));
    }
}
