package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.cli.dashboard.GrafanaMacros;
import io.kzpipe.testkit.ChDbExtension;
import io.kzpipe.testkit.Engines;
import io.kzpipe.testkit.SqlEngine;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ledger panels of the "Pipeline health" dashboard, expanded as Grafana expands them, on both engines (Debian's
 * ClickHouse 18.16 and the current engine, chDB) with the sink's DDL and {@code ledger-dataset/}: each returns the
 * rows of {@code ledger-expectations.tsv}, which the dataset's comments derive by hand (balanced, unbalanced for each
 * way a record can get lost, pending, replays, copies of rows).
 */
@ExtendWith(ChDbExtension.class)
class LedgerQueriesIT {

    private static final Instant FROM = Instant.parse("2026-11-20T10:00:00Z");
    private static final Instant TO = Instant.parse("2026-11-20T10:10:00Z");
    private static final Pattern DATABASE = Pattern.compile("\\bkaizala\\.");
    private static final Map<SqlEngine, String> DBS = new LinkedHashMap<>();

    @BeforeAll
    static void schemaAndDataset(Engines engines) {
        for (SqlEngine engine : engines.all()) {
            DBS.put(engine, DashboardDataset.load(engine, "kz_ledger", "ledger-dataset"));
        }
    }

    @Test
    void theLedgerPanelsReturnTheExpectedRowsOnBothEngines() {
        Map<String, List<String>> expected = DashboardQueriesIT.expectations("ledger-expectations.tsv");
        assertThat(expected).containsOnlyKeys("Ledger by minute", "Unbalanced minutes");
        GrafanaMacros macros = GrafanaMacros.allSelected(FROM, TO, 60);
        expected.forEach((title, rows) -> {
            String sql = macros.expand(LedgerAlertTest.panelSql(title)) + "\nFORMAT TSV";
            DBS.forEach((engine, db) -> assertThat(engine.query(on(db, sql)).lines().toList())
                    .as("%s on %s, SQL:\n%s", title, engine.name(), sql)
                    .containsExactlyElementsOf(rows));
        });
    }

    @Test
    void minutesYoungerThanTheLagAllowanceArePendingWhateverTheirBalance() {
        // "now" at 10:04:30: every minute from 09:59:30 on is pending, so nothing is reported unbalanced yet
        GrafanaMacros macros = GrafanaMacros.allSelected(FROM, Instant.parse("2026-11-20T10:04:30Z"), 60);
        String sql = macros.expand(LedgerAlertTest.panelSql("Ledger by minute")) + "\nFORMAT TSV";
        DBS.forEach((engine, db) -> assertThat(engine.query(on(db, sql)).lines().toList()).as(engine.name())
                .hasSize(4)
                .allSatisfy(row -> assertThat(row).endsWith("\tpending")));
    }

    private static String on(String db, String sql) {
        return DATABASE.matcher(sql).replaceAll(Matcher.quoteReplacement(db + "."));
    }
}
