package io.kzpipe.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that injects a {@link TestKafka} into test methods, lifecycle methods and constructors.
 *
 * <p>One broker per test JVM: started lazily on first use, shared by every test class in the JVM (kept in the
 * root {@link ExtensionContext.Store}), closed once when the test plan ends. Found in this order:
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} (env var or system property): that broker, checked to be reachable;</li>
 *   <li>Testcontainers ({@code apache/kafka}, KRaft) when a Docker engine is available;</li>
 *   <li>an in-process single-node KRaft cluster from Kafka's own test kit.</li>
 * </ol>
 * When none works the first test fails with a message that says what to install or set; it is never skipped.
 */
public final class KafkaExtension implements ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return kafka(extensionContext);
    }

    /** The JVM-wide broker, started on first call (for code that has an {@link ExtensionContext}). */
    public static TestKafka kafka(ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, key -> new Shared(startRuntime()), Shared.class).kafka;
    }

    private static KafkaRuntime startRuntime() {
        String configured = Settings.get("KAFKA_BOOTSTRAP_SERVERS");
        if (configured != null) {
            return announce(external(configured));
        }
        List<String> attempts = new ArrayList<>();
        if (Docker.available()) {
            try {
                return announce(ContainerKafka.start());
            } catch (RuntimeException e) {
                LOG.warn("Kafka container did not start, trying the in-process broker", e);
                attempts.add("Testcontainers: " + e);
            }
        } else {
            attempts.add("Testcontainers: no Docker engine");
        }
        try {
            return announce(InProcessKafka.start());
        } catch (Exception | LinkageError e) {
            attempts.add("in-process KafkaClusterTestKit: " + e);
            IllegalStateException failure = new IllegalStateException("No Kafka broker for integration tests. Tried: "
                    + String.join("; ", attempts) + ". Fix one of: set KAFKA_BOOTSTRAP_SERVERS=host:port of a running "
                    + "broker (e.g. the one `./pipeline up` starts on 127.0.0.1:9092); start a Docker engine; or keep "
                    + "org.apache.kafka:kafka-test-common-runtime and kafka_2.13 (4.2.1) on the test classpath "
                    + "(pipeline-testkit brings them).", e);
            throw failure;
        }
    }

    /** A broker the tests do not own, checked to answer metadata requests within 15 s. */
    static KafkaRuntime external(String bootstrapServers) {
        Map<String, Object> props = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                15_000);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("KAFKA_BOOTSTRAP_SERVERS=" + bootstrapServers + " is set but no broker "
                    + "answered within 15 s (" + e
                    + "). Start that broker, or unset KAFKA_BOOTSTRAP_SERVERS to let the " + "tests start their own.",
                    e);
        }
        return new KafkaRuntime() {
            @Override
            public String bootstrapServers() {
                return bootstrapServers;
            }

            @Override
            public String description() {
                return "KAFKA_BOOTSTRAP_SERVERS";
            }

            @Override
            public void close() {
                // not ours to stop
            }
        };
    }

    private static KafkaRuntime announce(KafkaRuntime runtime) {
        LOG.info("Kafka for integration tests: {} ({})", runtime.bootstrapServers(), runtime.description());
        return runtime;
    }

    /** The per-JVM broker in the root store; JUnit closes it once when the test plan ends. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit < 5.13; JUnit >= 5.13 closes it as AutoCloseable, once
    static final class Shared implements ExtensionContext.Store.CloseableResource, AutoCloseable {

        private final KafkaRuntime runtime;
        private final TestKafka kafka;

        Shared(KafkaRuntime runtime) {
            this.runtime = runtime;
            this.kafka = new TestKafka(runtime.bootstrapServers(), runtime.description());
        }

        @Override
        public void close() {
            LOG.info("Stopping the test Kafka ({})", runtime.description());
            runtime.close();
        }
    }
}
