package io.kzpipe.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that injects a {@link TestClickHouse} into test methods, lifecycle methods and
 * constructors.
 *
 * <p>One server per test JVM: started lazily on first use, shared by every test class (kept in the root
 * {@link ExtensionContext.Store}), released once when the test plan ends. Found in this order:
 * <ol>
 *   <li>{@code CLICKHOUSE_URL} (+ {@code CLICKHOUSE_USER}, {@code CLICKHOUSE_PASSWORD}; env vars or system
 *       properties): that server, checked to answer; databases the tests created are dropped at the end
 *       ({@code TESTKIT_KEEP_DATABASES=true} keeps them);</li>
 *   <li>Testcontainers (a current ClickHouse LTS, pinned) when a Docker engine is available;</li>
 *   <li>a private {@code clickhouse-server} from PATH on free ports with its own data directory, stopped by PID
 *       at the end; its server log is kept and named in failure messages.</li>
 * </ol>
 * When none works the first test fails with a message that says what to install or set; it is never skipped.
 */
public final class ClickHouseExtension implements ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(ClickHouseExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestClickHouse.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return clickHouse(extensionContext);
    }

    /** The JVM-wide server, started on first call (for code that has an {@link ExtensionContext}). */
    public static TestClickHouse clickHouse(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, key -> new Shared(startRuntime()), Shared.class).clickHouse;
    }

    private static ClickHouseRuntime startRuntime() {
        String url = Settings.get("CLICKHOUSE_URL");
        if (url != null) {
            return announce(external(url, Settings.getOrDefault("CLICKHOUSE_USER", "default"),
                    Settings.getOrDefault("CLICKHOUSE_PASSWORD", "")));
        }
        List<String> attempts = new ArrayList<>();
        if (Docker.available()) {
            try {
                return announce(ContainerClickHouse.start());
            } catch (RuntimeException e) {
                LOG.warn("ClickHouse container did not start, trying a local clickhouse-server", e);
                attempts.add("Testcontainers: " + e);
            }
        }
        Path binary = LocalClickHouseServer.findBinary();
        if (binary == null) {
            throw noClickHouse(attempts);
        }
        return announce(LocalClickHouseServer.start(binary));
    }

    static IllegalStateException noClickHouse(List<String> attempts) {
        List<String> all = new ArrayList<>(attempts);
        all.add("no clickhouse-server on PATH");
        return new IllegalStateException("No ClickHouse for integration tests (" + String.join("; ", all) + "): "
                + LocalClickHouseServer.INSTALL_HINT + ".");
    }

    /** A server the tests do not own, checked to answer {@code SELECT 1} as {@code user}. */
    static ClickHouseRuntime external(String url, String user, String password) {
        TestClickHouse probe = new TestClickHouse(url, user, password, "CLICKHOUSE_URL", "");
        try {
            probe.query("SELECT 1");
        } catch (ClickHouseQueryException e) {
            throw new IllegalStateException("CLICKHOUSE_URL=" + url + " is set but the server does not answer as "
                    + "user " + user + ": " + e.getMessage() + ". Start that server or fix CLICKHOUSE_USER/"
                    + "CLICKHOUSE_PASSWORD, or unset CLICKHOUSE_URL to let the tests start their own.", e);
        }
        return new ClickHouseRuntime() {
            @Override
            public String httpUrl() {
                return probe.httpUrl();
            }

            @Override
            public String user() {
                return user;
            }

            @Override
            public String password() {
                return password;
            }

            @Override
            public String description() {
                return "CLICKHOUSE_URL";
            }

            @Override
            public String diagnostics() {
                return "";
            }

            @Override
            public boolean ownedByTests() {
                return false;
            }

            @Override
            public void close() {
                // not ours to stop
            }
        };
    }

    private static ClickHouseRuntime announce(ClickHouseRuntime runtime) {
        LOG.info("ClickHouse for integration tests: {} ({}). {}", runtime.httpUrl(), runtime.description(),
                runtime.diagnostics());
        return runtime;
    }

    /** The per-JVM server in the root store; JUnit closes it once when the test plan ends. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit < 5.13; JUnit >= 5.13 closes it as AutoCloseable, once
    static final class Shared implements ExtensionContext.Store.CloseableResource, AutoCloseable {

        private final ClickHouseRuntime runtime;
        private final TestClickHouse clickHouse;

        Shared(ClickHouseRuntime runtime) {
            this.runtime = runtime;
            this.clickHouse = new TestClickHouse(runtime.httpUrl(), runtime.user(), runtime.password(),
                    runtime.description(), runtime.diagnostics());
        }

        @Override
        public void close() {
            if (!runtime.ownedByTests() && !"true".equalsIgnoreCase(Settings.get("TESTKIT_KEEP_DATABASES"))) {
                clickHouse.dropCreatedDatabases();
            }
            LOG.info("Releasing the test ClickHouse ({}). {}", runtime.description(), runtime.diagnostics());
            runtime.close();
        }
    }
}
