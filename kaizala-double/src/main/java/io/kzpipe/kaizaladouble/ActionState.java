package io.kzpipe.kaizaladouble;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One action and its responses, held compactly: seeded responses are described by (seed, action index, response
 * index, version) and generated when read ({@link Responses}); only responses added later and edits are stored.
 * Not thread-safe: {@link Groups} guards every access.
 */
final class ActionState {

    /** Seeded responses arrive within this many seconds after the action was sent. */
    static final int RESPONSE_SPREAD_SECONDS = 3600;

    final String groupId;
    final String actionId;
    final String referenceId;
    final String actionType;
    final String packageId;
    final String title;
    final long seed;
    final int index;
    /** Sent at, whole epoch seconds. */
    final long timeSec;

    private final int seeded;
    private final List<Long> addedTimesSec = new ArrayList<>();
    /** response index -> {version, epoch seconds of that version}. */
    private final Map<Integer, long[]> edits = new HashMap<>();

    ActionState(GroupSeed seed, int index, long timeSec, int seededResponses) {
        this.groupId = seed.groupId();
        this.seed = seed.seed();
        this.index = index;
        this.actionType = seed.actionType();
        this.packageId = seed.packageId();
        this.actionId = uuid("action", index, 0);
        this.referenceId = uuid("reference", index, 0);
        this.title = Responses.title(seed.actionType(), index);
        this.timeSec = timeSec;
        this.seeded = seededResponses;
    }

    int responseCount() {
        return seeded + addedTimesSec.size();
    }

    String responseId(int i) {
        return uuid("response", index, i);
    }

    /** The index of {@code responseId}, or -1. */
    int indexOf(String responseId) {
        for (int i = 0; i < responseCount(); i++) {
            if (responseId(i).equals(responseId)) {
                return i;
            }
        }
        return -1;
    }

    int version(int i) {
        long[] e = edits.get(i);
        return e == null ? 0 : (int) e[0];
    }

    /** The time of the response's current version, epoch seconds. */
    long timeSec(int i) {
        long[] e = edits.get(i);
        if (e != null) {
            return e[1];
        }
        if (i >= seeded) {
            return addedTimesSec.get(i - seeded);
        }
        return timeSec + 1 + random(i, 0).nextInt(RESPONSE_SPREAD_SECONDS);
    }

    /** A new response at {@code atSec}; its index. */
    int add(long atSec) {
        addedTimesSec.add(atSec);
        return responseCount() - 1;
    }

    /** A new version of response {@code i}, at least one second after the previous one. */
    void edit(int i, long nowSec) {
        long at = Math.max(nowSec, timeSec(i) + 1);
        edits.put(i, new long[]{version(i) + 1L, at});
    }

    /** The generator of response {@code i} in version {@code version}: the same inputs, the same answers. */
    SplittableRandom random(int i, int version) {
        long mix = seed * 0x9E3779B97F4A7C15L ^ ((long) index << 32) ^ ((long) i << 8) ^ version;
        return new SplittableRandom(mix ^ groupId.hashCode());
    }

    private String uuid(String kind, int a, int b) {
        String name = kind + "/" + seed + "/" + groupId + "/" + a + "/" + b;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
