package io.kzpipe.sink.it;

import io.kzpipe.sink.config.SinkConfig;

/** {@link ClickHouseWriterContract} with {@code SINK_INSERT_FORMAT=RowBinary}. */
class RowBinaryWriterIT extends ClickHouseWriterContract {

    @Override
    SinkConfig.InsertFormat format() {
        return SinkConfig.InsertFormat.ROW_BINARY;
    }
}
