package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ChDbExtension.class)
class ChDbIT {

    @Test
    void isTheCurrentEngineInUtc(ChDb chDb) {
        assertThat(chDb.query("SELECT version()")).startsWith("26.").endsWith("\n");
        assertThat(chDb.name()).startsWith("chDB ").contains("(ClickHouse 26.");
        assertThat(chDb.query("SELECT timezone(), toString(toDateTime(1795773600))"))
                .isEqualTo("UTC\t2026-11-27 10:00:00\n");
        assertThat(chDb.dataDir()).isDirectory();
    }

    @Test
    void replacingMergeTreeFinalKeepsTheLatestRowOfADuplicate(ChDb chDb) {
        String db = chDb.createDatabase("chdb-it");
        assertThat(db).startsWith("chdb_it_").hasSize("chdb_it_".length() + 8);
        chDb.query("CREATE TABLE " + db + ".responses (id String, version UInt64, answer String, at DateTime('UTC')) "
                + "ENGINE = ReplacingMergeTree(version) ORDER BY id");

        chDb.insert("INSERT INTO " + db + ".responses (id, version, answer, at) FORMAT JSONEachRow",
                "{\"id\":\"r1\",\"version\":1,\"answer\":\"yes\",\"at\":\"2026-11-27 10:00:00\"}\n"
                        + "{\"id\":\"r2\",\"version\":1,\"answer\":\"dr\\u00e9i\",\"at\":\"2026-11-27 11:00:00\"}\n");
        chDb.insert("INSERT INTO " + db + ".responses (id, version, answer, at) FORMAT JSONEachRow",
                "{\"id\":\"r1\",\"version\":2,\"answer\":\"no\",\"at\":\"2026-11-27 12:00:00\"}\n");

        assertThat(chDb.query("SELECT count() FROM " + db + ".responses FINAL WHERE id = 'r1'")).isEqualTo("1\n");
        assertThat(chDb.query("SELECT id, version, answer, at FROM " + db + ".responses FINAL ORDER BY id"))
                .isEqualTo("r1\t2\tno\t2026-11-27 12:00:00\nr2\t1\tdréi\t2026-11-27 11:00:00\n");
        assertThat(chDb.query("SELECT id, answer FROM " + db + ".responses FINAL WHERE id = 'r1' FORMAT JSONEachRow"))
                .isEqualTo("{\"id\":\"r1\",\"answer\":\"no\"}\n");
    }

    @Test
    void aFailingQueryThrowsWithClickHousesErrorText(ChDb chDb) {
        assertThatThrownBy(() -> chDb.query("SELECT * FROM chdb_no_such_db.no_such_table"))
                .isInstanceOf(ClickHouseQueryException.class)
                .hasMessageContaining("chDB ")
                .hasMessageContaining("chdb_no_such_db")
                .satisfies(e -> {
                    ClickHouseQueryException q = (ClickHouseQueryException) e;
                    assertThat(q.statusCode()).isZero();
                    assertThat(q.serverMessage()).startsWith("Code: 81. DB::Exception: ").contains("UNKNOWN_DATABASE");
                });
        assertThatThrownBy(() -> chDb.insert("INSERT INTO chdb_no_such_db.t FORMAT JSONEachRow", "{\"a\":1}\n"))
                .isInstanceOf(ClickHouseQueryException.class)
                .hasMessageContaining("chdb_no_such_db");
        assertThat(chDb.query("SELECT 1")).as("the connection survives errors").isEqualTo("1\n");
    }

    /**
     * Guards {@code chdb_set_signal_handlers_enabled(0)}: without it chDB's handlers replace the JVM's, and the
     * first implicit null check in compiled code hangs the JVM (hence the separate-thread timeout). The opt-out
     * alone must keep them: the {@link SignalGuard} behind it had nothing to put back.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void queriesStillWorkAfterAStormOfNullPointerExceptions(ChDb chDb) {
        assertThat(chDb.restoredSignals()).as("JVM signal handlers chDB replaced while connecting").isEmpty();
        assertThat(chDb.query("SELECT 1")).isEqualTo("1\n");
        long sum = 0;
        for (int i = 0; i < 200_000; i++) {
            sum += lengthOf("warm");
        }
        int caught = 0;
        for (int i = 0; i < 200_000; i++) {
            try {
                sum += lengthOf(i % 2 == 0 ? null : "abc");
            } catch (NullPointerException e) {
                caught++;
            }
        }
        System.gc();

        assertThat(caught).isEqualTo(100_000);
        assertThat(sum).isEqualTo(200_000L * 4 + 100_000L * 3);
        for (int i = 0; i < 50; i++) {
            assertThat(chDb.query("SELECT " + i + " + 1")).isEqualTo((i + 1) + "\n");
        }
    }

    @Test
    void theLibraryComesFromTheSettingOrTheDefaultInstallLocation() {
        assertThat(ChDb.defaultLibrary().toString()).endsWith("/.cache/chdb/" + ChDb.VERSION + "/package/libchdb.so");
        assertThat(Files.isRegularFile(ChDb.library())).isTrue();
        assertThat(ChDb.installHint(ChDb.defaultLibrary().getParent().getParent())).contains("./pipeline test",
                "npm pack @chdb/lib-linux-x64-gnu@" + ChDb.VERSION,
                "tar xzf chdb-lib-linux-x64-gnu-" + ChDb.VERSION + ".tgz", "CHDB_LIBRARY");
    }

    @Test
    void aSecondConnectionInTheSameJvmIsRefused(ChDb chDb) {
        assertThatThrownBy(ChDb::open).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one per process");
        assertThat(chDb.query("SELECT 2")).isEqualTo("2\n");
    }

    private static int lengthOf(String s) {
        return s.length();
    }
}
