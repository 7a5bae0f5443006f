package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The same statements on the ClickHouse test server (18.16 here) and chDB (current) print the same. Decimals are
 * read through {@code toFloat64}: 18.16 prints a {@code Decimal(18, 4)} with all four places ({@code 1.7500}),
 * current releases without trailing zeros ({@code 1.75}).
 */
@ExtendWith({ClickHouseExtension.class, ChDbExtension.class})
class ChDbAndClickHouseIT {

    @Test
    void bothEnginesAreInjectedAndNamedWithTheirVersions(Engines engines, TestClickHouse clickHouse, ChDb chDb) {
        assertThat(engines.all()).containsExactly(clickHouse, chDb);
        assertThat(clickHouse.name()).startsWith("ClickHouse ")
                .contains(" server " + clickHouse.httpUrl())
                .isEqualTo(clickHouse.name());
        assertThat(chDb.name()).startsWith("chDB ");
    }

    @Test
    void theSameStatementsPrintTheSameTsvOnBothEngines(Engines engines) {
        Map<String, List<String>> printed = new LinkedHashMap<>();
        for (SqlEngine engine : engines.all()) {
            String db = engine.createDatabase("both");
            engine.query("CREATE TABLE " + db + ".responses (id String, version UInt64, survey String, "
                    + "answer Nullable(String), score Decimal(18, 4), at DateTime('UTC')) "
                    + "ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(at) ORDER BY (survey, id)");
            engine.insert(
                    "INSERT INTO " + db + ".responses (id, version, survey, answer, score, at) FORMAT JSONEachRow",
                    "{\"id\":\"r1\",\"version\":1,\"survey\":\"s1\",\"answer\":\"yes\",\"score\":1.5,\"at\":\"2026-11-27 10:01:00\"}\n"
                            + "{\"id\":\"r2\",\"version\":1,\"survey\":\"s1\",\"answer\":null,\"score\":2.25,\"at\":\"2026-11-27 10:07:00\"}\n"
                            + "{\"id\":\"r3\",\"version\":1,\"survey\":\"s2\",\"answer\":\"dr\\u00e9i\",\"score\":3,\"at\":\"2026-11-27 11:30:00\"}\n");
            engine.insert(
                    "INSERT INTO " + db + ".responses (id, version, survey, answer, score, at) FORMAT JSONEachRow",
                    "{\"id\":\"r1\",\"version\":2,\"survey\":\"s1\",\"answer\":\"no\",\"score\":1.75,\"at\":\"2026-11-27 10:02:00\"}\n");

            printed.put(engine.name(), List.of(
                    engine.query("SELECT id, version, survey, answer, toFloat64(score), at FROM " + db
                            + ".responses FINAL " + "ORDER BY survey, id"),
                    engine.query("SELECT survey, count(), toFloat64(sum(score)), toStartOfFiveMinute(min(at)) FROM "
                            + db + ".responses FINAL GROUP BY survey ORDER BY survey FORMAT TSV"),
                    engine.query(
                            "SELECT id, argMax(answer, version) FROM " + db + ".responses GROUP BY id ORDER BY id")));
        }

        List<String> expected = List.of(
                "r1\t2\ts1\tno\t1.75\t2026-11-27 10:02:00\nr2\t1\ts1\t\\N\t2.25\t2026-11-27 10:07:00\n"
                        + "r3\t1\ts2\tdréi\t3\t2026-11-27 11:30:00\n",
                "s1\t2\t4\t2026-11-27 10:00:00\ns2\t1\t3\t2026-11-27 11:30:00\n", "r1\tno\nr2\t\\N\nr3\tdréi\n");
        assertThat(printed).hasSize(2)
                .allSatisfy((engine, output) -> assertThat(output).as(engine).isEqualTo(expected));
    }
}
