package io.kzpipe.gateway;

import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.gateway.kafka.KafkaEventPublisher;
import io.kzpipe.gateway.kafka.KafkaReadiness;
import io.kzpipe.model.config.SettingException;
import io.kzpipe.model.ops.ServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: reads {@link GatewayConfig} from the environment (every problem reported, exit code 2), builds
 * the Kafka producer, publisher, readiness check and metrics registry, starts {@link GatewayApp} and closes it
 * from a shutdown hook named {@code gateway-shutdown}. Exit code 1 when start-up fails.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    static final String SERVICE = "ingest-gateway";

    private Main() {}

    public static void main(String[] args) {
        GatewayConfig config;
        try {
            config = GatewayConfig.fromEnv(System.getenv());
        } catch (SettingException e) {
            LOG.error("{}", e.getMessage());
            System.exit(2);
            return;
        }
        LOG.info("starting {} with {}", SERVICE, config);
        GatewayApp app = null;
        try {
            PrometheusMeterRegistry registry = ServiceMetrics.newRegistry(SERVICE);
            KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config.producerProps());
            KafkaEventPublisher publisher = new KafkaEventPublisher(producer, registry);
            KafkaReadiness readiness = new KafkaReadiness(config.kafka(),
                    List.of(config.rawTopic(), config.deadLetterTopic()), config.limits().bodyTopicConfigs(), producer,
                    config.kafkaCheckInterval(), config.publishTimeout());
            app = new GatewayApp(config, publisher, readiness, registry, Clock.systemUTC());
            GatewayApp started = app;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "gateway-shutdown"));
            app.start();
        } catch (RuntimeException e) {
            LOG.error("{} failed to start", SERVICE, e);
            if (app != null) {
                app.close();
            }
            System.exit(1);
        }
    }
}
