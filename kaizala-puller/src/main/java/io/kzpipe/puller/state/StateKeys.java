package io.kzpipe.puller.state;

/**
 * Keys of the state topic: {@code token} (the Kaizala {@code TokenState}), {@code live/<sourceId>} (a source's
 * {@link SourceCursor}), {@code track/<sourceId>/<actionId>} (a {@link TrackedAction}; a tombstone ends the
 * tracking), {@code backfill/<jobId>} (a {@link BackfillJob}).
 */
public final class StateKeys {

    public static final String TOKEN = "token";
    public static final String BACKFILL_PREFIX = "backfill/";

    private StateKeys() {}

    public static String live(String sourceId) {
        return "live/" + sourceId;
    }

    public static String trackPrefix(String sourceId) {
        return "track/" + sourceId + "/";
    }

    public static String track(String sourceId, String actionId) {
        return trackPrefix(sourceId) + actionId;
    }

    public static String backfill(String jobId) {
        return BACKFILL_PREFIX + jobId;
    }
}
