package io.kzpipe.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects {@link ChDb} (the current ClickHouse engine, in this JVM) and {@link Engines}
 * (the ClickHouse test server and chDB together) into test methods, lifecycle methods and constructors.
 *
 * <p>One chDB connection per test JVM (chDB allows one per process): opened lazily on first use, shared by
 * every test class (kept in the root {@link ExtensionContext.Store}), closed once when the test plan ends, its
 * data directory deleted. Create your own database with {@link ChDb#createDatabase(String)}. When the library
 * is not installed the first test that asks for it fails with a message saying how to install it (see
 * {@link ChDb}); it is never skipped. {@link Engines} starts the ClickHouse server the same way as
 * {@link ClickHouseExtension} (the same JVM-wide instance), so this extension alone is enough.
 *
 * <p>Comparing the two engines: run the same statements on each and assert that they print the same.
 * <pre>{@code
 * @ExtendWith(ChDbExtension.class)
 * class MigrationsIT {
 *     @Test void sameOnBoth(Engines engines) {
 *         Map<String, String> printed = new LinkedHashMap<>();
 *         for (SqlEngine engine : engines.all()) {          // TestClickHouse (18.16), then ChDb (current)
 *             String db = engine.createDatabase("mig");
 *             engine.query("CREATE TABLE " + db + ".t (...) ENGINE = ReplacingMergeTree(v) ORDER BY id");
 *             engine.insert("INSERT INTO " + db + ".t (id, v) FORMAT JSONEachRow", "{\"id\":1,\"v\":1}\n");
 *             printed.put(engine.name(), engine.query("SELECT * FROM " + db + ".t FINAL ORDER BY id"));
 *         }
 *         assertThat(new HashSet<>(printed.values())).as("%s", printed).hasSize(1);
 *     }
 * }
 * }</pre>
 * Code that has an {@link ExtensionContext} (another extension) uses {@link #chDb(ExtensionContext)} and
 * {@link #engines(ExtensionContext)}.
 */
public final class ChDbExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(ChDbExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == ChDb.class || type == Engines.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == ChDb.class
                ? chDb(extensionContext)
                : engines(extensionContext);
    }

    /** The JVM-wide chDB connection, opened on first call. */
    public static ChDb chDb(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, key -> new Shared(ChDb.open()), Shared.class).chDb;
    }

    /** The JVM-wide ClickHouse test server ({@link ClickHouseExtension#clickHouse}) and chDB connection. */
    public static Engines engines(ExtensionContext context) {
        return new Engines(ClickHouseExtension.clickHouse(context), chDb(context));
    }

    /** The per-JVM connection in the root store; JUnit closes it once when the test plan ends. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit < 5.13; JUnit >= 5.13 closes it as AutoCloseable, once
    static final class Shared implements ExtensionContext.Store.CloseableResource, AutoCloseable {

        private final ChDb chDb;

        Shared(ChDb chDb) {
            this.chDb = chDb;
        }

        @Override
        public void close() {
            chDb.close();
        }
    }
}
