package io.kzpipe.sink.support;

import com.clickhouse.client.api.ServerException;
import io.kzpipe.sink.clickhouse.BatchWriter;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.RejectedRow;
import io.kzpipe.sink.row.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * In-memory ClickHouse stand-in: keeps inserted rows per table, refuses (like ClickHouse, the whole
 * insert) any batch holding a row whose JSON contains {@link #POISON} with a parse error, leaves out rows
 * containing {@link #UNFIT} and returns them as unfit ({@code invalid_value}), like the writer's check,
 * and fails the next calls with queued exceptions.
 */
public final class FakeWriter implements BatchWriter {

    /** A field the fake refuses to load (appears escaped, so accepted, inside a dead letter's payload). */
    public static final String POISON = "\"value\":\"poison\"";
    /** A field the fake does not send and reports as unencodable. */
    public static final String UNFIT = "\"value\":\"unfit\"";

    private final Map<String, List<String>> tables = new TreeMap<>();
    private final Deque<Supplier<RuntimeException>> failures = new ArrayDeque<>();
    private final List<Integer> insertSizes = new ArrayList<>();
    private int calls;

    public static ServerException parseError() {
        return new ServerException(27,
                "Code: 27, e.displayText() = DB::Exception: Cannot parse input: expected , (at row 1)", 500, "q");
    }

    public static ServerException serverDown() {
        return new ServerException(210, "Code: 210, Connection refused", 500, "q");
    }

    /** The next {@code times} calls throw what {@code failure} supplies. */
    public FakeWriter failNext(int times, Supplier<RuntimeException> failure) {
        for (int i = 0; i < times; i++) {
            failures.add(failure);
        }
        return this;
    }

    @Override
    public synchronized List<RejectedRow> write(Batch batch) {
        calls++;
        Supplier<RuntimeException> failure = failures.poll();
        if (failure != null) {
            throw failure.get();
        }
        List<String> rows = new ArrayList<>();
        List<RejectedRow> rejected = new ArrayList<>();
        for (Row row : batch.rows()) {
            String json = new String(row.json(), StandardCharsets.UTF_8);
            if (json.contains(POISON)) {
                throw parseError();
            }
            if (json.contains(UNFIT)) {
                rejected.add(new RejectedRow(row, "invalid_value",
                        "column value (Float64): expected a number, got a string"));
            } else {
                rows.add(json);
            }
        }
        insertSizes.add(rows.size());
        tables.computeIfAbsent(batch.table(), t -> new ArrayList<>()).addAll(rows);
        return rejected;
    }

    public synchronized List<String> rows(String table) {
        return List.copyOf(tables.getOrDefault(table, List.of()));
    }

    public synchronized int calls() {
        return calls;
    }

    public synchronized List<Integer> insertSizes() {
        return List.copyOf(insertSizes);
    }
}
