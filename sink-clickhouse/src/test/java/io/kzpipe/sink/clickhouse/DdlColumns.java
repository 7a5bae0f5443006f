package io.kzpipe.sink.clickhouse;

import com.clickhouse.data.ClickHouseColumn;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Insert columns of a table read from the migration files (no ClickHouse needed): the columns of its
 * {@code CREATE TABLE} without {@code DEFAULT}, as {@link TableColumns} reads them from {@code system.columns}.
 */
final class DdlColumns {

    private static final Pattern CREATE = Pattern
            .compile("(?s)CREATE TABLE IF NOT EXISTS kaizala\\.(\\w+)\\s*\\((.*?)\\n\\)\\s*ENGINE");

    private DdlColumns() {}

    static List<ClickHouseColumn> of(String table) {
        for (SchemaMigrator.Migration m : SchemaMigrator.load("kaizala")) {
            for (String statement : m.statements()) {
                Matcher c = CREATE.matcher(statement);
                if (c.find() && c.group(1).equals(table)) {
                    List<ClickHouseColumn> columns = new ArrayList<>();
                    for (String line : c.group(2).split("\n")) {
                        String def = line.strip().replaceAll(",$", "");
                        if (def.isEmpty() || def.contains(" DEFAULT ")) {
                            continue;
                        }
                        int space = def.indexOf(' ');
                        columns.add(ClickHouseColumn.of(def.substring(0, space), def.substring(space + 1).strip()));
                    }
                    return columns;
                }
            }
        }
        throw new IllegalArgumentException("no CREATE TABLE for " + table);
    }
}
