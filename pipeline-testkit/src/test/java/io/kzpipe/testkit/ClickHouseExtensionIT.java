package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseExtension.class)
class ClickHouseExtensionIT {

    @Test
    void rowsInsertedIntoAFreshDatabaseAreReadBack(TestClickHouse ch) {
        String db = ch.createDatabase("testkit_it");
        ch.query("CREATE TABLE " + db
                + ".t (id UInt32, name String, at DateTime('UTC')) ENGINE = MergeTree() ORDER BY id");

        ch.query(
                "INSERT INTO " + db + ".t VALUES (1, 'one', '2026-11-27 10:00:00'), (2, 'two', '2026-11-27 11:00:00')");
        ch.insert("INSERT INTO " + db + ".t (id, name, at) FORMAT JSONEachRow",
                "{\"id\":3,\"name\":\"dr\\u00e9i\",\"at\":\"2026-11-27 12:00:00\"}\n");

        assertThat(ch.query("SELECT count() FROM " + db + ".t FORMAT TSV")).isEqualTo("3\n");
        assertThat(ch.query("SELECT id, name, toUnixTimestamp(at) FROM " + db + ".t ORDER BY id FORMAT TSV"))
                .isEqualTo("1\tone\t1795773600\n2\ttwo\t1795777200\n3\tdréi\t1795780800\n");
    }

    @Test
    void eachCreatedDatabaseIsNewAndServerRunsInUtc(TestClickHouse ch) {
        String a = ch.createDatabase("same-prefix");
        String b = ch.createDatabase("same-prefix");

        assertThat(a).isNotEqualTo(b).startsWith("same_prefix_");
        assertThat(ch.query(
                "SELECT name FROM system.databases WHERE name IN ('" + a + "', '" + b + "') ORDER BY name FORMAT TSV"))
                .isEqualTo(String.join("\n", java.util.stream.Stream.of(a, b).sorted().toList()) + "\n");
        assertThat(ch.query("SELECT toString(toDateTime(1795773600)) FORMAT TSV")).isEqualTo("2026-11-27 10:00:00\n");
    }

    @Test
    void aFailingQueryThrowsWithTheServersErrorText(TestClickHouse ch) {
        assertThatThrownBy(() -> ch.query("SELECT * FROM testkit_no_such_db.no_such_table"))
                .isInstanceOf(ClickHouseQueryException.class)
                .hasMessageContaining("testkit_no_such_db")
                .satisfies(e -> {
                    ClickHouseQueryException q = (ClickHouseQueryException) e;
                    assertThat(q.statusCode()).isGreaterThanOrEqualTo(400);
                    assertThat(q.serverMessage()).contains("Code: ");
                });
    }
}
