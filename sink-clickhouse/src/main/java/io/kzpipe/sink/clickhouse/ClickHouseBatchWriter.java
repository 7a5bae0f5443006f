package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.DataStreamWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import io.kzpipe.sink.config.SinkConfig;
import io.kzpipe.sink.row.Batch;
import io.kzpipe.sink.row.RejectedRow;
import io.kzpipe.sink.row.Row;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts batches with client-v2 as {@code INSERT INTO db.table (insert columns) FORMAT RowBinary}: each
 * record's JSON is transcoded by a {@link RowBinaryEncoder} and streamed into the request in chunks of
 * {@value #CHUNK_BYTES} bytes (never the whole batch in one array). Records that cannot be encoded are not
 * sent and are returned to the caller, which dead-letters them. Columns with a DEFAULT ({@code
 * received_at}, ...) are left out of the column list, so ClickHouse computes them. With
 * {@link SinkConfig.InsertFormat#JSON_EACH_ROW} the records' JSON bytes are streamed as they came from Kafka
 * instead ({@code FORMAT JSONEachRow}, unknown fields skipped, ClickHouse parses and checks every value).
 * Rows ClickHouse refuses are isolated by {@code BatchDelivery}. The query id is
 * {@code kz-sink:<batch id>}, so an insert can be found in {@code system.query_log}. Thread-safe.
 */
public final class ClickHouseBatchWriter implements BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseBatchWriter.class);
    private static final int MAX_QUERY_ID = 200;
    /** Bytes of encoded rows handed to the HTTP request at a time. */
    static final int CHUNK_BYTES = 256 * 1024;

    private final Client client;
    private final String database;
    private final Map<String, InsertColumns> columns;
    private final SinkConfig.InsertFormat format;
    private final Duration timeout;

    /**
     * @param columns per table, the insert columns and their types ({@link TableColumns})
     * @param timeout upper bound for one insert request
     */
    public ClickHouseBatchWriter(Client client, String database, Map<String, InsertColumns> columns,
                                 SinkConfig.InsertFormat format, Duration timeout) {
        this.client = client;
        this.database = database;
        this.columns = Map.copyOf(columns);
        this.format = format;
        this.timeout = timeout;
    }

    @Override
    public List<RejectedRow> write(Batch batch) throws InterruptedException {
        InsertColumns cols = columns.get(batch.table());
        if (cols == null) {
            throw new IllegalStateException("no insert columns known for table " + batch.table());
        }
        String queryId = queryId(batch.id());
        InsertSettings settings = new InsertSettings().setQueryId(queryId);
        if (format == SinkConfig.InsertFormat.JSON_EACH_ROW) {
            settings.serverSetting("input_format_skip_unknown_fields", "1");
            insert(batch, cols, out -> writeJson(batch.rows(), out), ClickHouseFormat.JSONEachRow, settings, queryId);
            return List.of();
        }
        RowBinaryStream rows = new RowBinaryStream(batch, cols);
        if (rows.prefill()) {
            insert(batch, cols, rows, ClickHouseFormat.RowBinary, settings, queryId);
        }
        return rows.rejected;
    }

    private void insert(Batch batch, InsertColumns cols, DataStreamWriter body, ClickHouseFormat fmt,
                        InsertSettings settings, String queryId) throws InterruptedException {
        CompletableFuture<InsertResponse> future = client.insert(database + "." + batch.table(), cols.names(), body,
                fmt, settings);
        await(future, queryId);
        LOG.debug("inserted {} rows, query_id {}", batch.size(), queryId);
    }

    /**
     * Encodes the rows of a batch chunk by chunk while the request streams them. The first chunk is encoded
     * before the request starts, so a batch without a single encodable row sends nothing.
     */
    private static final class RowBinaryStream implements DataStreamWriter {
        private final Batch batch;
        private final InsertColumns cols;
        private final List<RejectedRow> rejected = new ArrayList<>(0);
        private RowBinaryEncoder encoder;
        private int next;
        private boolean streamed;

        RowBinaryStream(Batch batch, InsertColumns cols) {
            this.batch = batch;
            this.cols = cols;
        }

        /** Encodes the first chunk; false when there is nothing to send. */
        boolean prefill() {
            encoder = new RowBinaryEncoder(cols, CHUNK_BYTES + 64 * 1024);
            next = 0;
            rejected.clear();
            encodeChunk();
            return encoder.size() > 0;
        }

        private void encodeChunk() {
            List<Row> rows = batch.rows();
            while (next < rows.size() && encoder.size() < CHUNK_BYTES) {
                Row row = rows.get(next++);
                try {
                    encoder.append(row.json());
                } catch (UnencodableRowException e) {
                    rejected.add(new RejectedRow(row, e.reason(), e.detail()));
                }
            }
        }

        @Override
        public void onOutput(OutputStream out) throws IOException {
            if (streamed) { // sent again (a client-side retry): start over
                prefill();
            }
            streamed = true;
            while (encoder.size() > 0) {
                encoder.writeTo(out);
                encodeChunk();
            }
            out.flush();
        }
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
        // one buffered stream: the client would otherwise send every tiny write on its own
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
