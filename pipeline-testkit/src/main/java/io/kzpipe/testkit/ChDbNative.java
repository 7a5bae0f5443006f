package io.kzpipe.testkit;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * The C functions of {@code libchdb.so} (chDB's {@code chdb.h}) that {@link ChDb} calls, bound through JNA.
 * The library exists for x86-64 Linux only, where {@code size_t} is a Java {@code long}. Results are
 * {@code chdb_result*}; {@code chdb_connect} returns a {@code chdb_connection*}, which the query functions take
 * dereferenced and {@code chdb_close_conn} takes as is.
 */
interface ChDbNative extends Library {

    /** The chDB release, e.g. {@code 26.7.3} (not the ClickHouse version). */
    String chdb_version();

    /**
     * 0 = chDB installs no handlers for the deadly signals. Must come before {@code chdb_connect} in a JVM: its
     * own handlers would replace HotSpot's, which implicit null checks depend on.
     */
    void chdb_set_signal_handlers_enabled(int enabled);

    Pointer chdb_connect(int argc, String[] argv);

    void chdb_close_conn(Pointer connectionHandle);

    Pointer chdb_query_n(Pointer connection, byte[] query, long queryLength, byte[] format, long formatLength);

    /** The error text, or null when the query succeeded. */
    Pointer chdb_result_error(Pointer result);

    /** The output (null or length 0 for statements without output). */
    Pointer chdb_result_buffer(Pointer result);

    long chdb_result_length(Pointer result);

    void chdb_destroy_query_result(Pointer result);
}
