package io.kzpipe.gateway.kafka;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The gateway's one way out: publish a record and learn when Kafka has acknowledged it.
 *
 * <p>Contract: {@link #publish} never blocks the caller; the returned future completes normally only after the
 * broker acknowledged the record with the producer's durability settings ({@code acks=all}), and exceptionally
 * on any failure (unreachable broker, timeout, record too large, publisher closed). It always completes.
 */
public interface EventPublisher extends AutoCloseable {

    CompletableFuture<Void> publish(ProducerRecord<String, byte[]> record);

    /** Sends what is buffered and releases the client, waiting at most {@code timeout}. */
    void close(Duration timeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(5));
    }
}
