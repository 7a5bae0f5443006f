package io.kzpipe.sink.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the sink's tests read from a registry. */
public final class MeterCounts {

    private MeterCounts() {}

    /** Count of a counter (summed over matching tags); 0 when absent. */
    public static double count(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
