package io.kzpipe.testkit;

/**
 * A ClickHouse engine that tests send SQL to: the {@link TestClickHouse} server (Debian's 18.16 here, or a
 * container) and {@link ChDb}, the current ClickHouse engine running in this JVM. Tests that run the same
 * statements on both and compare the answers prove the SQL works on both versions. Use
 * {@link ChDbExtension}, which injects both engines at once as {@link Engines}.
 *
 * <p>Only SQL goes through this interface: no HTTP, so nothing here stands in for the application's client.
 * Write the portable way: {@code FORMAT ...} in the SQL when the output format matters, and tables qualified
 * with their database ({@code db.table}).
 */
public interface SqlEngine {

    /** What this engine is, with its version, for test names and failure messages, e.g. {@code chDB 26.7.3 (ClickHouse 26.7.2.1)}. */
    String name();

    /**
     * Runs one statement and returns what it prints, as UTF-8 text: TSV ({@code TabSeparated}) unless the SQL
     * says {@code FORMAT ...}; empty for DDL and inserts.
     *
     * @throws ClickHouseQueryException with the engine's own error text when the statement fails
     */
    String query(String sql);

    /**
     * Runs an {@code INSERT ... FORMAT <fmt>} statement with {@code data} as its payload, e.g.
     * {@code insert("INSERT INTO db.t (a, b) FORMAT JSONEachRow", "{\"a\":1,\"b\":\"x\"}\n")}.
     *
     * @throws ClickHouseQueryException with the engine's own error text when the insert fails
     */
    void insert(String insertStatement, String data);

    /**
     * Creates a fresh database named {@code <prefix>_<8 hex>} and returns its name. Prefix characters other
     * than letters, digits and {@code _} become {@code _}.
     */
    String createDatabase(String prefix);
}
