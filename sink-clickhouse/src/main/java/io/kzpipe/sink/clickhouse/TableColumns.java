package io.kzpipe.sink.clickhouse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads, at start-up, the insert columns of every table with their types: the columns without a default
 * expression ({@code system.columns.default_kind = ''}), i.e. the fields of the typed records.
 */
public final class TableColumns {

    private TableColumns() {
    }

    /**
     * Insert columns of {@code tables} in {@code database}, each in table order.
     *
     * @throws IllegalStateException when a table does not exist (the migrations did not run) or a column has
     *                               a type the RowBinary encoder cannot write ({@link ColumnType#parse}); the
     *                               message lists every such problem
     */
    public static Map<String, InsertColumns> load(ClickHouseSql sql, String database, Collection<String> tables)
            throws InterruptedException {
        Map<String, List<String[]>> rows = new TreeMap<>();
        for (String[] row : sql.queryTsv("SELECT table, name, type FROM system.columns WHERE database = '" + database
                + "' AND default_kind = '' FORMAT TabSeparated")) {
            rows.computeIfAbsent(row[0], t -> new ArrayList<>()).add(row);
        }
        List<String> missing = tables.stream().filter(t -> !rows.containsKey(t)).sorted().distinct().toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("tables missing in ClickHouse database " + database + ": " + missing
                    + " (run the migrations: SINK_MIGRATE=true)");
        }
        Map<String, InsertColumns> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String table : tables.stream().sorted().distinct().toList()) {
            List<String> names = new ArrayList<>();
            List<ColumnType> types = new ArrayList<>();
            for (String[] row : rows.get(table)) {
                try {
                    types.add(ColumnType.parse(unescape(row[2])));
                    names.add(row[1]);
                } catch (IllegalArgumentException e) {
                    problems.add(database + "." + table + "." + row[1] + ": " + e.getMessage());
                }
            }
            out.put(table, new InsertColumns(table, names, types));
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("columns the sink cannot write: " + problems);
        }
        return Map.copyOf(out);
    }

    /** TabSeparated escapes {@code '} as {@code \'} (e.g. {@code DateTime(\'UTC\')}) and {@code \} as {@code \\}. */
    static String unescape(String tsv) {
        if (tsv.indexOf('\\') < 0) {
            return tsv;
        }
        StringBuilder sb = new StringBuilder(tsv.length());
        for (int i = 0; i < tsv.length(); i++) {
            char c = tsv.charAt(i);
            if (c == '\\' && i + 1 < tsv.length()) {
                char e = tsv.charAt(++i);
                sb.append(switch (e) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case '0' -> '\0';
                    default -> e;
                });
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
