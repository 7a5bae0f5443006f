package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
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
 * ClickHouse 18.16 and a current LTS both have and reads only the sink's {@code _latest} views.
 * DashboardQueriesIT runs the same SQL against a real ClickHouse.
 */
class GrafanaDashboardsTest {

    /** Functions and syntax 18.16 lacks (docs/ENVIRONMENT notes) or that only newer servers have. */
    private static final List<String> NOT_ON_18_16 = List.of("toStartOfInterval", "JSONExtract", "DateTime64",
            "now64", "fromUnixTimestamp64", "WITH FILL", " OVER (", " OVER(", "LowCardinality", "{param",
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
                assertThat(ids.add(p.path("id").asInt())).as("duplicate panel id %s in %s", p.path("id"), file).isTrue();
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
        JsonNode provisioning = Yaml.parse(DeployTree.read(
                DeployTree.GRAFANA.resolve("provisioning/datasources/datasources.yaml")));
        Map<String, String> typeByUid = new java.util.HashMap<>();
        provisioning.path("datasources").forEach(ds -> typeByUid.put(ds.path("uid").asText(), ds.path("type").asText()));

        assertThat(typeByUid).containsEntry(Dashboards.CLICKHOUSE_UID, "grafana-clickhouse-datasource")
                .containsEntry(Dashboards.PROMETHEUS_UID, "prometheus");
        assertThat(Dashboards.queries()).isNotEmpty().allSatisfy(q ->
                assertThat(typeByUid).as(q.toString()).containsKey(q.datasourceUid()));
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
                assertThat(q.text().toLowerCase(Locale.ROOT)).as(q.toString()).doesNotContain(bad.toLowerCase(Locale.ROOT));
            }
            String sql = ALL_SELECTED.expand(q.text());
            assertThat(sql).as(q.toString()).doesNotContain("$");
        }
    }

    @Test
    void clickHouseQueriesReadOnlyLatestViewsTheSinkCreates() {
        Set<String> views = new TreeSet<>();
        Pattern createView = Pattern.compile("CREATE VIEW IF NOT EXISTS kaizala\\.([a-z_]+_latest)");
        for (SchemaMigrator.Migration m : SchemaMigrator.load("kaizala")) {
            m.statements().forEach(s -> {
                Matcher v = createView.matcher(s);
                if (v.find()) {
                    views.add(v.group(1));
                }
            });
        }
        assertThat(views).contains("responses_latest", "answers_option_latest", "dead_letters_latest");

        Set<String> used = new TreeSet<>();
        for (Dashboards.Query q : Dashboards.clickHouseQueries()) {
            Matcher m = TABLE_REF.matcher(q.text());
            assertThat(q.text()).as(q.toString()).containsPattern(TABLE_REF);
            while (m.find()) {
                assertThat(views).as("%s reads kaizala.%s", q, m.group(1)).contains(m.group(1));
                used.add(m.group(1));
            }
        }
        assertThat(used).contains("responses_latest", "answers_option_latest", "answers_numeric_latest",
                "answers_location_latest", "answer_rejects_latest", "dead_letters_latest");
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

    @Test
    void macroExpansionMatchesThePlugin() {
        GrafanaMacros macros = new GrafanaMacros(Instant.ofEpochSecond(100), Instant.ofEpochSecond(200), 30,
                Map.of("group", List.of("g1", "o'k"), "action", List.of("a1")));

        assertThat(macros.expand("SELECT 1 WHERE $__timeFilter(received_at) AND "
                + "$__conditionalAll(group_id IN (${group:singlequote}), $group) AND "
                + "$__conditionalAll(x IN (SELECT y FROM t WHERE p IN (${package:singlequote})), $package) AND "
                + "action_id = '${action}' AND intDiv(toUInt32(t), $__interval_s) > 0"))
                .isEqualTo("SELECT 1 WHERE received_at >= toDateTime(100) AND received_at <= toDateTime(200) AND "
                        + "group_id IN ('g1','o\\'k') AND 1=1 AND action_id = 'a1' AND intDiv(toUInt32(t), 30) > 0");
        assertThatThrownBy(() -> macros.expand("SELECT $__timeInterval(t)")).hasMessageContaining("$__timeInterval");
        assertThatThrownBy(() -> macros.expand("SELECT ${package:singlequote}")).hasMessageContaining("outside");
    }
}
