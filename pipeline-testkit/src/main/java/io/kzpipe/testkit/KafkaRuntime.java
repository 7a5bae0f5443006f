package io.kzpipe.testkit;

/** A running broker behind {@link KafkaExtension}: where it is, where it came from, and how to release it. */
interface KafkaRuntime extends AutoCloseable {

    String bootstrapServers();

    String description();

    /** Releases the broker; called exactly once, at the end of the test JVM's test plan. */
    @Override
    void close();
}
