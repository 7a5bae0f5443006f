package io.kzpipe.gateway.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EventPublisher} backed by a Kafka {@link Producer} (a {@code KafkaProducer} in production, a
 * {@code MockProducer} in tests). The producer's own settings bound every wait (see
 * {@code ProducerProperties}): {@code max.block.ms=0} keeps {@code send()} from blocking, and
 * {@code delivery.timeout.ms} fails a record that was not acknowledged in time. Thread-safe.
 */
public final class KafkaEventPublisher implements EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventPublisher.class);

    private final Producer<String, byte[]> producer;
    private final KafkaClientMetrics clientMetrics;

    /** Takes ownership of {@code producer} (closed by {@link #close}) and binds its metrics to {@code registry}. */
    public KafkaEventPublisher(Producer<String, byte[]> producer, MeterRegistry registry) {
        this.producer = producer;
        this.clientMetrics = new KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
    }

    @Override
    public CompletableFuture<Void> publish(ProducerRecord<String, byte[]> record) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    acked.complete(null);
                } else {
                    acked.completeExceptionally(exception);
                }
            });
        } catch (RuntimeException e) {
            // metadata not available, buffer full, record too large, producer closed: nothing was sent
            acked.completeExceptionally(e);
        }
        return acked;
    }

    @Override
    public void close(Duration timeout) {
        LOG.info("flushing and closing the Kafka producer (timeout {})", timeout);
        try {
            producer.close(timeout);
        } finally {
            clientMetrics.close();
        }
    }
}
