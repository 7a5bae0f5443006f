package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import io.kzpipe.cli.report.Report;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.testkit.ChDbExtension;
import io.kzpipe.testkit.Engines;
import io.kzpipe.testkit.SqlEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs every ClickHouse query of the "Kaizala responses" dashboard (panels and variables), expanded as
 * Grafana and the ClickHouse plugin expand them, on both engines the project supports — Debian's ClickHouse
 * 18.16 server and the current engine (chDB) — with the sink's own DDL and a known dataset, under three variable
 * selections, and compares each result with {@code dashboard-expectations.tsv} row by row (so both engines return
 * the same rows). A query without an expectation fails the test, so a new panel cannot go unchecked. Every
 * {@code _latest} view and every query {@code ./pipeline report} prints return identical rows on both engines.
 */
@ExtendWith(ChDbExtension.class)
class DashboardQueriesIT {

    private static final Instant FROM = Instant.parse("2026-11-20T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-21T00:00:00Z");
    private static final long INTERVAL_SECONDS = 3600;
    private static final Map<String, Map<String, List<String>>> SETTINGS = Map.of("ALL", Map.of(), "FILTERED",
            Map.of("group", List.of("group-north"), "package", List.of("com.contoso.orderform"), "action",
                    List.of("action-order-1"), "by_question", List.of("Retailer")),
            "MULTI", Map.of("group", List.of("group-north", "group-south"), "by_question", List.of("Product")));
    private static final Pattern DATABASE = Pattern.compile("\\bkaizala\\.");

    private static final Map<SqlEngine, String> DBS = new LinkedHashMap<>();

    @BeforeAll
    static void schemaAndDataset(Engines engines) {
        for (SqlEngine engine : engines.all()) {
            DBS.put(engine, DashboardDataset.load(engine, "kz_dashboards"));
        }
    }

    @Test
    void everyPanelAndVariableQueryReturnsTheExpectedRowsOnBothEngines() {
        Map<String, List<String>> expected = expectations();
        List<Dashboards.Query> queries = Dashboards.clickHouseQueries()
                .stream()
                .filter(q -> q.dashboard().equals("Kaizala responses"))
                .toList();
        assertThat(queries).hasSizeGreaterThan(15);

        List<String> checked = new ArrayList<>();
        SETTINGS.forEach((setting, variables) -> {
            GrafanaMacros macros = new GrafanaMacros(FROM, TO, INTERVAL_SECONDS, variables);
            for (Dashboards.Query q : queries) {
                String key = setting + " | " + title(q);
                assertThat(expected).as("dashboard-expectations.tsv has no section '## %s'", key).containsKey(key);
                String expanded = macros.expand(q.text()) + "\nFORMAT TSV";
                DBS.forEach((engine, db) -> {
                    String sql = on(db, expanded);
                    List<String> rows = engine.query(sql).lines().toList();
                    assertThat(rows).as("%s (%s) on %s, SQL:\n%s", q, setting, engine.name(), sql)
                            .containsExactlyElementsOf(expected.get(key));
                });
                checked.add(key);
            }
        });
        assertThat(new TreeSet<>(checked)).as("sections without a query")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
    }

    @Test
    void theOrderFormNumbersAreTheOnesTheBusinessAsksFor() {
        Dashboards.Query totals = Dashboards.clickHouseQueries()
                .stream()
                .filter(q -> q.where().startsWith("panel 'Numeric totals by answer"))
                .findFirst()
                .orElseThrow();
        GrafanaMacros macros = new GrafanaMacros(FROM, TO, INTERVAL_SECONDS, Map.of());

        DBS.forEach((engine, db) -> {
            List<String> rows = engine.query(on(db, macros.expand(totals.text())) + "\nFORMAT TSV").lines().toList();
            // quantity per product and per retailer: edits replace the original, re-deliveries count once,
            // the response outside the time range does not count
            assertThat(rows).as(engine.name())
                    .contains("Product\tApples\tQuantity\t30\t15\t2", "Product\tBananas\tQuantity\t5\t5\t1",
                            "Product\tCherries\tQuantity\t8\t8\t1", "Retailer\tShop A\tQuantity\t18\t9\t2",
                            "Retailer\tShop B\tQuantity\t5\t5\t1", "Retailer\tShop C\tQuantity\t20\t20\t1");
        });
    }

