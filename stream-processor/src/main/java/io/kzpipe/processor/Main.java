package io.kzpipe.processor;

import io.kzpipe.model.config.SettingException;
import io.kzpipe.model.ops.ServiceMetrics;
import io.kzpipe.processor.config.ProcessorConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the stream processor. Exit codes: 143 after SIGTERM (the JVM's code for it; the shutdown
 * hook closes Streams gracefully first), 1 when start-up fails or Kafka Streams stops on its own (state
 * {@code ERROR}, see the thread-failure policy), 2 for an invalid configuration (every problem is logged).
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        ProcessorConfig config;
        try {
            config = ProcessorConfig.fromEnv(System.getenv());
        } catch (SettingException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("starting stream processor: {}", config);
        PrometheusMeterRegistry registry = ServiceMetrics.newRegistry("stream-processor");
        ProcessorApp app = new ProcessorApp(config, registry);
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "processor-shutdown"));
        try {
            app.start();
        } catch (Exception e) {
            if (app.isClosing()) {
                return; // stopped (SIGTERM) during start-up: the shutdown hook finishes the job
            }
            LOG.error("stream processor failed to start", e);
            System.exit(1);
            return;
        }
        State end = app.terminated().join();
        if (!app.isClosing()) {
            LOG.error("Kafka Streams stopped on its own (state {}); exiting", end);
            System.exit(1);
        }
    }
}
