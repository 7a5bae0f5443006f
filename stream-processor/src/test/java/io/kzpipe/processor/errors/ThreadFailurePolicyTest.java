package io.kzpipe.processor.errors;

import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
import static org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.junit.jupiter.api.Test;

class ThreadFailurePolicyTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger failures = new AtomicInteger();
    private final ThreadFailurePolicy policy = new ThreadFailurePolicy(2, Duration.ofMinutes(10), now::get,
            failures::incrementAndGet);

    @Test
    void replacesUpToTheLimitWithinTheWindowThenShutsTheClientDown() {
        assertThat(policy.handle(new IllegalStateException("1"))).isEqualTo(REPLACE_THREAD);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(policy.handle(new IllegalStateException("2"))).isEqualTo(REPLACE_THREAD);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(policy.handle(new IllegalStateException("3"))).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(failures).hasValue(3);
    }

    @Test
    void failuresOlderThanTheWindowNoLongerCount() {
        assertThat(policy.handle(new RuntimeException())).isEqualTo(REPLACE_THREAD);
        assertThat(policy.handle(new RuntimeException())).isEqualTo(REPLACE_THREAD);
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertThat(policy.handle(new RuntimeException())).isEqualTo(REPLACE_THREAD);
    }

    @Test
    void zeroReplacementsMeansTheFirstFailureShutsDown() {
        ThreadFailurePolicy strict = new ThreadFailurePolicy(0, Duration.ofMinutes(1), now::get, () -> {});
        assertThat(strict.handle(new RuntimeException())).isEqualTo(SHUTDOWN_CLIENT);
    }

    @Test
    void aThreadFencedByADuplicateInstanceIdShutsTheClientDownAtOnceInsteadOfFencingTheOtherInstanceBack() {
        var fenced = new org.apache.kafka.streams.errors.StreamsException(new FencedInstanceIdException(
                "The broker rejected this static consumer since another consumer with the same group.instance.id has registered with a different member.id."));
        assertThat(policy.handle(fenced)).isEqualTo(SHUTDOWN_CLIENT);
        assertThat(failures).hasValue(1);
        assertThat(policy.handle(new IllegalStateException("unrelated"))).as("no replacement was used up")
                .isEqualTo(REPLACE_THREAD);
    }
}
