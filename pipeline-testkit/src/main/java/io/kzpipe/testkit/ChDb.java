package io.kzpipe.testkit;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current ClickHouse engine in this JVM: chDB's {@code libchdb.so} loaded through JNA, with its own data
 * directory (MergeTree tables, views, {@code FINAL}, inline {@code INSERT ... FORMAT} data; clickhouse-local
 * semantics, session time zone UTC like the test server). There is no HTTP or native protocol, so it serves
 * SQL only, not the application's ClickHouse client. Tests get the one shared instance from
 * {@link ChDbExtension}; {@link #open()} is for code without JUnit.
 *
 * <p>chDB allows one connection per process: {@link #open()} refuses a second one while one is open, and every
 * call is synchronized. {@link #close()} closes the connection and deletes the data directory.
 *
 * <p>The library is {@code CHDB_LIBRARY} (environment variable or system property: absolute path of
 * {@code libchdb.so}), else {@link #defaultLibrary()}, where {@code ./pipeline test} installs it. When it is
 * missing, {@link #open()} fails with a message that says how to install it; tests never skip.
 */
public final class ChDb implements SqlEngine, AutoCloseable {

    /** Environment variable (or system property) naming the {@code libchdb.so} to load, as an absolute path. */
    public static final String LIBRARY_SETTING = "CHDB_LIBRARY";

    private static final Logger LOG = LoggerFactory.getLogger(ChDb.class);
    private static final byte[] DEFAULT_FORMAT = "TabSeparated".getBytes(StandardCharsets.US_ASCII);
    private static final AtomicBoolean OPEN = new AtomicBoolean();
    private static final Properties RELEASE = release();

    /** chDB's npm package ({@code @chdb/lib-linux-x64-gnu}). */
    static final String NPM_PACKAGE = RELEASE.getProperty("npm.package");
    /** The pinned chDB build (from {@code chdb.properties}, which the install script reads too). */
    public static final String VERSION = RELEASE.getProperty("version");

    private final ChDbNative lib;
    private final Path dataDir;
    private final Pointer connectionHandle;
    private final Pointer connection;
    private final String name;
    private final List<String> restoredSignals;
    private boolean closed;

    private ChDb(Path library) {
        try {
            lib = Native.load(library.toString(), ChDbNative.class);
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("Cannot load chDB from " + library + " (" + e.getMessage() + "). "
                    + installHint(defaultLibrary().getParent().getParent()), e);
        }
        dataDir = Settings.newRunDir("chdb");
        String[] argv = {"clickhouse", "--path=" + dataDir, "--session_timezone=UTC"};
        SignalGuard signals = SignalGuard.snapshot();
        lib.chdb_set_signal_handlers_enabled(0);
        Pointer handle = lib.chdb_connect(argv.length, argv);
        restoredSignals = signals.restoreChanged();
        if (!restoredSignals.isEmpty()) {
            LOG.warn(
                    "chDB changed the JVM's handlers for {} despite chdb_set_signal_handlers_enabled(0); restored them",
                    restoredSignals);
        }
        if (handle == null || handle.getPointer(0) == null) {
            Settings.deleteTree(dataDir);
            throw new IllegalStateException(
                    "chdb_connect failed for data directory " + dataDir + " (library " + library + ")");
        }
        connectionHandle = handle;
        connection = handle.getPointer(0);
        String version;
        try {
            version = run("SELECT version()", "chDB").trim();
        } catch (RuntimeException e) {
            lib.chdb_close_conn(handle);
            Settings.deleteTree(dataDir);
            throw e;
        }
        name = "chDB " + lib.chdb_version() + " (ClickHouse " + version + ")";
        LOG.info("{} in this JVM: library {}, data {}", name, library, dataDir);
    }

    /**
     * Loads chDB (once per JVM) and connects with a fresh data directory under {@code target/testkit}.
     *
     * @throws IllegalStateException when the library is missing (the message says how to install it), cannot be
     *         loaded, or another {@code ChDb} is still open in this JVM
     */
    public static ChDb open() {
        Path library = library();
        if (!OPEN.compareAndSet(false, true)) {
            throw new IllegalStateException("A chDB connection is already open in this JVM and chDB allows one per "
                    + "process: share it (ChDbExtension injects the JVM-wide one)");
        }
        try {
            return new ChDb(library);
        } catch (RuntimeException | Error e) {
            OPEN.set(false);
            throw e;
        }
    }

    /** Where {@code ./pipeline test} installs the pinned build: {@code ~/.cache/chdb/<VERSION>/package/libchdb.so}. */
    public static Path defaultLibrary() {
        return Path.of(System.getProperty("user.home"), ".cache", "chdb", VERSION, "package", "libchdb.so");
    }

    /** {@code CHDB_LIBRARY} when set, else {@link #defaultLibrary()}; checked to exist. */
    static Path library() {
        String configured = Settings.get(LIBRARY_SETTING);
        if (configured == null) {
            Path path = defaultLibrary();
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException("chDB (the current ClickHouse engine as a library, for tests) is not "
                        + "installed: no " + path + ". " + installHint(path.getParent().getParent()));
            }
            return path;
        }
        Path path = Path.of(configured);
        if (!path.isAbsolute() || !Files.isRegularFile(path)) {
            throw new IllegalStateException(LIBRARY_SETTING + "=" + configured + " is not the absolute path of an "
                    + "existing libchdb.so. " + installHint(defaultLibrary().getParent().getParent()));
        }
        return path;
    }

    /** How to install the pinned build into {@code dir} ({@code .../<VERSION>}), and which setting to use instead. */
    static String installHint(Path dir) {
        String archive = NPM_PACKAGE.replace("@", "").replace('/', '-') + "-" + VERSION + ".tgz";
        return "Install it with `./pipeline test` (needs npm; it installs chDB " + VERSION + " before the tests), or "
                + "by hand: `mkdir -p " + dir + " && cd " + dir + " && npm pack " + NPM_PACKAGE + "@" + VERSION
                + " && tar xzf " + archive + " && rm " + archive + "`. Or set " + LIBRARY_SETTING
                + " (environment variable or -D system property) to the absolute path of a libchdb.so.";
    }

    /** {@code chDB <release> (ClickHouse <version>)}, e.g. {@code chDB 26.7.3 (ClickHouse 26.7.2.1)}. */
    @Override
    public String name() {
        return name;
    }

    /** The data directory of this connection (deleted on {@link #close()}). */
    public Path dataDir() {
        return dataDir;
    }

    /** The signals whose JVM handler chDB replaced while connecting and {@link SignalGuard} put back (none expected). */
    List<String> restoredSignals() {
        return restoredSignals;
    }

    @Override
    public synchronized String query(String sql) {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
        return run(sql, name);
    }

    /** Sends {@code insertStatement}, a newline and {@code data} as one query: chDB reads inline insert data. */
    @Override
    public void insert(String insertStatement, String data) {
        query(insertStatement + "\n" + data);
    }

    @Override
    public String createDatabase(String prefix) {
        String database = TestClickHouse.uniqueDatabaseName(prefix);
        query("CREATE DATABASE " + database);
        return database;
    }

    /** Closes the connection and deletes the data directory; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lib.chdb_close_conn(connectionHandle);
        } finally {
            Settings.deleteTree(dataDir);
            OPEN.set(false);
            LOG.info("{} closed, data directory deleted", name);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private String run(String sql, String engine) {
        byte[] query = sql.getBytes(StandardCharsets.UTF_8);
        Pointer result = lib.chdb_query_n(connection, query, query.length, DEFAULT_FORMAT, DEFAULT_FORMAT.length);
        if (result == null) {
            throw new ClickHouseQueryException(engine, sql, "chdb_query_n returned no result");
        }
        try {
            Pointer error = lib.chdb_result_error(result);
            String message = error == null ? "" : error.getString(0, StandardCharsets.UTF_8.name()).trim();
            if (!message.isEmpty()) {
                throw new ClickHouseQueryException(engine, sql, message);
            }
            Pointer buffer = lib.chdb_result_buffer(result);
            long length = lib.chdb_result_length(result);
            if (buffer == null || length <= 0) {
                return "";
            }
            if (length > Integer.MAX_VALUE - 16) {
                throw new ClickHouseQueryException(engine, sql,
                        "result of " + length + " bytes is too large for a String");
            }
            return new String(buffer.getByteArray(0, (int) length), StandardCharsets.UTF_8);
        } finally {
            lib.chdb_destroy_query_result(result);
        }
    }

    private static Properties release() {
        Properties properties = new Properties();
        try (InputStream in = ChDb.class.getResourceAsStream("chdb.properties")) {
            if (in == null) {
                throw new IllegalStateException("chdb.properties is missing from the test kit's classpath");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