    @Test
    void everyLatestViewReturnsTheSameRowsOnBothEngines() {
        SqlEngine server = DBS.keySet().iterator().next();
        String serverDb = DBS.get(server);
        List<String> views = server.query("SELECT name FROM system.tables WHERE database = '" + serverDb
                + "' AND name LIKE '%\\_latest' ORDER BY name FORMAT TSV").lines().toList();
        assertThat(views).hasSize(TopicId.sinkInputs().stream().map(TopicId::table).distinct().toList().size());
        for (String view : views) {
            List<String> results = new ArrayList<>();
            DBS.forEach((engine, db) -> results
                    .add(engine.query("SELECT * FROM " + db + "." + view + " ORDER BY row_id FORMAT TSV")));
            assertThat(results.get(1)).as("%s: the current engine against 18.16", view).isEqualTo(results.get(0));
        }
        // each fact once and the current version only: r3's edit, not its original, r1 once though delivered twice
        DBS.forEach((engine,
                db) -> assertThat(engine
                        .query("SELECT row_id FROM " + db
                                + ".responses_latest WHERE response_id IN ('r1', 'r3') ORDER BY row_id FORMAT TSV")
                        .lines()).as(engine.name()).containsExactly("r1:1795168800000", "r3:4611687813603387904"));
    }

    @Test
    void everyQueryOfTheTextReportReturnsTheSameRowsOnBothEngines() {
        JsonNode dashboard = Dashboards.loadResource(Report.DASHBOARD_RESOURCE);
        List<String> spans = new ArrayList<>();
        DBS.forEach((engine, db) -> spans.add(engine.query(Report.spanSql(db))));
        assertThat(spans.get(1)).isEqualTo(spans.get(0));
        int compared = 0;
        // the report's interval follows the span of the data: every choice it can make
        for (long interval : List.of(Report.intervalSeconds(0), Report.intervalSeconds(86_400),
                Report.intervalSeconds(864_000))) {
            GrafanaMacros macros = Report.macros(TO, interval);
            for (JsonNode panel : Dashboards.panels(dashboard)) {
                for (Dashboards.Target target : Report.reportedTargets(panel)) {
                    String expanded = macros.expand(target.text()) + "\nFORMAT TSV";
                    List<String> results = new ArrayList<>();
                    DBS.forEach((engine, db) -> results.add(engine.query(on(db, expanded))));
                    assertThat(results.get(1)).as("%s, interval %d", panel.path("title").asText(), interval)
                            .isEqualTo(results.get(0));
                    assertThat(results.get(0)).as("%s returns rows", panel.path("title").asText()).isNotEmpty();
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThan(3 * 10);
    }

    private static String on(String db, String sql) {
        return DATABASE.matcher(sql).replaceAll(Matcher.quoteReplacement(db + "."));
    }

    /** Section key of a query: its panel title or {@code variable <name>}. */
    private static String title(Dashboards.Query q) {
        Matcher panel = Pattern.compile("panel '(.*)' [A-Z]").matcher(q.where());
        if (panel.matches()) {
            return panel.group(1);
        }
        return q.where().replace("'", "");
    }

    /** Sections of dashboard-expectations.tsv: "setting | title" → rows. */
    static Map<String, List<String>> expectations() {
        return expectations("dashboard-expectations.tsv");
    }

    /** Sections of an expectations resource: "## key" → the rows after it ("#" lines are comments). */
    static Map<String, List<String>> expectations(String resource) {
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : DashboardDataset.resource(resource).split("\n", -1)) {
            if (line.startsWith("## ")) {
                current = new ArrayList<>();
                sections.put(line.substring(3).strip(), current);
            } else if (!line.startsWith("#") && current != null && !line.isEmpty()) {
                current.add(line);
            }
        }
        return sections;
    }
}
