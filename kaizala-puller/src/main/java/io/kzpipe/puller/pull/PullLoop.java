package io.kzpipe.puller.pull;

import io.kzpipe.puller.api.ApiClient;
import io.kzpipe.puller.api.ApiException;
import io.kzpipe.puller.config.PullSource;
import io.kzpipe.puller.state.StateStore;
import io.kzpipe.puller.state.TokenKeeper;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The puller's one working thread: polls each source when its interval is due, runs backfill pages in between,
 * and otherwise waits (at most {@link #IDLE}, so a new backfill job starts within about a second). A Kaizala failure
 * is logged and the source polled again at its next interval; a Kafka failure aborts the page (fetched again next
 * time); a fatal one (fenced by another instance with the same {@code PULLER_INSTANCE_ID}, not authorized) ends the
 * loop, and the process exits non-zero.
 */
public final class PullLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PullLoop.class);
    static final Duration IDLE = Duration.ofSeconds(1);
    /** Pause after a Kafka error before the loop goes on. */
    static final Duration KAFKA_RETRY = Duration.ofSeconds(2);

    /** What the loop is doing, for {@code /health/ready}. */
    public enum State {
        STARTING, RUNNING, STOPPED, FAILED
    }

    private final List<PullSource> sources;
    private final Duration interval;
    private final Puller puller;
    private final Backfills backfills;
    private final StateStore store;
    private final TokenKeeper tokens;
    private final ApiClient client;
    private final Clock clock;
    private final Map<String, Long> due = new HashMap<>();
    private volatile State state = State.STARTING;
    private volatile Throwable failure;
    private volatile boolean stopping;
    private long nextTokenAttempt;

    public PullLoop(List<PullSource> sources, Duration interval, Puller puller, Backfills backfills, StateStore store,
            TokenKeeper tokens, ApiClient client, Clock clock) {
        this.sources = List.copyOf(sources);
        this.interval = interval;
        this.puller = puller;
        this.backfills = backfills;
        this.store = store;
        this.tokens = tokens;
        this.client = client;
        this.clock = clock;
    }

    public State state() {
        return state;
    }

    /** The fatal error that ended the loop, or {@code null}. */
    public Throwable failure() {
        return failure;
    }

    /** Asks the loop to end after its current step. */
    public void stop() {
        stopping = true;
    }

    @Override
    public void run() {
        state = State.RUNNING;
        try {
            while (!stopping && !Thread.currentThread().isInterrupted()) {
                try {
                    step();
                } catch (ProducerFencedException | AuthorizationException | IllegalStateException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warn("Kafka failed ({}); the page is fetched again", e.toString());
                    Thread.sleep(KAFKA_RETRY.toMillis());
                }
            }
            state = State.STOPPED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state = State.STOPPED;
        } catch (RuntimeException | Error e) {
            LOG.error("the pull loop stops: {}", e.toString(), e);
            failure = e;
            state = State.FAILED;
        }
    }

    private void step() throws InterruptedException {
        tokens.flush();
        store.pollExternal();
        ensureToken();
        long now = clock.millis();
        for (PullSource s : sources) {
            if (due.getOrDefault(s.id(), 0L) <= now) {
                due.put(s.id(), now + interval.toMillis());
                try {
                    puller.poll(s);
                } catch (ApiException e) {
                    LOG.warn("poll of {} failed: {}; next poll in {} s", s.id(), e.getMessage(), interval.toSeconds());
                }
                return;
            }
        }
        try {
            if (backfills.step()) {
                return;
            }
        } catch (ApiException e) {
            LOG.warn("backfill page failed: {}; retrying in {} s", e.getMessage(), interval.toSeconds());
            Thread.sleep(Math.min(interval.toMillis(), Duration.ofSeconds(30).toMillis()));
            return;
        }
        long nextDue = due.values().stream().mapToLong(Long::longValue).min().orElse(now + IDLE.toMillis());
        Thread.sleep(Math.max(1, Math.min(IDLE.toMillis(), nextDue - now)));
    }

    /** Keeps trying for a token while Kaizala is not known reachable (readiness needs one). */
    private void ensureToken() throws InterruptedException {
        long now = clock.millis();
        if (client.reachable() || now < nextTokenAttempt) {
            return;
        }
        nextTokenAttempt = now + Math.min(interval.toMillis(), Duration.ofSeconds(30).toMillis());
        try {
            client.accessToken();
        } catch (ApiException e) {
            LOG.warn("no Kaizala access token: {}", e.getMessage());
        }
    }
}
