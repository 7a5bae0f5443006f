package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the provisioned dashboards: provisioning-ready JSON (fixed uids, no export inputs),
 * datasources that exist with fixed uids, ClickHouse SQL that uses only macros and functions Debian's
 * ClickHouse 18.16 and a current LTS both have and reads the sink's tables with its time range first.
 * DashboardQueriesIT runs the same SQL against a real ClickHouse.
 */
class GrafanaDashboardsTest {

    /** Functions and syntax 18.16 lacks (docs/CLICKHOUSE-COMPAT.md) or that only newer servers have. */
    // "SELECT DISTINCT": ClickHouse 18.16 returned every value twice over several day partitions (bench/dashboards);
    // GROUP BY gives the same rows on both engines
    private static final List<String> NOT_ON_18_16 = List.of("SELECT DISTINCT", "toStartOfInterval", "JSONExtract",
            "DateTime64", "now64", "fromUnixTimestamp64", "WITH FILL", " OVER (", " OVER(", "LowCardinality", "{param",
            "arrayFold", "toStartOfWeek(", "parseDateTime(", "formatDateTimeInJodaSyntax", "Map(String", " QUALIFY ",
            "$__timeInterval", "_ms(", "$__timeFilter_ms", "$__dateTimeFilter", "$__dt(");

    private static final Pattern TABLE_REF = Pattern.compile("\\bkaizala\\.([A-Za-z0-9_]+)");
    private static final Pattern VARIABLE_REF = Pattern.compile("\\$\\{(\\w+)(?::\\w+)?}|\\$(?!__)(\\w+)");
    private static final GrafanaMacros ALL_SELECTED = new GrafanaMacros(Instant.parse("2026-11-20T00:00:00Z"),
            Instant.parse("2026-11-21T00:00:00Z"), 60, Map.of());

