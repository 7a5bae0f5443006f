package io.kzpipe.kaizaladouble;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every API call in arrival order, for tests that measure a client (e.g. its calls per minute). Thread-safe. */
final class CallLog {

    private static final long MINUTE_MS = Duration.ofMinutes(1).toMillis();

    private final List<Call> calls = new ArrayList<>();

    synchronized void add(Call call) {
        calls.add(call);
    }

    synchronized List<Call> all() {
        return List.copyOf(calls);
    }

    synchronized void clear() {
        calls.clear();
    }

    /**
     * The most calls (any status) that arrived within any 60 s window {@code [t, t + 60 s)}: what a "no more than N
     * calls in any minute" budget is checked against.
     */
    synchronized int maxCallsInAnyMinute() {
        long[] times = calls.stream().mapToLong(c -> c.time().toEpochMilli()).sorted().toArray();
        int best = 0;
        int from = 0;
        for (int to = 0; to < times.length; to++) {
            while (times[to] - times[from] >= MINUTE_MS) {
                from++;
            }
            best = Math.max(best, to - from + 1);
        }
        return best;
    }
}
