package io.kzpipe.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Grafana dashboard definitions (the provisioned JSON of {@code deploy/grafana/dashboards}) and the queries inside
 * them: panels in dashboard order including those nested in collapsed rows, each panel's targets with the
 * datasource Grafana would send them to, and the queries of query variables.
 *
 * <p>A dashboard is a Jackson tree, loaded from a file ({@link #load(Path)}), a classpath resource
 * ({@link #loadResource(String)}) or a string ({@link #parse(String)}). The methods without a directory read the
 * repository's {@value #REPOSITORY_DASHBOARDS}, found from the working directory upward (for tests and tools run
 * inside the repository). Stateless.
 */
public final class Dashboards {

    /** Fixed uid of the provisioned ClickHouse datasource. */
    public static final String CLICKHOUSE_UID = "kz-clickhouse";
    /** Fixed uid of the provisioned Prometheus datasource. */
    public static final String PROMETHEUS_UID = "kz-prometheus";
    /** Plugin id (datasource type) of the ClickHouse datasource. */
    public static final String CLICKHOUSE_TYPE = "grafana-clickhouse-datasource";

    /** Where the provisioned dashboards live, relative to the repository root. */
    public static final String REPOSITORY_DASHBOARDS = "deploy/grafana/dashboards";

    /**
     * One query of a dashboard: where it is ({@code dashboard / panel or variable}) and its text.
     *
     * @param dashboard     the dashboard's title
     * @param where         {@code panel '<title>' <refId>} or {@code variable '<name>'}
     * @param datasourceUid the uid of the datasource that runs it
     * @param text          SQL ({@code rawSql}) or PromQL ({@code expr}) as written, macros not expanded
     */
    public record Query(String dashboard, String where, String datasourceUid, String text) {
        @Override
        public String toString() {
            return dashboard + " / " + where;
        }
    }

    /**
     * One target (query) of a panel.
     *
     * @param refId          its letter ({@code A}, {@code B}, ...)
     * @param datasourceUid  the target's datasource uid, else the panel's (as Grafana resolves it)
     * @param datasourceType the target's datasource type (plugin id), else the panel's; empty when not given
     * @param text           SQL ({@code rawSql}) or PromQL ({@code expr}) as written, macros not expanded
     * @param hidden         {@code "hide": true}: Grafana does not run it
     */
    public record Target(String refId, String datasourceUid, String datasourceType, String text, boolean hidden) {

        /** Runs on the ClickHouse datasource (by its fixed uid or by the plugin's type). */
        public boolean isClickHouse() {
            return CLICKHOUSE_UID.equals(datasourceUid) || CLICKHOUSE_TYPE.equals(datasourceType);
        }
    }

    private Dashboards() {}

    /**
     * The repository's dashboards directory: {@value #REPOSITORY_DASHBOARDS} in the working directory or the
     * nearest parent that has one.
     *
     * @throws IllegalStateException when there is none (not run inside the repository)
     */
    public static Path repositoryDirectory() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            Path dashboards = p.resolve(REPOSITORY_DASHBOARDS);
            if (Files.isDirectory(dashboards) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return dashboards;
            }
        }
        throw new IllegalStateException("no repository with " + REPOSITORY_DASHBOARDS + " at or above " + dir);
    }

    /** The repository's dashboard files, sorted by file name. */
    public static List<Path> files() {
        return files(repositoryDirectory());
    }

    /** The dashboard files ({@code *.json}) of a directory, sorted by file name. */
    public static List<Path> files(Path directory) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A dashboard file, or the dashboard titled {@code title} in a directory.
     *
     * @throws IllegalArgumentException when there is no such file, or no such dashboard in the directory
     */
    public static JsonNode find(Path fileOrDirectory, String title) {
        if (!Files.isDirectory(fileOrDirectory)) {
            if (!Files.isRegularFile(fileOrDirectory)) {
                throw new IllegalArgumentException("no dashboard file " + fileOrDirectory);
            }
            return load(fileOrDirectory);
        }
        for (Path file : files(fileOrDirectory)) {
            JsonNode d = load(file);
            if (title.equals(d.path("title").asText())) {
                return d;
            }
        }
        throw new IllegalArgumentException("no dashboard titled '" + title + "' in " + fileOrDirectory);
    }

    /** Parses a dashboard file. */
    public static JsonNode load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses a dashboard from a classpath resource ({@code io/kzpipe/cli/dashboards/kaizala-responses.json}: no
     * leading slash), looked up with this class's class loader.
     *
     * @throws IllegalArgumentException when there is no such resource
     */
    public static JsonNode loadResource(String name) {
        try (InputStream in = Dashboards.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no classpath resource " + name);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses dashboard JSON. */
    public static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every panel in dashboard order, including those nested in collapsed rows (each right after its row).
     * Rows are panels too ({@code "type": "row"}, no targets).
     */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The targets of a panel, in order, hidden ones included. */
    public static List<Target> targets(JsonNode panel) {
        List<Target> targets = new ArrayList<>();
        for (JsonNode t : panel.path("targets")) {
            String uid = t.at("/datasource/uid").asText(panel.at("/datasource/uid").asText());
            String type = t.at("/datasource/type").asText(panel.at("/datasource/type").asText());
            String text = t.has("rawSql") ? t.path("rawSql").asText() : t.path("expr").asText();
            targets.add(new Target(t.path("refId").asText(), uid, type, text, t.path("hide").asBoolean(false)));
        }
        return targets;
    }

    /** Every panel target and query variable of one dashboard. */
    public static List<Query> queries(JsonNode dashboard) {
        List<Query> queries = new ArrayList<>();
        String title = dashboard.path("title").asText();
        for (JsonNode panel : panels(dashboard)) {
            for (Target t : targets(panel)) {
                queries.add(new Query(title, "panel '" + panel.path("title").asText() + "' " + t.refId(),
                        t.datasourceUid(), t.text()));
            }
        }
        for (JsonNode v : dashboard.at("/templating/list")) {
            if ("query".equals(v.path("type").asText())) {
                String text = v.path("query").isObject() ? v.at("/query/rawSql").asText() : v.path("query").asText();
                queries.add(new Query(title, "variable '" + v.path("name").asText() + "'",
                        v.at("/datasource/uid").asText(), text));
            }
        }
        return queries;
    }

    /** Every panel target and query variable of every dashboard of a directory, by file name. */
    public static List<Query> queries(Path directory) {
        List<Query> queries = new ArrayList<>();
        for (Path file : files(directory)) {
            queries.addAll(queries(load(file)));
        }
        return queries;
    }

    /** Every panel target and query variable of every dashboard of the repository. */
    public static List<Query> queries() {
        return queries(repositoryDirectory());
    }

    /** The queries of the repository's dashboards that run on the ClickHouse datasource. */
    public static List<Query> clickHouseQueries() {
        return clickHouseQueries(repositoryDirectory());
    }

    /** The queries of the repository's dashboards that run on the Prometheus datasource. */
    public static List<Query> prometheusQueries() {
        return prometheusQueries(repositoryDirectory());
    }

    /** The queries of a directory's dashboards that run on the ClickHouse datasource. */
    public static List<Query> clickHouseQueries(Path directory) {
        return queries(directory).stream().filter(q -> CLICKHOUSE_UID.equals(q.datasourceUid())).toList();
    }

    /** The queries of a directory's dashboards that run on the Prometheus datasource. */
    public static List<Query> prometheusQueries(Path directory) {
        return queries(directory).stream().filter(q -> PROMETHEUS_UID.equals(q.datasourceUid())).toList();
    }
}
