package io.kzpipe.model.record;

/**
 * Orders the versions of one response so that the latest edit wins even when deliveries are reordered.
 *
 * <p>An edit ({@code isUpdateResponse=true}) always outranks an original; among edits (or originals) the
 * later time wins, where the time is the hidden {@code ResponseTime} answer when present, else the gateway
 * receive time. Encoded as {@code (isUpdate ? 2^62 : 0) + timeMs}, a non-negative long that fits
 * ClickHouse's {@code UInt64}.
 */
public final class ResponseVersion {

    static final long UPDATE_BIT = 1L << 62;
    private static final long MAX_TIME_MS = UPDATE_BIT - 1;

    private ResponseVersion() {}

    public static long of(boolean isUpdate, Long responseTimeMs, long receivedAtMs) {
        long time = responseTimeMs != null ? responseTimeMs : receivedAtMs;
        long clamped = Math.max(0, Math.min(time, MAX_TIME_MS));
        return isUpdate ? UPDATE_BIT + clamped : clamped;
    }
}
