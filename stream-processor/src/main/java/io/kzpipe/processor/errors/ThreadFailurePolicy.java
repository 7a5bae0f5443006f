package io.kzpipe.processor.errors;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The uncaught-exception policy of the processor. A stream thread that dies (e.g. a fenced producer, a
 * state-store I/O error, a production failure) is replaced, at most {@code maxReplacements} times within a
 * sliding {@code window}; the next failure in that window shuts the Streams client down
 * ({@code SHUTDOWN_CLIENT}), which makes the process exit non-zero so that its supervisor restarts it (with
 * a fresh JVM and a visible crash). With exactly-once the failed thread's open transaction is aborted, so
 * neither replacement nor shutdown loses or duplicates output.
 *
 * <p>A thread fenced because another instance joined the group with the same {@code PROCESSOR_INSTANCE_ID}
 * ({@link FencedInstanceIdException}) is never replaced: its replacement would fence the other instance in turn,
 * and the two would take the partitions from each other until both gave up. The client shuts down at once with an
 * error naming the cause, and the other instance keeps running. Which one that is depends on timing: usually the one
 * that joined last, but a thread that was committing when the group rebalanced sees a stale generation first, rejoins,
 * and fences the newcomer instead. Thread-safe.
 */
public final class ThreadFailurePolicy implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadFailurePolicy.class);

    private final int maxReplacements;
    private final Duration window;
    private final LongSupplier nanoTime;
    private final Runnable onFailure;
    private final Deque<Long> replacements = new ArrayDeque<>();

    /**
     * @param onFailure called once per failure (e.g. to count it), before the decision is returned
     */
    public ThreadFailurePolicy(int maxReplacements, Duration window, LongSupplier nanoTime, Runnable onFailure) {
        this.maxReplacements = maxReplacements;
        this.window = window;
        this.nanoTime = nanoTime;
        this.onFailure = onFailure;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        onFailure.run();
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FencedInstanceIdException) {
                LOG.error(
                        "another instance joined the group with this instance's PROCESSOR_INSTANCE_ID (group.instance.id)"
                                + " and fenced it; shutting down. Give every instance its own PROCESSOR_INSTANCE_ID",
                        exception);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        long now = nanoTime.getAsLong();
        while (!replacements.isEmpty() && now - replacements.peekFirst() > window.toNanos()) {
            replacements.removeFirst();
        }
        if (replacements.size() < maxReplacements) {
            replacements.addLast(now);
            LOG.error("stream thread failed; replacing it ({} of {} replacements allowed within {})",
                    replacements.size(), maxReplacements, window, exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
        LOG.error("stream thread failed after {} replacements within {}; shutting down the Streams client",
                replacements.size(), window, exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
