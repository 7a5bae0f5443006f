package io.kzpipe.cli.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The first rows of a query result (ClickHouse {@code TabSeparatedWithNamesAndTypes}), rendered as a text table in
 * the style of ClickHouse's {@code PrettyCompact}: numbers right-aligned, NULL shown as {@code NULL}, control
 * characters as spaces, values longer than {@value #MAX_WIDTH} characters cut with {@code …}.
 *
 * @param names     column names
 * @param types     ClickHouse types, one per column
 * @param rows      the rows kept (at most the report's row limit), values unescaped, {@code null} for NULL
 * @param totalRows how many rows the query returned in all
 */
record ResultTable(List<String> names, List<String> types, List<List<String>> rows, long totalRows) {

    /** Widest value shown, in characters (code points). */
    static final int MAX_WIDTH = 80;

    private static final Pattern NUMERIC = Pattern.compile("(Nullable\\()?(U?Int\\d+|Float\\d+|Decimal.*)\\)?");

    ResultTable {
        names = List.copyOf(names);
        types = List.copyOf(types);
        // values may be null (SQL NULL): no List.copyOf for the rows
        rows = rows.stream().map(r -> Collections.unmodifiableList(new ArrayList<>(r))).toList();
    }

    /** Rows returned but not kept. */
    long moreRows() {
        return totalRows - rows.size();
    }

    /** The lines of the table (no trailing newline), or no line when there are no rows. */
    List<String> render() {
        if (rows.isEmpty()) {
            return List.of();
        }
        int n = names.size();
        int[] width = new int[n];
        boolean[] right = new boolean[n];
        List<List<String>> cells = rows.stream().map(r -> r.stream().map(ResultTable::display).toList()).toList();
        for (int c = 0; c < n; c++) {
            width[c] = length(names.get(c));
            right[c] = c < types.size() && NUMERIC.matcher(types.get(c)).matches();
            for (List<String> row : cells) {
                width[c] = Math.max(width[c], length(cell(row, c)));
            }
        }
        List<String> lines = new ArrayList<>();
        StringBuilder top = new StringBuilder("┌");
        StringBuilder bottom = new StringBuilder("└");
        for (int c = 0; c < n; c++) {
            top.append('─')
                    .append(pad(names.get(c), width[c], right[c], '─'))
                    .append('─')
                    .append(c < n - 1 ? '┬' : '┐');
            bottom.append("─".repeat(width[c] + 2)).append(c < n - 1 ? '┴' : '┘');
        }
        lines.add(top.toString());
        for (List<String> row : cells) {
            StringBuilder line = new StringBuilder("│");
            for (int c = 0; c < n; c++) {
                line.append(' ').append(pad(cell(row, c), width[c], right[c], ' ')).append(" │");
            }
            lines.add(line.toString());
        }
        lines.add(bottom.toString());
        return lines;
    }

    /** Splits one TSV line into unescaped values ({@code \N} becomes {@code null}). */
    static List<String> parseTsvLine(String line) {
        List<String> values = new ArrayList<>();
        for (String field : line.split("\t", -1)) {
            values.add(field.equals("\\N") ? null : unescape(field));
        }
        return values;
    }

    /** Undoes ClickHouse's TSV escaping ({@code \t \n \r \b \f \0 \\ \'} and any other escaped character). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder s = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c != '\\' || i == field.length() - 1) {
                s.append(c);
                continue;
            }
            char e = field.charAt(++i);
            s.append(switch (e) {
                case 't' -> '\t';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 'b' -> '\b';
                case 'f' -> '\f';
                case '0' -> '\0';
                default -> e;
            });
        }
        return s.toString();
    }

    private static String cell(List<String> row, int c) {
        return c < row.size() ? row.get(c) : "";
    }

    private static String display(String value) {
        if (value == null) {
            return "NULL";
        }
        StringBuilder s = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> s.appendCodePoint(Character.isISOControl(cp) ? ' ' : cp));
        String shown = s.toString();
        if (length(shown) > MAX_WIDTH) {
            shown = shown.substring(0, shown.offsetByCodePoints(0, MAX_WIDTH - 1)) + "…";
        }
        return shown;
    }

    private static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    private static String pad(String s, int width, boolean right, char fill) {
        String padding = String.valueOf(fill).repeat(width - length(s));
        return right ? padding + s : s + padding;
    }
}
