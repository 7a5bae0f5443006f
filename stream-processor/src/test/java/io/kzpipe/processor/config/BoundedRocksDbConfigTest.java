package io.kzpipe.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kzpipe.model.config.SettingException;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbConfigTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void everyStoreSharesOneBoundedCacheAndSmallMemtables() {
        BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
        try (Options a = new Options().setTableFormatConfig(new BlockBasedTableConfig());
                Options b = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            setter.setConfig("dedup-event-ids.1", a, Map.of(BoundedRocksDbConfig.MEMORY_BYTES_CONFIG, 8L << 20));
            setter.setConfig("dedup-event-ids.2", b, Map.of());

            BoundedRocksDbConfig.Shared shared = BoundedRocksDbConfig.shared(1L << 30); // already created: same
            for (Options o : new Options[]{a, b}) {
                assertThat(o.writeBufferSize()).isLessThanOrEqualTo(BoundedRocksDbConfig.MEMTABLE_BYTES);
                assertThat(o.maxWriteBufferNumber()).isEqualTo(2);
                BlockBasedTableConfig t = (BlockBasedTableConfig) o.tableFormatConfig();
                assertThat(t.cacheIndexAndFilterBlocks()).isTrue();
                assertThat(t.pinTopLevelIndexAndFilter()).isTrue();
            }
            assertThat(shared.budgetBytes()).isLessThan(1L << 30);
            assertThat(BoundedRocksDbConfig.shared(123L << 20)).isSameAs(shared);
            setter.close("dedup-event-ids.1", a); // must not close the shared cache
            assertThat(shared.cache().isOwningHandle()).isTrue();
        }
    }

    @Test
    void theBudgetIsReadFromTheStreamsPropertyAndCheckedAtStartUp() {
        assertThat(BoundedRocksDbConfig.budget(null)).isEqualTo(BoundedRocksDbConfig.DEFAULT_MEMORY_BYTES);
        assertThat(BoundedRocksDbConfig.budget("33554432")).isEqualTo(32L << 20);
        assertThat(BoundedRocksDbConfig.budget(64L << 20)).isEqualTo(64L << 20);
        assertThatThrownBy(() -> BoundedRocksDbConfig.budget(1000)).isInstanceOf(IllegalArgumentException.class);

        Properties p = ProcessorConfig.fromEnv(Map.of("PROCESSOR_ROCKSDB_MEMORY_BYTES", "33554432"))
                .streamsProperties();
        assertThat(p)
                .containsEntry(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName())
                .containsEntry(BoundedRocksDbConfig.MEMORY_BYTES_CONFIG, 32L << 20);
        assertThat(ProcessorConfig.fromEnv(Map.of()).streamsProperties())
                .containsEntry(BoundedRocksDbConfig.MEMORY_BYTES_CONFIG, BoundedRocksDbConfig.DEFAULT_MEMORY_BYTES);
        assertThatThrownBy(() -> ProcessorConfig.fromEnv(Map.of("PROCESSOR_ROCKSDB_MEMORY_BYTES", "1000")))
                .isInstanceOf(SettingException.class)
                .hasMessageContaining("PROCESSOR_ROCKSDB_MEMORY_BYTES");
    }
}
