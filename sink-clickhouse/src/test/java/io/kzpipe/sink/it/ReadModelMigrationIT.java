package io.kzpipe.sink.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.clickhouse.client.api.Client;
import io.kzpipe.sink.clickhouse.ClickHouseSql;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The upgrade from the month-partitioned layout (migrations 001–016) to the day-partitioned read model (017–019)
 * through the sink's own migrator: every row kept, each fact once, markers derived for the old versions, and a
 * migration that crashed half-way through its renames completes when the sink starts again.
 */
@ExtendWith(ClickHouseExtension.class)
class ReadModelMigrationIT {

    private static final long T = 1_795_780_000_000L;
    private static final long EDIT = (1L << 62) + T - 3_600_000L;

    @Test
    void upgradingKeepsEveryRowCountsEachFactOnceAndMarksReplacedVersions(TestClickHouse ch) throws Exception {
        String db = ch.createDatabase("sink_upgrade");
        applyUpTo(ch, db, 16);
        // the old layout's data: r1's edit arrived an hour BEFORE its original (both kept, versions decide);
        // r2 once; an event delivered twice, days apart (two rows, different receive times); a retried insert's copy
        ch.query("INSERT INTO " + db + ".responses (row_id, response_id, version, is_update, received_at_ms) VALUES "
                + "('r1:" + T + "', 'r1', " + T + ", 0, " + T + "), ('r1:" + EDIT + "', 'r1', " + EDIT + ", 1, "
                + (T - 3_600_000L) + "), " + "('r2:" + T + "', 'r2', " + T + ", 0, " + T + ")");
        ch.query("INSERT INTO " + db
                + ".answers_numeric (row_id, response_id, version, question_title, received_at_ms, value) VALUES "
                + "('r1:" + T + ":0:0', 'r1', " + T + ", 'Quantity', " + T + ", 10), " + "('r1:" + EDIT
                + ":0:0', 'r1', " + EDIT + ", 'Quantity', " + (T - 3_600_000L) + ", 7), " + "('r2:" + T
                + ":0:0', 'r2', " + T + ", 'Quantity', " + T + ", 5), " + "('r2:" + T + ":0:0', 'r2', " + T
                + ", 'Quantity', " + T + ", 5)");
        ch.query("INSERT INTO " + db + ".events (row_id, event_id, received_at_ms) VALUES ('e1', 'e1', " + T + "), "
                + "('e1', 'e1', " + (T + 4 * 86_400_000L) + "), ('e2', 'e2', " + T + ")");

        List<String> ran = migrate(ch, db);

        // 017..019, then the migrations released after them (020 on)
        assertThat(ran)
                .startsWith("017_read_model_tables.sql", "018_read_model_drop_old.sql", "019_read_model_rename.sql")
                .hasSize(SchemaMigrator.load(db).size() - 16);
        assertThat(ch.query("SELECT row_id FROM " + db + ".responses_latest ORDER BY row_id").lines())
                .containsExactly("r1:" + EDIT, "r2:" + T);
        assertThat(ch.query("SELECT toInt64(sum(value)), count() FROM " + db + ".answers_numeric_latest").trim())
                .isEqualTo("12\t2");
        assertThat(ch.query("SELECT row_id, count() FROM " + db + ".events_latest GROUP BY row_id ORDER BY row_id")
                .lines()).containsExactly("e1\t1", "e2\t1");
        assertThat(ch.query(
                "SELECT response_id, version, superseded_by, received_at_ms FROM " + db + ".response_supersessions")
                .trim()).isEqualTo("r1\t" + T + "\t" + EDIT + "\t" + T);
        assertThat(
                ch.query("SELECT count() FROM system.tables WHERE database = '" + db + "' AND name LIKE '%\\\\_next'")
                        .trim())
                .isEqualTo("0");
        // one partition per day now (YYYYMMDD), not per month
        assertThat(ch.query("SELECT DISTINCT partition FROM system.parts WHERE database = '" + db
                + "' AND table = 'answers_numeric' AND active ORDER BY partition").lines()).containsExactly("20261127");
    }

    @Test
    void aMigrationThatStoppedAfterSomeRenamesCompletesOnTheNextStart(TestClickHouse ch) throws Exception {
        String db = ch.createDatabase("sink_upgrade");
        applyUpTo(ch, db, 18);
        SchemaMigrator.Migration renames = SchemaMigrator.load(db)
                .stream()
                .filter(m -> m.version() == 19)
                .findFirst()
                .orElseThrow();
        // the process died after the first three statements of 019 (renames), before the ledger row
        renames.statements().subList(0, 3).forEach(ch::query);
        ch.query("INSERT INTO " + db
                + ".answers_numeric (row_id, response_id, version, received_at_ms, value) VALUES ('a', 'r', 1, " + T
                + ", 1)");

        assertThat(migrate(ch, db)).startsWith("019_read_model_rename.sql")
                .hasSize(SchemaMigrator.load(db).size() - 18);

        assertThat(
                ch.query("SELECT count() FROM system.tables WHERE database = '" + db + "' AND name LIKE '%\\\\_next'")
                        .trim())
                .isEqualTo("0");
        assertThat(ch.query("SELECT count() FROM " + db + ".answers_numeric_latest").trim()).isEqualTo("1");
        assertThat(migrate(ch, db)).isEmpty();
    }

    /** Runs and records the migrations up to {@code version} as earlier sink releases did. */
    private static void applyUpTo(TestClickHouse ch, String db, int version) {
        for (SchemaMigrator.Migration m : SchemaMigrator.load(db)) {
            if (m.version() <= version) {
                m.statements().forEach(ch::query);
                ch.query("INSERT INTO " + db + ".schema_migrations (version, name, checksum) VALUES (" + m.version()
                        + ", '" + m.name() + "', '" + m.checksum() + "')");
            }
        }
    }

    private static List<String> migrate(TestClickHouse ch, String db) throws Exception {
        try (Client client = ClickHouseSql.newClient(ClickHouseSchemaIT.settings(ch, db))) {
            return new SchemaMigrator(new ClickHouseSql(client, Duration.ofSeconds(60)), db).migrate();
        }
    }
}
