package io.kzpipe.testkit;

import java.util.List;

/**
 * The two engines of a comparison test, injected by {@link ChDbExtension}: the ClickHouse server of
 * {@link ClickHouseExtension} (Debian's 18.16 here) and {@link ChDb} (the current engine, in this JVM).
 *
 * @param clickHouse the JVM-wide test server
 * @param chDb the JVM-wide chDB connection
 */
public record Engines(TestClickHouse clickHouse, ChDb chDb) {

    /** Both, server first: run the same statements on each and compare what they print. */
    public List<SqlEngine> all() {
        return List.of(clickHouse, chDb);
    }
}
