package io.kzpipe.sink.clickhouse;

import com.clickhouse.data.ClickHouseColumn;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads, at start-up, the insert columns of every table with their types: the columns without a default
 * expression ({@code system.columns.default_kind = ''}), i.e. the fields of the typed records. Types are
 * parsed by clickhouse-data ({@link ClickHouseColumn}).
 */
public final class TableColumns {

    private TableColumns() {}

    /**
     * Insert columns of {@code tables} in {@code database}, each in table order.
     *
     * @throws IllegalStateException when a table does not exist (the migrations did not run) or a column has a
     *                               type clickhouse-data does not know; the message lists every such problem
     */
    public static Map<String, List<ClickHouseColumn>> load(ClickHouseSql sql, String database,
            Collection<String> tables) throws InterruptedException {
        Map<String, List<String[]>> rows = new TreeMap<>();
        for (String[] row : sql.queryTsv("SELECT table, name, type FROM system.columns WHERE database = '" + database
                + "' AND default_kind = '' FORMAT TabSeparatedRaw")) {
            rows.computeIfAbsent(row[0], t -> new ArrayList<>()).add(row);
        }
        List<String> missing = tables.stream().filter(t -> !rows.containsKey(t)).sorted().distinct().toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("tables missing in ClickHouse database " + database + ": " + missing
                    + " (run the migrations: SINK_MIGRATE=true)");
        }
        Map<String, List<ClickHouseColumn>> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String table : tables.stream().sorted().distinct().toList()) {
            List<ClickHouseColumn> columns = new ArrayList<>();
            for (String[] row : rows.get(table)) {
                try {
                    columns.add(ClickHouseColumn.of(row[1], row[2]));
                } catch (IllegalArgumentException e) {
                    problems.add(database + "." + table + "." + row[1] + ": " + e.getMessage());
                }
            }
            out.put(table, List.copyOf(columns));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("columns of unknown types: " + problems);
        }
        return Map.copyOf(out);
    }
}
