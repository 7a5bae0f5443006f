package io.kzpipe.e2e;

import io.kzpipe.testkit.ClickHouseExtension;
import io.kzpipe.testkit.KafkaBrokerProcess;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One {@link PipelineStack} for every puller IT class of the test JVM (started on first use, stopped at the end of
 * the test plan), so the puller tests pay for one stack. It runs on a broker of its own that enforces retention every
 * second (Kafka's default checks every 5 minutes), so a short topic retention acts within a test
 * ({@code PulledConvergenceIT}).
 */
final class PullerStackExtension implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(PullerStackExtension.class);

    /** The broker and the stack on it; closed by JUnit with the root context. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit < 5.13; JUnit >= 5.13 closes it as AutoCloseable, once
    private static final class Shared implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final KafkaBrokerProcess broker;
        final PipelineStack stack;

        Shared(ExtensionContext context) {
            broker = KafkaBrokerProcess.launch(Map.of("log.retention.check.interval.ms", "1000"));
            try {
                stack = PipelineStack.start("puller", 3, broker.kafka(), ClickHouseExtension.clickHouse(context));
            } catch (RuntimeException | Error e) {
                broker.close();
                throw e;
            }
        }

        @Override
        public void close() {
            stack.close();
            broker.close();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PipelineStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(Shared.class, key -> new Shared(context), Shared.class).stack;
    }
}
