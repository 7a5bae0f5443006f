package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.DataStreamWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import io.kzpipe.sink.batch.Batch;
import io.kzpipe.sink.batch.Row;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts batches with client-v2 as {@code INSERT INTO db.table (insert columns) FORMAT JSONEachRow},
 * streaming each row's JSON bytes as they came from Kafka (typed records' field names are the column
 * names). Columns with a DEFAULT ({@code received_at}, ...) are left out of the column list, so ClickHouse
 * computes them. Fields ClickHouse does not know are skipped ({@code input_format_skip_unknown_fields}),
 * so a processor that adds a field before the sink's migration adds the column keeps loading. Rows
 * ClickHouse refuses are isolated by {@code BatchDelivery}. The query id is {@code kz-sink:<batch id>}, so
 * an insert can be found in {@code system.query_log}. Thread-safe.
 *
 * <p>RowBinary encoded by the sink (client-v2's {@code RowBinaryFormatWriter}) was measured against this
 * and was slower on the benchmark machine (docs/BENCHMARKS.md, "ClickHouse sink").
 */
public final class ClickHouseBatchWriter implements BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseBatchWriter.class);
    private static final int MAX_QUERY_ID = 200;
    private static final int WRITE_BUFFER = 1 << 20;

    private final Client client;
    private final String database;
    private final Map<String, List<String>> columnNames;
    private final Duration timeout;

    /**
     * @param columnNames per table, the insert columns ({@link TableColumns})
     * @param timeout     upper bound for one insert request
     */
    public ClickHouseBatchWriter(Client client, String database, Map<String, List<String>> columnNames,
                                 Duration timeout) {
        this.client = client;
        this.database = database;
        this.columnNames = Map.copyOf(columnNames);
        this.timeout = timeout;
    }

    @Override
    public void write(Batch batch) throws InterruptedException {
        List<String> names = columnNames.get(batch.table());
        if (names == null) {
            throw new IllegalStateException("no insert columns known for table " + batch.table());
        }
        String queryId = queryId(batch.id());
        InsertSettings settings = new InsertSettings().setQueryId(queryId)
                .serverSetting("input_format_skip_unknown_fields", "1");
        DataStreamWriter rows = out -> writeJson(batch.rows(), out);
        CompletableFuture<InsertResponse> future = client.insert(database + "." + batch.table(), names, rows,
                ClickHouseFormat.JSONEachRow, settings);
        await(future, queryId);
        LOG.debug("inserted {} rows, query_id {}", batch.size(), queryId);
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
