package io.kzpipe.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.cli.dashboard.Dashboards;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Arguments, the bundled dashboard and exit statuses that need no ClickHouse; ReconcileIT runs it on a real one. */
class ReconcileTest {

    private static final Instant NOW = Instant.parse("2026-11-20T10:10:00Z");

    @Test
    void sinceTakesMinutesHoursDaysOrAnInstantInThePast() {
        assertThat(Reconcile.since("30m", NOW)).isEqualTo(Instant.parse("2026-11-20T09:40:00Z"));
        assertThat(Reconcile.since("6h", NOW)).isEqualTo(Instant.parse("2026-11-20T04:10:00Z"));
        assertThat(Reconcile.since("2d", NOW)).isEqualTo(Instant.parse("2026-11-18T10:10:00Z"));
        assertThat(Reconcile.since("2026-11-20T10:00:00Z", NOW)).isEqualTo(Instant.parse("2026-11-20T10:00:00Z"));
        assertThatThrownBy(() -> Reconcile.since("1w", NOW)).hasMessageContaining("--since takes");
        assertThatThrownBy(() -> Reconcile.since("2026-11-20T10:10:00Z", NOW)).hasMessageContaining("not in the past");
    }

    @Test
    void theBundledDashboardHasTheLedgerPanelWithAStatusColumn() {
        String sql = Reconcile.ledgerSql(Dashboards.loadResource(Reconcile.DASHBOARD_RESOURCE));
        assertThat(sql).contains("FROM kaizala.raw_receipts", "FROM kaizala.raw_outcomes",
                ") AS " + Reconcile.STATUS_COLUMN, "'" + Reconcile.STATUS_UNBALANCED + "'",
                "'" + Reconcile.STATUS_PENDING + "'");
        assertThatThrownBy(() -> Reconcile.ledgerSql(Dashboards.parse("{\"title\":\"x\",\"panels\":[]}")))
                .hasMessageContaining("no panel 'Ledger by minute'");
    }

    @Test
    void wrongArgumentsExitTwoAndAnUnreachableClickHouseExitsThree() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

        assertThat(Reconcile.run(List.of("--since"), Map.of(), clock, out, errStream)).isEqualTo(Reconcile.USAGE);
        assertThat(Reconcile.run(List.of("a.json", "b.json"), Map.of(), clock, out, errStream))
                .isEqualTo(Reconcile.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unexpected argument '--since'",
                "unexpected argument 'b.json'", "exit status: 0 balanced, 1");
        // nothing listens on port 9 of the loopback interface
        assertThat(Reconcile.run(List.of(), Map.of("CLICKHOUSE_URL", "http://127.0.0.1:9"), clock, out, errStream))
                .isEqualTo(Reconcile.FAILED);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot query ClickHouse at http://127.0.0.1:9");
    }
}
