package io.kzpipe.sink.clickhouse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads, at start-up, the insert columns of every table: the columns without a default expression
 * ({@code system.columns.default_kind = ''}), i.e. the fields of the typed records.
 */
public final class TableColumns {

    private TableColumns() {
    }

    /**
     * Insert columns of {@code tables} in {@code database}, in table order.
     *
     * @throws IllegalStateException when a table does not exist (the migrations did not run)
     */
    public static Map<String, List<String>> load(ClickHouseSql sql, String database, Collection<String> tables)
            throws InterruptedException {
        Map<String, List<String>> columns = new TreeMap<>();
        for (String[] row : sql.queryTsv("SELECT table, name FROM system.columns WHERE database = '" + database
                + "' AND default_kind = '' FORMAT TabSeparated")) {
            columns.computeIfAbsent(row[0], t -> new ArrayList<>()).add(row[1]);
        }
        List<String> missing = tables.stream().filter(t -> !columns.containsKey(t)).sorted().distinct().toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("tables missing in ClickHouse database " + database + ": " + missing
                    + " (run the migrations: SINK_MIGRATE=true)");
        }
        columns.keySet().retainAll(tables);
        return Map.copyOf(columns);
    }
}
