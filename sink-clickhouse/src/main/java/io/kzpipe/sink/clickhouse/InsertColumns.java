package io.kzpipe.sink.clickhouse;

import java.util.List;

/**
 * The insert columns of one table, in table order, with their types: the columns without a default
 * expression, i.e. the fields of the typed records (docs/DESIGN.md). Immutable.
 *
 * @param table ClickHouse table (without database)
 * @param names column names
 * @param types column types, one per name
 */
public record InsertColumns(String table, List<String> names, List<ColumnType> types) {

    public InsertColumns {
        names = List.copyOf(names);
        types = List.copyOf(types);
        if (names.size() != types.size()) {
            throw new IllegalArgumentException("one type per column expected for " + table);
        }
    }

    public int size() {
        return names.size();
    }
}
