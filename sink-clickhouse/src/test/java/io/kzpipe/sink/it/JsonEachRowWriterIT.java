package io.kzpipe.sink.it;

import io.kzpipe.sink.config.SinkConfig;

/** {@link ClickHouseWriterContract} with {@code SINK_INSERT_FORMAT=JSONEachRow}. */
class JsonEachRowWriterIT extends ClickHouseWriterContract {

    @Override
    SinkConfig.InsertFormat format() {
        return SinkConfig.InsertFormat.JSON_EACH_ROW;
    }
}
