package io.kzpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kzpipe.testkit.TestClickHouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Query results as one text line per row, for exact comparisons that read well in a failure message: the
 * cells joined by {@code " | "}, strings as they are, numbers as ClickHouse prints them in JSON ({@code 2},
 * {@code 949.5}; 64-bit integers are quoted by ClickHouse and therefore appear as their digits), arrays as
 * {@code [a, b]}, NULL as {@code NULL}. Uses {@code FORMAT JSONCompact}, which 18.16 and the current LTS both
 * write the same way (TSV escaping differs between versions).
 */
final class Rows {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Rows() {}

    /** The expected form of one row: the cells joined by {@code " | "}. */
    static String row(String... cells) {
        return String.join(" | ", cells);
    }

    static List<String> of(TestClickHouse ch, String sql) {
        JsonNode result;
        try {
            result = MAPPER.readTree(ch.query(sql + " FORMAT JSONCompact"));
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + sql, e);
        }
        List<String> rows = new ArrayList<>();
        for (JsonNode row : result.get("data")) {
            List<String> cells = new ArrayList<>();
            row.forEach(cell -> cells.add(cell(cell)));
            rows.add(String.join(" | ", cells));
        }
        return rows;
    }

    private static String cell(JsonNode cell) {
        if (cell.isNull()) {
            return "NULL";
        }
        if (cell.isArray()) {
            List<String> items = new ArrayList<>();
            cell.forEach(item -> items.add(cell(item)));
            return "[" + String.join(", ", items) + "]";
        }
        return cell.asText();
    }
}
