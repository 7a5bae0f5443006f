package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.DataStreamWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import io.kzpipe.sink.batch.Batch;
import io.kzpipe.sink.batch.Row;
import io.kzpipe.sink.config.SinkConfig.InsertFormat;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts batches with client-v2 as {@code INSERT INTO db.table (insert columns) FORMAT <format>}. The
 * insert columns are the table's columns without a DEFAULT ({@code received_at}, ... are computed by
 * ClickHouse), which are exactly the JSON fields of the rows.
 *
 * <ul>
 *   <li>{@link InsertFormat#JSON_EACH_ROW} (default): each row's JSON bytes are streamed as they came from
 *       Kafka; ClickHouse parses them (unknown fields skipped with {@code input_format_skip_unknown_fields}).
 *       Rows ClickHouse refuses are isolated by {@code BatchDelivery}.</li>
 *   <li>{@link InsertFormat#ROW_BINARY}: every row is encoded on this side first
 *       ({@link RowBinaryRowEncoder}); rows that do not fit their columns are reported together in a
 *       {@link RowsRejectedException} before anything is sent. Moves the JSON parsing from ClickHouse into
 *       the sink. A table with a column type the encoder does not know falls back to JSONEachRow.</li>
 * </ul>
 * The query id is {@code kz-sink:<batch id>}, so an insert can be found in {@code system.query_log}.
 * Thread-safe (encoders are created per insert).
 */
public final class ClickHouseBatchWriter implements BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseBatchWriter.class);
    private static final int MAX_QUERY_ID = 200;
    private static final int WRITE_BUFFER = 1 << 20;

    private final Client client;
    private final String database;
    private final Map<String, List<ClickHouseColumn>> columns;
    private final Map<String, List<String>> columnNames = new HashMap<>();
    private final Map<String, Boolean> rowBinary = new HashMap<>();
    private final Duration timeout;

    /**
     * @param columns per table, the insert columns ({@link TableColumns})
     * @param timeout upper bound for one insert request
     */
    public ClickHouseBatchWriter(Client client, String database, Map<String, List<ClickHouseColumn>> columns,
                                 InsertFormat format, Duration timeout) {
        this.client = client;
        this.database = database;
        this.columns = Map.copyOf(columns);
        this.timeout = timeout;
        columns.forEach((table, cols) -> {
            columnNames.put(table, TableColumns.names(cols));
            boolean binary = format == InsertFormat.ROW_BINARY && RowBinaryRowEncoder.supports(cols);
            if (format == InsertFormat.ROW_BINARY && !binary) {
                LOG.warn("table {} has a column type the RowBinary encoder does not know; inserting it as JSONEachRow", table);
            }
            rowBinary.put(table, binary);
        });
    }

    @Override
    public void write(Batch batch) throws InterruptedException {
        List<String> names = columnNames.get(batch.table());
        if (names == null) {
            throw new IllegalStateException("no insert columns known for table " + batch.table());
        }
        String queryId = queryId(batch.id());
        InsertSettings settings = new InsertSettings().setQueryId(queryId);
        CompletableFuture<InsertResponse> future;
        if (rowBinary.get(batch.table())) {
            ByteArrayOutputStream encoded = encode(batch);
            future = client.insert(database + "." + batch.table(), names, out -> encoded.writeTo(out),
                    ClickHouseFormat.RowBinary, settings);
        } else {
            settings.serverSetting("input_format_skip_unknown_fields", "1");
            DataStreamWriter rows = out -> writeJson(batch.rows(), out);
            future = client.insert(database + "." + batch.table(), names, rows, ClickHouseFormat.JSONEachRow, settings);
        }
        await(future, queryId);
        LOG.debug("inserted {} rows, query_id {}", batch.size(), queryId);
    }

    private ByteArrayOutputStream encode(Batch batch) {
        RowBinaryRowEncoder encoder = new RowBinaryRowEncoder(columns.get(batch.table()));
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, batch.bytes()));
        List<RowsRejectedException.Rejection> rejected = new ArrayList<>();
        List<Row> rows = batch.rows();
        for (int i = 0; i < rows.size(); i++) {
            String reason = encoder.encode(rows.get(i).json(), out);
            if (reason != null) {
                rejected.add(new RowsRejectedException.Rejection(i, reason));
            }
        }
        if (!rejected.isEmpty()) {
            throw new RowsRejectedException(batch.id(), rejected);
        }
        return out;
    }

    private void await(CompletableFuture<InsertResponse> future, String queryId) throws InterruptedException {
        try (InsertResponse ignored = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            // acknowledged
        } catch (ExecutionException e) {
            throw ClickHouseSql.unwrap(e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("insert " + queryId + " did not finish within " + timeout, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // closing the response failed after the insert succeeded: the rows are in
            LOG.debug("closing the insert response of {} failed: {}", queryId, e.toString());
        }
    }

    private static void writeJson(List<Row> rows, OutputStream out) throws java.io.IOException {
        // one buffered stream: the client would otherwise send every tiny write on its own
        BufferedOutputStream buffered = new BufferedOutputStream(out, WRITE_BUFFER);
        for (Row row : rows) {
            buffered.write(row.json());
            buffered.write('\n');
        }
        buffered.flush();
    }

    /** {@code kz-sink:<batch id>}, shortened with a hash when the batch spans many partitions. */
    static String queryId(String batchId) {
        String id = "kz-sink:" + batchId;
        if (id.length() <= MAX_QUERY_ID) {
            return id;
        }
        return id.substring(0, MAX_QUERY_ID - 12) + "…" + Integer.toHexString(batchId.hashCode());
    }
}
