package io.kzpipe.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.dashboard.GrafanaMacros;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The report against a fake ClickHouse (the JDK's HTTP server); ReportIT in deploy-tests runs it on a real one. */
class ReportTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T00:00:00Z"), ZoneOffset.UTC);

    private final List<String> received = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private HttpServer server;

    @BeforeEach
    void fakeClickHouse() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String sql = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(sql);
            int status = 200;
            String body;
            if (sql.contains("max(received_at)")) {
                body = "7200\n";
            } else if (sql.contains("SELECT 1 AS one")) {
                body = "one\ttwo\nUInt8\tString\n1\tx\n2\ty\n3\tz\n";
            } else if (sql.contains("SELECT 3")) {
                status = 500;
                body = "Code: 47, e.displayText() = DB::Exception: Unknown identifier: nope, e.what() = DB::Exception\n";
            } else {
                body = "n\nUInt64\n";
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void printsEveryClickHousePanelGoesOnAfterAFailureAndExitsNonZero() {
        int status = report("2").print(Dashboards.loadResource("dashboards/nested.json"));

        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines()).containsSubsequence(
                "Nested panels: database kz_test at " + url() + ", all data (times in UTC)",
                "    $__interval_s = 60 (per minute, from the span of the data)", "", "Count", "    (no rows)", "",
                "Nested table", "┌─one─┬─two─┐", "│   1 │ x   │", "│   2 │ y   │", "└─────┴─────┘", "    (1 more row)",
                "", "Mixed");
        assertThat(text).doesNotContain("Rate", "Notes", "Open row", "Closed row");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
                "    warning: panel 'Mixed' query A failed: Code: 47, e.displayText() = DB::Exception: Unknown identifier")
                .contains("error: 1 of 3 panel queries failed");
        assertThat(status).isEqualTo(1);
        // hidden target B and the Prometheus targets are not sent; the database is replaced, the range is 1970..now
        assertThat(received).hasSize(4).noneMatch(sql -> sql.contains("SELECT 2") || sql.contains("rate("));
        assertThat(received.get(1)).isEqualTo("SELECT count() AS n FROM kz_test.responses_latest WHERE "
                + "received_at >= toDateTime(0) AND received_at <= toDateTime(1796083200)\nFORMAT TabSeparatedWithNamesAndTypes");
    }

    @Test
    void exitsZeroWhenEveryQueryRan() {
        int status = Report.run(List.of(), Map.of("CLICKHOUSE_URL", url(), "CLICKHOUSE_DATABASE", "kz_test"), CLOCK,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);

        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("Kaizala responses: database kz_test at " + url());
    }

    @Test
    void unreachableClickHouseStopsTheReport() {
        Report report = report("20");
        String url = url();
        server.stop(0);

        int status = report.print(Dashboards.loadResource("dashboards/nested.json"));

        assertThat(status).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: cannot query ClickHouse at " + url);
    }

    @Test
    void sqlIsExpandedOnTheConfiguredDatabaseWithItsFormat() {
        GrafanaMacros macros = GrafanaMacros.allSelected(Instant.EPOCH, Instant.ofEpochSecond(10), 3600);

        assertThat(Report.sql(macros, "SELECT intDiv(t, $__interval_s) FROM kaizala.a JOIN kaizala.b USING x;\n",
                "kz_test")).isEqualTo(
                        "SELECT intDiv(t, 3600) FROM kz_test.a JOIN kz_test.b USING x\nFORMAT TabSeparatedWithNamesAndTypes");
        assertThat(Report.sql(macros, "SELECT 1 -- comment", "kz_test"))
                .isEqualTo("SELECT 1 -- comment\nFORMAT TabSeparatedWithNamesAndTypes");
    }

    @Test
    void intervalFollowsTheSpanOfTheData() {
        assertThat(Report.intervalSeconds(0)).isEqualTo(60);
        assertThat(Report.intervalSeconds(3 * 3600)).isEqualTo(60);
        assertThat(Report.intervalSeconds(3 * 3600 + 1)).isEqualTo(3600);
        assertThat(Report.intervalSeconds(3 * 86400)).isEqualTo(3600);
        assertThat(Report.intervalSeconds(3 * 86400 + 1)).isEqualTo(86400);
    }

    @Test
    void settingsComeFromTheEnvironment() {
        assertThat(Report.Settings.fromEnvironment(Map.of()))
                .isEqualTo(new Report.Settings("http://127.0.0.1:8123", "default", "", "kaizala", 20));
        assertThat(
                Report.Settings.fromEnvironment(Map.of("PIPELINE_CLICKHOUSE_HTTP_PORT", "18123", "PIPELINE_REPORT_ROWS",
                        "5", "CLICKHOUSE_DATABASE", "kz", "CLICKHOUSE_USER", "u", "CLICKHOUSE_PASSWORD", "p")))
                .isEqualTo(new Report.Settings("http://127.0.0.1:18123", "u", "p", "kz", 5));
        assertThatThrownBy(() -> Report.Settings.fromEnvironment(Map.of("PIPELINE_REPORT_ROWS", "ten")))
                .hasMessage("PIPELINE_REPORT_ROWS must be a number, got 'ten'");
        assertThatThrownBy(() -> Report.Settings.fromEnvironment(Map.of("CLICKHOUSE_DATABASE", "a; DROP")))
                .hasMessageContaining("CLICKHOUSE_DATABASE");
    }

    @Test
    void wrongArgumentsOrSettingsExitWithTwo() {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(Report.run(List.of("--help"), Map.of(), CLOCK, o, e, false)).isZero();
        assertThat(Report.run(List.of("a", "b"), Map.of(), CLOCK, o, e, false)).isEqualTo(2);
        assertThat(Report.run(List.of("/no/such/dashboard.json"), Map.of(), CLOCK, o, e, false)).isEqualTo(2);
        assertThat(Report.run(List.of(), Map.of("PIPELINE_REPORT_ROWS", "-1"), CLOCK, o, e, false)).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: Report");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:", "no dashboard file /no/such/dashboard.json",
                "PIPELINE_REPORT_ROWS must be a number, got '-1'");
    }

    private Report report(String rows) {
        return new Report(
                Report.Settings.fromEnvironment(Map.of("CLICKHOUSE_URL", url(), "CLICKHOUSE_DATABASE", "kz_test",
                        "PIPELINE_REPORT_ROWS", rows)),
                CLOCK, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }
}