    @Test
    void dashboardsAreProvisioningReadyWithUniqueUids() {
        Set<String> uids = new HashSet<>();
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.load(file);
            assertThat(d.has("__inputs")).as("%s is an export with __inputs", file).isFalse();
            assertThat(d.path("id").isNull() || d.path("id").isMissingNode()).as("%s id", file).isTrue();
            assertThat(d.path("uid").asText()).as("%s uid", file).matches("[a-z0-9-]{1,40}");
            assertThat(uids.add(d.path("uid").asText())).as("duplicate uid in %s", file).isTrue();
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : Dashboards.panels(d)) {
                assertThat(ids.add(p.path("id").asInt())).as("duplicate panel id %s in %s", p.path("id"), file)
                        .isTrue();
                int x = p.at("/gridPos/x").asInt();
                int w = p.at("/gridPos/w").asInt();
                assertThat(x + w).as("panel '%s' width", p.path("title").asText()).isBetween(1, 24);
            }
        }
        assertThat(Dashboards.files()).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("kaizala-responses.json", "pipeline-health.json");
    }

    @Test
    void everyQueryUsesAProvisionedDatasourceByFixedUid() {
        JsonNode provisioning = Yaml
                .parse(DeployTree.read(DeployTree.GRAFANA.resolve("provisioning/datasources/datasources.yaml")));
        Map<String, String> typeByUid = new java.util.HashMap<>();
        provisioning.path("datasources")
                .forEach(ds -> typeByUid.put(ds.path("uid").asText(), ds.path("type").asText()));

        assertThat(typeByUid).containsEntry(Dashboards.CLICKHOUSE_UID, "grafana-clickhouse-datasource")
                .containsEntry(Dashboards.PROMETHEUS_UID, "prometheus");
        assertThat(Dashboards.queries()).isNotEmpty()
                .allSatisfy(q -> assertThat(typeByUid).as(q.toString()).containsKey(q.datasourceUid()));
        for (Path file : Dashboards.files()) {
            for (JsonNode p : Dashboards.panels(Dashboards.load(file))) {
                if (!"row".equals(p.path("type").asText())) {
                    assertThat(typeByUid).as("panel datasource of '%s'", p.path("title").asText())
                            .containsKey(p.at("/datasource/uid").asText());
                }
            }
        }
        assertThat(DeployTree.read(DeployTree.COMPOSE.resolve("compose.yaml")))
                .contains("GF_PLUGINS_PREINSTALL_SYNC: grafana-clickhouse-datasource@");
    }

    @Test
    void clickHouseQueriesUseOnlyPortableFunctionsAndSupportedMacros() {
        List<Dashboards.Query> queries = Dashboards.clickHouseQueries();
        assertThat(queries).hasSizeGreaterThan(10);
        for (Dashboards.Query q : queries) {
            for (String bad : NOT_ON_18_16) {
                assertThat(q.text().toLowerCase(Locale.ROOT)).as(q.toString())
                        .doesNotContain(bad.toLowerCase(Locale.ROOT));
            }
            String sql = ALL_SELECTED.expand(q.text());
            assertThat(sql).as(q.toString()).doesNotContain("$");
        }
    }

    @Test
    void clickHouseQueriesReadTablesTheSinkCreatesWithTheTimeRangeFirst() {
        Set<String> tables = new TreeSet<>();
        Pattern create = Pattern.compile("CREATE TABLE IF NOT EXISTS kaizala\\.([a-z_]+?)(?:_next)?\\s");
        for (SchemaMigrator.Migration m : SchemaMigrator.load("kaizala")) {
            m.statements().forEach(s -> {
                Matcher t = create.matcher(s);
                if (t.find()) {
                    tables.add(t.group(1));
                }
            });
        }
        assertThat(tables).contains("responses", "answers_option", "dead_letters", "response_supersessions");

        // every read of a table starts with the dashboard's time range (the day partitions prune to it); a main read
        // (FROM on a line of its own) of response data also leaves out the versions the processor marked as replaced
        // within that same range; the one-line lookups (package -> actions, the markers themselves) need not
        Pattern anyRead = Pattern
                .compile("FROM kaizala\\.([a-z_]+)(?: FINAL)?\\s+WHERE \\$__timeFilter\\(received_at\\)");
        Pattern mainRead = Pattern.compile(
                "(?m)^[ \\t]*FROM kaizala\\.([a-z_]+)(?: FINAL)?[ \\t]*\\n[ \\t]*WHERE \\$__timeFilter\\(received_at\\)"
                        + "([ \\t]*\\n[ \\t]*AND \\(response_id, version\\) NOT IN \\(SELECT response_id, version FROM kaizala\\.response_supersessions"
                        + " WHERE \\$__timeFilter\\(received_at\\)\\))?");
        Set<String> used = new TreeSet<>();
        for (Dashboards.Query q : Dashboards.clickHouseQueries()) {
            assertThat(q.text()).as(q.toString()).containsPattern(TABLE_REF).doesNotContain("_latest");
            Matcher m = TABLE_REF.matcher(q.text());
            while (m.find()) {
                assertThat(tables).as("%s reads kaizala.%s", q, m.group(1)).contains(m.group(1));
            }
            Matcher any = anyRead.matcher(q.text());
            int reads = 0;
            while (any.find()) {
                reads++;
                used.add(any.group(1));
            }
            assertThat(reads).as("%s: every FROM kaizala.<table> is followed by WHERE $__timeFilter(received_at)", q)
                    .isEqualTo(q.text().split("FROM kaizala\\.", -1).length - 1);
            Matcher main = mainRead.matcher(q.text());
            while (main.find()) {
                boolean responseData = main.group(1).equals("responses") || main.group(1).startsWith("answer");
                assertThat(main.group(2) != null)
                        .as("%s: read of %s %s the supersession condition", q, main.group(1),
                                responseData ? "lacks" : "has")
                        .isEqualTo(responseData);
            }
        }
        assertThat(used).contains("responses", "answers_option", "answers_numeric", "answers_text", "answers_location",
                "answer_rejects", "dead_letters", "response_supersessions");
    }

    @Test
    void everyTemplateVariableAQueryUsesIsDefinedAndWrappedInConditionalAll() {
        for (Path file : Dashboards.files()) {
            JsonNode d = Dashboards.load(file);
            Set<String> defined = new HashSet<>();
            d.at("/templating/list").forEach(v -> defined.add(v.path("name").asText()));
            for (Dashboards.Query q : Dashboards.queries()) {
                if (!q.dashboard().equals(d.path("title").asText())) {
                    continue;
                }
                Matcher m = VARIABLE_REF.matcher(q.text());
                while (m.find()) {
                    String name = m.group(1) != null ? m.group(1) : m.group(2);
                    assertThat(defined).as("%s uses $%s", q, name).contains(name);
                }
            }
        }
    }

    @Test
    void prometheusQueriesUseTheRateIntervalOfGrafana() {
        for (Dashboards.Query q : Dashboards.prometheusQueries()) {
            assertThat(q.text()).as(q.toString()).doesNotContainPattern("\\[\\d+[smhd]]");
        }
    }
}
