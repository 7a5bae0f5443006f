package io.kzpipe.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.topic.TopicId;
import io.kzpipe.sink.clickhouse.SchemaMigrator.Migration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SchemaMigratorTest {

    @Test
    void migrationsAreNumberedFromOneWithoutGaps() {
        List<Migration> migrations = SchemaMigrator.load("kaizala");
        assertThat(migrations).isNotEmpty();
        int expected = 1;
        for (Migration m : migrations) {
            assertThat(m.version()).isEqualTo(expected++);
            assertThat(m.statements()).isNotEmpty();
        }
        assertThat(migrations.get(0).name()).isEqualTo("001_database.sql");
    }

    @Test
    void everySinkTableHasAnIdempotentTableAndALatestView() {
        String all = String.join("\n",
                SchemaMigrator.load("kaizala").stream().flatMap(m -> m.statements().stream()).toList());
        for (TopicId id : TopicId.sinkInputs()) {
            // created under its name, or (the day-partitioned layout of 017) as <table>_next and renamed in 019
            boolean direct = all.contains("CREATE TABLE IF NOT EXISTS kaizala." + id.table() + "\n");
            boolean renamed = all.contains("CREATE TABLE IF NOT EXISTS kaizala." + id.table() + "_next\n")
                    && all.contains("RENAME TABLE kaizala." + id.table() + "_next TO kaizala." + id.table());
            assertThat(direct || renamed).as(id.table()).isTrue();
            assertThat(all).contains("CREATE VIEW IF NOT EXISTS kaizala." + id.table() + "_latest AS");
        }
        assertThat(all).contains("CREATE TABLE IF NOT EXISTS kaizala.schema_migrations");
    }

    @Test
    void everyStatementIsPortableAndIdempotent() {
        Pattern forbidden = Pattern.compile("DateTime64|\\bTTL\\b|CODEC|LowCardinality|JSONExtract|OVER \\(|Map\\(|"
                + "IF NOT EXISTS.*ADD COLUMN|Replicated|toStartOfInterval");
        for (Migration m : SchemaMigrator.load("kaizala")) {
            for (String s : m.statements()) {
                assertThat(s).as(m.name()).doesNotContain(";");
                assertThat(forbidden.matcher(s).find()).as(m.name() + ": " + s).isFalse();
                // RENAME: one pair, which the migrator skips when it already happened
                assertThat(s).as(m.name())
                        .matches("(?s)(CREATE (DATABASE|TABLE|VIEW) IF NOT EXISTS|INSERT INTO|ALTER TABLE"
                                + "|DROP TABLE IF EXISTS|RENAME TABLE kaizala\\.\\w+ TO kaizala\\.\\w+$).*");
            }
        }
    }

    @Test
    void everyDataTableIsPartitionedByDayInTheEnd() {
        String last = String.join("\n",
                SchemaMigrator.load("kaizala")
                        .stream()
                        .filter(m -> m.version() >= 17)
                        .flatMap(m -> m.statements().stream())
                        .toList());
        for (TopicId id : TopicId.sinkInputs()) {
            Matcher create = Pattern.compile("CREATE TABLE IF NOT EXISTS kaizala\\." + id.table() + "(_next)?\\n[^;]*?"
                    + "PARTITION BY toYYYYMMDD\\(received_at\\)\\nORDER BY \\(([^)]*)\\)").matcher(last);
            assertThat(create.find()).as(id.table()).isTrue();
            assertThat(create.group(2)).as(id.table()).doesNotContain("received_at");
        }
    }

    @Test
    void theDatabaseNameAppearsOnlyAsAQualifierOrTheCreatedDatabase() {
        Pattern word = Pattern.compile("(?<![A-Za-z0-9_])kaizala(?![A-Za-z0-9_])(.?)");
        for (Migration m : SchemaMigrator.load("kaizala")) {
            for (String s : m.statements()) {
                Matcher matcher = word.matcher(s);
                while (matcher.find()) {
                    boolean qualifier = ".".equals(matcher.group(1));
                    boolean createdDatabase = s.equals("CREATE DATABASE IF NOT EXISTS kaizala");
                    assertThat(qualifier || createdDatabase).as(m.name() + ": " + s).isTrue();
                }
            }
        }
    }

    @Test
    void theConfiguredDatabaseReplacesKaizalaAndLeavesTheChecksumAlone() {
        List<Migration> custom = SchemaMigrator.load("kz_it_1");
        List<Migration> standard = SchemaMigrator.load("kaizala");
        assertThat(custom.get(0).statements()).first().isEqualTo("CREATE DATABASE IF NOT EXISTS kz_it_1");
        assertThat(String.join("\n", custom.get(2).statements())).contains("kz_it_1.responses")
                .doesNotContain("kaizala");
        for (int i = 0; i < custom.size(); i++) {
            assertThat(custom.get(i).checksum()).isEqualTo(standard.get(i).checksum());
        }
    }

    @Test
    void statementsEndAtSemicolonsAtLineEndsAndCommentsAreDropped() {
        List<String> statements = SchemaMigrator.statements("""
                -- comment; with a semicolon
                CREATE TABLE IF NOT EXISTS kaizala.t
                (
                    a String
                ) ENGINE = Log;

                CREATE VIEW IF NOT EXISTS kaizala.v AS SELECT * FROM kaizala.t;
                """, "db2");
        assertThat(statements).containsExactly("CREATE TABLE IF NOT EXISTS db2.t\n(\n    a String\n) ENGINE = Log",
                "CREATE VIEW IF NOT EXISTS db2.v AS SELECT * FROM db2.t");
        assertThatThrownBy(() -> SchemaMigrator.statements("CREATE TABLE x (a String)\n", "db"))
                .isInstanceOf(IllegalStateException.class);
    }
}
