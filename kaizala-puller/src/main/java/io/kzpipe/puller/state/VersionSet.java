package io.kzpipe.puller.state;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * The response versions of one action already published, as 64-bit fingerprints ({@code ResponseMapper}): a
 * re-read publishes only what is not in it. Stored as Base64 of the sorted fingerprints (8 bytes each: 10,000
 * responses take about 107 KB of state, far below a record's limit). Not thread-safe.
 */
public final class VersionSet {

    private long[] sorted;

    private VersionSet(long[] sorted) {
        this.sorted = sorted;
    }

    public static VersionSet empty() {
        return new VersionSet(new long[0]);
    }

    public static VersionSet decode(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return empty();
        }
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(encoded));
        long[] out = new long[b.remaining() / Long.BYTES];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getLong();
        }
        Arrays.sort(out);
        return new VersionSet(out);
    }

    public boolean contains(long fingerprint) {
        return Arrays.binarySearch(sorted, fingerprint) >= 0;
    }

    /** Adds {@code fingerprint}; false when it was there already. */
    public boolean add(long fingerprint) {
        int at = Arrays.binarySearch(sorted, fingerprint);
        if (at >= 0) {
            return false;
        }
        int insert = -at - 1;
        long[] next = new long[sorted.length + 1];
        System.arraycopy(sorted, 0, next, 0, insert);
        next[insert] = fingerprint;
        System.arraycopy(sorted, insert, next, insert + 1, sorted.length - insert);
        sorted = next;
        return true;
    }

    public int size() {
        return sorted.length;
    }

    public String encode() {
        ByteBuffer b = ByteBuffer.allocate(sorted.length * Long.BYTES);
        for (long f : sorted) {
            b.putLong(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
