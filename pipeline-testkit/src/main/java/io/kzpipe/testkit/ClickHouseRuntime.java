package io.kzpipe.testkit;

/** A running ClickHouse behind {@link ClickHouseExtension}: endpoint, credentials, origin, how to release it. */
interface ClickHouseRuntime extends AutoCloseable {

    /** {@code http://host:port}, no trailing slash. */
    String httpUrl();

    String user();

    String password();

    String description();

    /** Where to look when something fails (e.g. the server log), or an empty string. */
    String diagnostics();

    /** True when the server was started for this JVM (its data disappears with it). */
    boolean ownedByTests();

    /** Releases the server; called exactly once, at the end of the test JVM's test plan. */
    @Override
    void close();
}
