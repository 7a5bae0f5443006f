package io.kzpipe.model.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics at start-up so a fresh broker just works. Existing topics are left as they are
 * (their partition count is never changed). Safe to run concurrently from several services.
 */
public final class TopicBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(TopicBootstrap.class);

    private TopicBootstrap() {}

    /**
     * Ensures {@code topics} exist, creating missing ones with the configured partitions and replication.
     *
     * @throws IllegalStateException when the broker cannot be reached or refuses within {@code timeout}
     */
    public static void ensure(KafkaSettings settings, Collection<String> topics, Duration timeout) {
        ensure(settings, topics, Map.of(), timeout);
    }

    /**
     * Like {@link #ensure(KafkaSettings, Collection, Duration)}, creating missing topics with the given topic-level
     * settings (e.g. {@code max.message.bytes}). Settings of existing topics are not changed.
     */
    public static void ensure(KafkaSettings settings, Collection<String> topics, Map<String, String> topicConfigs,
            Duration timeout) {
        Admin admin = Admin.create(settings.adminProps());
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream()
                    .distinct()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, settings.topicPartitions(), settings.topicReplication())
                            .configs(topicConfigs))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("created topic {} ({} partitions, replication {})", entry.getKey(),
                            settings.topicPartitions(), settings.topicReplication());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, missing.stream().map(NewTopic::name).toList(), timeout);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("cannot create topics on " + settings.bootstrapServers() + ": " + cause,
                    cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } finally {
            // bounded: a plain close() waits for abandoned calls until default.api.timeout.ms (60 s)
            admin.close(timeout);
        }
    }

    /**
     * A created topic is committed by the controller before every broker serves its metadata: a Streams client that
     * subscribes in that window fails its first assignment (missing source topics) and replaces its stream thread.
     * Waits until a broker describes every partition of {@code topics} with a leader.
     */
    private static void awaitLeaders(Admin admin, Collection<String> topics, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                boolean led = admin.describeTopics(topics)
                        .allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .values()
                        .stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
                if (led) {
                    return;
                }
            } catch (ExecutionException e) {
                LOG.debug("created topics not described yet: {}", e.getCause().toString());
            }
            if (System.nanoTime() >= deadline) {
                throw new TimeoutException("created topics " + topics + " have no leader after " + timeout);
            }
            Thread.sleep(100); // polling the broker's metadata; no event to wait for
        }
    }

    /**
     * Waits until every one of {@code topics} exists, without creating any (for a reader of a topic that another
     * service creates with settings the reader does not know, e.g. {@code max.message.bytes}).
     *
     * @return false when one is still missing after {@code timeout}, or the broker could not be asked
     */
    public static boolean awaitExisting(KafkaSettings settings, Collection<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Admin admin = Admin.create(settings.adminProps());
        try {
            while (true) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                try {
                    if (admin.listTopics().names().get(left, TimeUnit.MILLISECONDS).containsAll(topics)) {
                        return true;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("cannot list topics on {}: {}", settings.bootstrapServers(), e.toString());
                }
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(Math.min(500, left)); // polling the broker's topic list; no event to wait for
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            admin.close(timeout);
        }
    }
}
