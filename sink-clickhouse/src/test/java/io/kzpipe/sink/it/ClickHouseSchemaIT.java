package io.kzpipe.sink.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseColumn;
import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import io.kzpipe.model.record.TypedRecord;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.sink.clickhouse.ClickHouseSql;
import io.kzpipe.sink.clickhouse.SchemaMigrator;
import io.kzpipe.sink.clickhouse.TableColumns;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.support.TypedRecords;
import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.TestClickHouse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ClickHouseExtension.class)
class ClickHouseSchemaIT {

    static SinkConfig.ClickHouse settings(TestClickHouse ch, String db) {
        return new SinkConfig.ClickHouse(ch.httpUrl(), ch.user(), ch.password(), db, Duration.ofSeconds(5),
                Duration.ofSeconds(60));
    }

    /** Runs the migrations in {@code db}; returns the insert columns of every table the sink loads. */
    static Map<String, List<ClickHouseColumn>> migrated(Client client, String db) throws InterruptedException {
        ClickHouseSql sql = new ClickHouseSql(client, Duration.ofSeconds(60));
        new SchemaMigrator(sql, db).migrate();
        return TableColumns.load(sql, db, TopicId.sinkInputs().stream().map(TopicId::table).distinct().toList());
    }

    @Test
    void migrationsCreateEveryTableAndViewAndASecondRunIsANoOp(TestClickHouse ch) throws Exception {
        String db = ch.createDatabase("sink_schema");
        try (Client client = ClickHouseSql.newClient(settings(ch, db))) {
            ClickHouseSql sql = new ClickHouseSql(client, Duration.ofSeconds(60));
            List<String> first = new SchemaMigrator(sql, db).migrate();
            String tablesAfterFirst = ch
                    .query("SELECT name, engine FROM system.tables WHERE database = '" + db + "' ORDER BY name");
            List<String> second = new SchemaMigrator(sql, db).migrate();

            assertThat(first).hasSize(SchemaMigrator.load(db).size()).startsWith("001_database.sql");
            assertThat(second).isEmpty();
            assertThat(ch.query("SELECT name, engine FROM system.tables WHERE database = '" + db + "' ORDER BY name"))
                    .isEqualTo(tablesAfterFirst);
            assertThat(ch.query("SELECT count(), uniqExact(version) FROM " + db + ".schema_migrations").trim())
                    .isEqualTo(first.size() + "\t" + first.size());
            for (TopicId id : TopicId.sinkInputs()) {
                assertThat(tablesAfterFirst).contains(id.table() + "\tReplacingMergeTree\n",
                        id.table() + "_latest\tView\n");
            }
        }
    }

    @Test
    void aReleasedMigrationThatChangedStopsStartUp(TestClickHouse ch) throws Exception {
        String db = ch.createDatabase("sink_schema");
        try (Client client = ClickHouseSql.newClient(settings(ch, db))) {
            ClickHouseSql sql = new ClickHouseSql(client, Duration.ofSeconds(60));
            new SchemaMigrator(sql, db).migrate();
            ch.query("INSERT INTO " + db
                    + ".schema_migrations (version, name, checksum) VALUES (2, '002_events.sql', 'edited')");
            assertThatThrownBy(() -> new SchemaMigrator(sql, db).migrate()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("002_events.sql changed");
        }
    }

    @Test
    void aMigrationThatRanButWasNotRecordedRunsAgainHarmlessly(TestClickHouse ch) throws Exception {
        String db = ch.createDatabase("sink_schema");
        try (Client client = ClickHouseSql.newClient(settings(ch, db))) {
            ClickHouseSql sql = new ClickHouseSql(client, Duration.ofSeconds(60));
            new SchemaMigrator(sql, db).migrate();
            ch.query("INSERT INTO " + db + ".events (row_id, received_at_ms) VALUES ('kept', 1795780123456)");
            ch.query("INSERT INTO " + db
                    + ".dead_letters (row_id, replay_of, received_at_ms) VALUES ('dl', 'dl0', 1795780123456)");
            // a crash leaves the files since the last recorded one unrecorded; from 019 on: renames (019) and added
            // columns (022) that ran already (017 copies tables as they were before 018, it never runs after 019)
            ch.query("ALTER TABLE " + db + ".schema_migrations DELETE WHERE version >= 19");
            long recorded = SchemaMigrator.load(db).stream().filter(m -> m.version() < 19).count();
            org.awaitility.Awaitility.await()
                    .until(() -> ch.query("SELECT count() FROM " + db + ".schema_migrations")
                            .trim()
                            .equals(Long.toString(recorded)));

            List<String> again = new SchemaMigrator(sql, db).migrate();
            assertThat(again).hasSize((int) (SchemaMigrator.load(db).size() - recorded))
                    .contains("022_dead_letters_replay.sql");
            assertThat(ch.query("SELECT row_id FROM " + db + ".events").trim()).isEqualTo("kept");
            assertThat(ch.query("SELECT row_id, replay_of FROM " + db + ".dead_letters").trim()).isEqualTo("dl\tdl0");
            assertThat(ch.query("SELECT row_id, replay_of, event_id = '' FROM " + db + ".dead_letters_latest").trim())
                    .as("the view shows the columns 022 added")
                    .isEqualTo("dl\tdl0\t1");
        }
    }

    @Test
    void everyTypedRecordsJsonFieldsAreExactlyTheInsertColumnsOfItsTable(TestClickHouse ch) throws Exception {
        String db = ch.createDatabase("sink_schema");
        try (Client client = ClickHouseSql.newClient(settings(ch, db))) {
            ClickHouseSql sql = new ClickHouseSql(client, Duration.ofSeconds(60));
            new SchemaMigrator(sql, db).migrate();
            List<String> tables = TopicId.sinkInputs().stream().map(TopicId::table).distinct().toList();
            Map<String, List<String>> columns = new HashMap<>();
            TableColumns.load(sql, db, tables)
                    .forEach((table, cols) -> columns.put(table,
                            cols.stream().map(ClickHouseColumn::getColumnName).toList()));
            List<String> mismatches = new ArrayList<>();
            for (Map.Entry<TopicId, TypedRecord> e : TypedRecords.samples().entrySet()) {
                JsonNode json = Json.MAPPER.readTree(TypedRecords.json(e.getValue()));
                TreeSet<String> fields = new TreeSet<>();
                json.fieldNames().forEachRemaining(fields::add);
                TreeSet<String> insertColumns = new TreeSet<>(columns.get(e.getKey().table()));
                if (!fields.equals(insertColumns)) {
                    mismatches.add(e.getKey().table() + ": record " + fields + " vs table " + insertColumns);
                }
            }
            assertThat(TypedRecords.samples().keySet()).containsExactlyInAnyOrderElementsOf(TopicId.typed());
            assertThat(mismatches).isEmpty();
            assertThat(columns.get("dead_letters"))
                    .contains("row_id", "stage", "reason", "detail", "payload", "payload_base64")
                    .doesNotContain("received_at");
        }
    }
}
