package io.kzpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The provisioned Grafana dashboards of {@code deploy/grafana/dashboards} and the queries inside them. */
final class Dashboards {

    static final String CLICKHOUSE_UID = "kz-clickhouse";
    static final String PROMETHEUS_UID = "kz-prometheus";

    /** One query of a dashboard: where it is ({@code dashboard / panel or variable}) and its text. */
    record Query(String dashboard, String where, String datasourceUid, String text) {
        @Override
        public String toString() {
            return dashboard + " / " + where;
        }
    }

    private Dashboards() {
    }

    /** File name → parsed dashboard, sorted by file name. */
    static List<Path> files() {
        try (Stream<Path> s = Files.list(DeployTree.DASHBOARDS)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode load(Path file) {
        return Yaml.json(DeployTree.read(file));
    }

    /** Every panel, including those nested in collapsed rows. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Every panel target and query variable of every dashboard. */
    static List<Query> queries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode d = load(file);
            String title = d.path("title").asText();
            for (JsonNode panel : panels(d)) {
                for (JsonNode t : panel.path("targets")) {
                    String uid = t.at("/datasource/uid").asText(panel.at("/datasource/uid").asText());
                    String text = t.has("rawSql") ? t.path("rawSql").asText() : t.path("expr").asText();
                    queries.add(new Query(title, "panel '" + panel.path("title").asText() + "' " + t.path("refId").asText(),
                            uid, text));
                }
            }
            for (JsonNode v : d.at("/templating/list")) {
                if ("query".equals(v.path("type").asText())) {
                    String text = v.path("query").isObject() ? v.at("/query/rawSql").asText() : v.path("query").asText();
                    queries.add(new Query(title, "variable '" + v.path("name").asText() + "'",
                            v.at("/datasource/uid").asText(), text));
                }
            }
        }
        return queries;
    }

    static List<Query> clickHouseQueries() {
        return queries().stream().filter(q -> CLICKHOUSE_UID.equals(q.datasourceUid())).toList();
    }

    static List<Query> prometheusQueries() {
        return queries().stream().filter(q -> PROMETHEUS_UID.equals(q.datasourceUid())).toList();
    }
}
