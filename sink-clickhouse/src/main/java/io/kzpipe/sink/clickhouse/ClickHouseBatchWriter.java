package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseColumn;
import com.clickhouse.data.ClickHouseFormat;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.RejectedRow;
import io.kzpipe.sink.row.Row;
import java.io.BufferedOutputStream;
import java.io.IOException;
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
 * Inserts batches with client-v2 as {@code INSERT INTO db.table (insert columns) FORMAT JSONEachRow}: the
 * records' JSON bytes are streamed as they came from Kafka, one per line, after a {@link RowCheck} of each;
 * records that cannot be rows of the table are not sent and are returned to the caller, which dead-letters
 * them. Columns with a DEFAULT ({@code received_at}, ...) are left out of the column list, so ClickHouse
 * computes them; fields that are not insert columns are skipped ({@code input_format_skip_unknown_fields}).
 * Rows ClickHouse still refuses are isolated by {@code BatchDelivery}. The query id is
 * {@code kz-sink:<batch id>}, so an insert can be found in {@code system.query_log}. Thread-safe.
 */
public final class ClickHouseBatchWriter implements BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseBatchWriter.class);
    private static final int MAX_QUERY_ID = 200;
    /** Bytes handed to the HTTP request at a time: the client would otherwise send every small write on its own. */
    private static final int CHUNK_BYTES = 256 * 1024;

    private final Client client;
    private final String database;
    private final Map<String, List<String>> names = new HashMap<>();
    private final Map<String, RowCheck> checks = new HashMap<>();
    private final Duration timeout;

    /**
     * @param columns per table, the insert columns ({@link TableColumns})
     * @param timeout upper bound for one insert request
     */
    public ClickHouseBatchWriter(Client client, String database, Map<String, List<ClickHouseColumn>> columns,
            Duration timeout) {
        this.client = client;
        this.database = database;
        this.timeout = timeout;
        columns.forEach((table, cols) -> {
            names.put(table, cols.stream().map(ClickHouseColumn::getColumnName).toList());
            checks.put(table, new RowCheck(cols));
        });
    }

    @Override
    public List<RejectedRow> write(Batch batch) throws InterruptedException {
        RowCheck check = checks.get(batch.table());
        if (check == null) {
            throw new IllegalStateException("no insert columns known for table " + batch.table());
        }
        List<Row> fit = new ArrayList<>(batch.size());
        List<RejectedRow> rejected = new ArrayList<>(0);
        for (Row row : batch.rows()) {
            try {
                check.check(row.json());
                fit.add(row);
            } catch (UnfitRowException e) {
                rejected.add(new RejectedRow(row, e.reason(), e.detail()));
            }
        }
        if (fit.isEmpty()) {
            return rejected;
        }
        String queryId = queryId(batch.id());
        InsertSettings settings = new InsertSettings().setQueryId(queryId);
        settings.serverSetting("input_format_skip_unknown_fields", "1");
        CompletableFuture<InsertResponse> future = client.insert(database + "." + batch.table(),
                names.get(batch.table()), out -> writeJson(fit, out), ClickHouseFormat.JSONEachRow, settings);
        await(future, queryId);
        LOG.debug("inserted {} rows, query_id {}", fit.size(), queryId);
        return rejected;
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

    private static void writeJson(List<Row> rows, OutputStream out) throws IOException {
        BufferedOutputStream buffered = new BufferedOutputStream(out, CHUNK_BYTES);
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
