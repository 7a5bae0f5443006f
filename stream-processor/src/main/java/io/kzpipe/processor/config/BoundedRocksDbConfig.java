package io.kzpipe.processor.config;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of every RocksDB instance of the processor (the dedup store: one instance per
 * task and window segment) by one shared budget, as the Kafka Streams memory-management guide recommends.
 * Set as {@code rocksdb.config.setter} by {@link ProcessorConfig}.
 *
 * <p>Without it, each instance gets Streams' defaults: its own 50 MiB block cache and up to three 16 MiB
 * memtables, i.e. up to about 100 MiB per instance, and the window store of a 3-partition topic has up to
 * nine instances. With it, all instances of the JVM share one LRU block cache of
 * {@code PROCESSOR_ROCKSDB_MEMORY_BYTES} (default 16 MiB; Streams property {@value #MEMORY_BYTES_CONFIG}) that also holds
 * index and filter blocks and is charged with the memtables (a {@link WriteBufferManager} of half the
 * budget: memtables are flushed when together they exceed it). Memtables are 2 MiB, at most two per
 * instance. The dedup store's entries are tiny (event id, timestamp), so this costs no measurable speed.
 *
 * <p>The cache and the write-buffer manager are created once per JVM, by the first store that opens, with
 * that store's configured size; later stores (also of other Streams clients in the same JVM) share them.
 * They are never closed, since any open store may still use them. Thread-safe.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {

    /** Streams property carrying the budget in bytes (set from {@code PROCESSOR_ROCKSDB_MEMORY_BYTES}). */
    public static final String MEMORY_BYTES_CONFIG = "kzpipe.processor.rocksdb.memory.bytes";

    public static final long DEFAULT_MEMORY_BYTES = 16L * 1024 * 1024;
    static final long MEMTABLE_BYTES = 2L * 1024 * 1024;
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;

    private static Shared shared;

    /** The cache and write-buffer manager every store of this JVM uses. */
    record Shared(long budgetBytes, Cache cache, WriteBufferManager writeBufferManager) {}

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared s = shared(budget(configs.get(MEMORY_BYTES_CONFIG)));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(s.cache());
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(s.writeBufferManager());
        options.setWriteBufferSize(Math.min(MEMTABLE_BYTES, s.budgetBytes() / 4));
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(String storeName, Options options) {
        // the cache and the write-buffer manager are shared by every store of the JVM: never closed here
    }

    static synchronized Shared shared(long budgetBytes) {
        if (shared == null) {
            Cache cache = new LRUCache(budgetBytes, -1, false, HIGH_PRIORITY_POOL_RATIO);
            shared = new Shared(budgetBytes, cache, new WriteBufferManager(budgetBytes / 2, cache));
        }
        return shared;
    }

    static long budget(Object configured) {
        if (configured == null) {
            return DEFAULT_MEMORY_BYTES;
        }
        long v = configured instanceof Number n ? n.longValue() : Long.parseLong(configured.toString().trim());
        if (v < 1024 * 1024) {
            throw new IllegalArgumentException(MEMORY_BYTES_CONFIG + " must be at least 1 MiB, got " + v);
        }
        return v;
    }
}
