package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * Grafana and the ClickHouse plugin expand them, against a real ClickHouse with the sink's own DDL and a
 * known dataset, under three variable selections, and compares each result with
 * {@code dashboard-expectations.tsv} row by row. A query without an expectation fails the test, so a new
 * panel cannot go unchecked.
 */
@ExtendWith(ClickHouseExtension.class)
class DashboardQueriesIT {

    private static final Instant FROM = Instant.parse("2026-11-20T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-21T00:00:00Z");
    private static final long INTERVAL_SECONDS = 3600;
    private static final List<String> TABLES = List.of("responses", "answers_option", "answers_numeric",
            "answers_text", "answers_location", "answer_rejects", "dead_letters");
    private static final Map<String, Map<String, List<String>>> SETTINGS = Map.of(
            "ALL", Map.of(),
            "FILTERED", Map.of("group", List.of("group-north"), "package", List.of("com.contoso.orderform"),
                    "action", List.of("action-order-1"), "by_question", List.of("Retailer")),
            "MULTI", Map.of("group", List.of("group-north", "group-south"), "by_question", List.of("Product")));
    private static final Pattern DATABASE = Pattern.compile("\\bkaizala\\.");

    private static String db;

    @BeforeAll
    static void schemaAndDataset(TestClickHouse ch) {
        db = ch.createDatabase("kz_dashboards");
        for (SchemaMigrator.Migration m : SchemaMigrator.load(db)) {
            m.statements().forEach(ch::query);
        }
        for (String table : TABLES) {
            String rows = resource("dataset/" + table + ".jsonl");
            JsonNode first = Yaml.json(rows.lines().findFirst().orElseThrow());
            List<String> columns = new ArrayList<>();
            first.fieldNames().forEachRemaining(columns::add);
            // explicit column list: received_at is computed by its DEFAULT, as for the sink's inserts
            ch.insert("INSERT INTO " + db + "." + table + " (" + String.join(", ", columns) + ") FORMAT JSONEachRow", rows);
        }
    }

    @Test
    void everyPanelAndVariableQueryReturnsTheExpectedRows(TestClickHouse ch) {
        Map<String, List<String>> expected = expectations();
        List<Dashboards.Query> queries = Dashboards.clickHouseQueries().stream()
                .filter(q -> q.dashboard().equals("Kaizala responses")).toList();
        assertThat(queries).hasSizeGreaterThan(15);

        List<String> checked = new ArrayList<>();
        SETTINGS.forEach((setting, variables) -> {
            GrafanaMacros macros = new GrafanaMacros(FROM, TO, INTERVAL_SECONDS, variables);
            for (Dashboards.Query q : queries) {
                String key = setting + " | " + title(q);
                assertThat(expected).as("dashboard-expectations.tsv has no section '## %s'", key).containsKey(key);
                String sql = DATABASE.matcher(macros.expand(q.text())).replaceAll(db + ".") + "\nFORMAT TSV";
                List<String> rows = ch.query(sql).lines().toList();
                assertThat(rows).as("%s (%s), SQL:\n%s", q, setting, sql).containsExactlyElementsOf(expected.get(key));
                checked.add(key);
            }
        });
        assertThat(new TreeSet<>(checked)).as("sections without a query")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
    }

    @Test
    void theOrderFormNumbersAreTheOnesTheBusinessAsksFor(TestClickHouse ch) {
        Dashboards.Query totals = Dashboards.clickHouseQueries().stream()
                .filter(q -> q.where().startsWith("panel 'Numeric totals by answer")).findFirst().orElseThrow();
        GrafanaMacros macros = new GrafanaMacros(FROM, TO, INTERVAL_SECONDS, Map.of());

        List<String> rows = ch.query(DATABASE.matcher(macros.expand(totals.text())).replaceAll(db + ".") + "\nFORMAT TSV")
                .lines().toList();

        // quantity per product and per retailer: edits replace the original, re-deliveries count once,
        // the response outside the time range does not count
        assertThat(rows).contains("Product\tApples\tQuantity\t30\t15\t2", "Product\tBananas\tQuantity\t5\t5\t1",
                "Product\tCherries\tQuantity\t8\t8\t1", "Retailer\tShop A\tQuantity\t18\t9\t2",
                "Retailer\tShop B\tQuantity\t5\t5\t1", "Retailer\tShop C\tQuantity\t20\t20\t1");
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
        Map<String, List<String>> sections = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : resource("dashboard-expectations.tsv").split("\n", -1)) {
            if (line.startsWith("## ")) {
                current = new ArrayList<>();
                sections.put(line.substring(3).strip(), current);
            } else if (!line.startsWith("#") && current != null && !line.isEmpty()) {
                current.add(line);
            }
        }
        return sections;
    }

    private static String resource(String name) {
        try (InputStream in = DashboardQueriesIT.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
