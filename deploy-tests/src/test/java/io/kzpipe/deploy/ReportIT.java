package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.report.Report;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code ./pipeline report} ({@link Report}, run in-process) on the dashboard file of the deploy tree against a real
 * ClickHouse with the sink's DDL and the known dataset: every ClickHouse panel of the dashboard appears in order
 * with its rows, over all the data. The expected values come from the dataset (DashboardQueriesIT's order form),
 * not from the report's formatting or the panels' SQL.
 */
@ExtendWith(ClickHouseExtension.class)
class ReportIT {

    private static final Path DASHBOARD = DeployTree.DASHBOARDS.resolve("kaizala-responses.json");
    /** After the dataset (2026-10-21 .. 2026-11-20): "all data" is the range 1970 .. this. */
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    private static String db;

    @BeforeAll
    static void schemaAndDataset(TestClickHouse ch) {
        db = DashboardDataset.load(ch, "kz_report");
    }

    @Test
    void printsEveryClickHousePanelInDashboardOrderWithItsRowsOverAllTheData(TestClickHouse ch) {
        Run run = report(ch, db, "20");

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.err).doesNotContain("warning", "error");
        assertThat(run.out).startsWith(
                "Kaizala responses: database " + db + " at " + ch.httpUrl() + ", all data (times in UTC)\n");
        assertThat(run.titles()).containsExactlyElementsOf(clickHousePanelTitles());
        // the response 30 days before the others counts (all data): Apples 10 + 20 + 100 in 3 responses, and the
        // data spans 30 days, hence daily buckets; r3's edit replaced Bananas 7 by Cherries 8
        assertThat(run.out).contains("$__interval_s = 86400");
        assertThat(run.rows()).anySatisfy(row -> assertThat(row).contains("Product", "Apples", "Quantity", "130", "3"))
                .anySatisfy(row -> assertThat(row).contains("Product", "Bananas", "Quantity", "5", "1"))
                .anySatisfy(row -> assertThat(row).contains("Retailer", "Shop A", "Quantity", "118"))
                .noneSatisfy(row -> assertThat(row).contains("Bananas", "Quantity", "12"));
    }

    @Test
    void showsAtMostTheConfiguredRowsPerPanel(TestClickHouse ch) {
        Run run = report(ch, db, "2");

        assertThat(run.status).as(run.err).isZero();
        assertThat(run.titles()).containsExactlyElementsOf(clickHousePanelTitles());
        assertThat(run.tableRowCounts()).isNotEmpty().allSatisfy(n -> assertThat(n).isBetween(1, 2));
        assertThat(run.out).containsPattern("\\n {4}\\(\\d+ more rows?\\)\\n");
    }

    @Test
    void aFailingQueryIsReportedAndTheReportGoesOnButExitsNonZero(TestClickHouse ch) {
        String empty = ch.createDatabase("kz_report_no_tables");

        Run run = report(ch, empty, "20");

        List<String> titles = clickHousePanelTitles();
        assertThat(run.status).isEqualTo(1);
        assertThat(run.titles()).containsExactlyElementsOf(titles);
        assertThat(run.err).containsPattern("warning: panel '" + Pattern.quote(titles.get(0)) + "' query \\w+ failed: ")
                .contains("DB::Exception")
                .contains(empty + ".")
                .containsPattern("error: (\\d+) of \\1 panel queries failed");
    }

    /** Titles of the panels with a ClickHouse target Grafana runs, in dashboard order (nested ones included). */
    private static List<String> clickHousePanelTitles() {
        JsonNode dashboard = Dashboards.load(DASHBOARD);
        List<String> titles = Dashboards.panels(dashboard)
                .stream()
                .filter(p -> Dashboards.targets(p).stream().anyMatch(t -> t.isClickHouse() && !t.hidden()))
                .map(p -> p.path("title").asText())
                .toList();
        assertThat(titles).hasSizeGreaterThan(5);
        return titles;
    }

    private static Run report(TestClickHouse ch, String database, String rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = Map.of("CLICKHOUSE_URL", ch.httpUrl(), "CLICKHOUSE_USER", ch.user(),
                "CLICKHOUSE_PASSWORD", ch.password() == null ? "" : ch.password(), "CLICKHOUSE_DATABASE", database,
                "PIPELINE_REPORT_ROWS", rows);
        int status = Report.run(List.of(DASHBOARD.toString()), env, NOW,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** One run of the report: exit status and what it printed. */
    private record Run(int status, String out, String err) {

        /** Panel titles: each panel starts with an empty line, then its title. */
        List<String> titles() {
            List<String> lines = out.lines().toList();
            List<String> titles = new ArrayList<>();
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i - 1).isEmpty()) {
                    titles.add(lines.get(i));
                }
            }
            return titles;
        }

        /** The cells of every table row of every panel. */
        List<List<String>> rows() {
            return out.lines()
                    .filter(l -> l.startsWith("│"))
                    .map(l -> Arrays.stream(l.split("│")).map(String::strip).filter(c -> !c.isEmpty()).toList())
                    .toList();
        }

        /** Rows of each table printed. */
        List<Integer> tableRowCounts() {
            List<Integer> counts = new ArrayList<>();
            int n = 0;
            for (String line : out.lines().toList()) {
                if (line.startsWith("┌")) {
                    n = 0;
                } else if (line.startsWith("│")) {
                    n++;
                } else if (line.startsWith("└")) {
                    counts.add(n);
                }
            }
            return counts;
        }
    }
}
