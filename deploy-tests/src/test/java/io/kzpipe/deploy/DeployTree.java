package io.kzpipe.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Paths of the repository's {@code deploy/} tree, resolved from this module's directory (Maven runs tests
 * with the module as working directory), plus small file readers.
 */
final class DeployTree {

    /** The repository root: the parent of {@code deploy-tests}. */
    static final Path ROOT = locateRoot();

    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path COMPOSE = DEPLOY.resolve("compose");
    static final Path K8S = DEPLOY.resolve("k8s");
    static final Path GRAFANA = DEPLOY.resolve("grafana");
    static final Path DASHBOARDS = GRAFANA.resolve("dashboards");
    static final Path PROMETHEUS = DEPLOY.resolve("prometheus");

    /** Secrets that must come from the operator's {@code .env}, never from a file in git. */
    static final List<String> SECRETS = List.of("CLICKHOUSE_ADMIN_PASSWORD", "CLICKHOUSE_SINK_PASSWORD",
            "CLICKHOUSE_GRAFANA_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "PII_HASH_SECRET", "KAIZALA_CALLBACK_TOKENS");

    private DeployTree() {}

    private static Path locateRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("deploy")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no repository root with deploy/ above " + dir);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code KEY=value} lines of an env file, in order; comments and blank lines skipped. */
    static Map<String, String> envFile(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(file + ": not KEY=value: " + line);
            }
            values.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return values;
    }

    /** The Prometheus rule files, as {@code rules/<name>.yml} relative to {@link #PROMETHEUS}, sorted. */
    static List<String> ruleFiles() {
        try (Stream<Path> s = Files.list(PROMETHEUS.resolve("rules"))) {
            return s.map(p -> "rules/" + p.getFileName()).filter(n -> n.endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
