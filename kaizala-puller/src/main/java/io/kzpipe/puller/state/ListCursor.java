package io.kzpipe.puller.state;

import io.kzpipe.puller.api.ActionRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where paging through one actions list stands: the next {@code fromDate} and the actions already done at exactly
 * that instant. {@code fromDate} is inclusive and several actions can share an instant, so pages overlap (docs/KAIZALA-API.md):
 * the next page starts at the last instant seen, and its actions named in {@code seenAtFrom} are skipped.
 *
 * @param fromMs     the next {@code fromDate}, epoch ms
 * @param seenAtFrom ids of the actions at {@code fromMs} already published
 */
public record ListCursor(long fromMs, List<String> seenAtFrom) {

    public ListCursor {
        seenAtFrom = List.copyOf(seenAtFrom);
    }

    public static ListCursor at(long fromMs) {
        return new ListCursor(fromMs, List.of());
    }

    /** True when {@code a} was done already (at the cursor's instant and named in {@code seenAtFrom}). */
    public boolean seen(ActionRef a) {
        return timeOf(a) == fromMs && seenAtFrom.contains(a.actionId());
    }

    /**
     * The cursor after {@code done} (the page's actions, all published or skipped as seen): at the latest instant
     * among them, remembering every action at that instant. An action without a readable time counts at the
     * cursor's own instant, so it is remembered rather than repeated.
     */
    public ListCursor after(List<ActionRef> done) {
        long max = fromMs;
        for (ActionRef a : done) {
            max = Math.max(max, timeOf(a));
        }
        Set<String> seen = new LinkedHashSet<>();
        if (max == fromMs) {
            seen.addAll(seenAtFrom);
        }
        for (ActionRef a : done) {
            if (timeOf(a) == max && a.actionId() != null) {
                seen.add(a.actionId());
            }
        }
        return new ListCursor(max, new ArrayList<>(seen));
    }

    private long timeOf(ActionRef a) {
        return a.timeMs() == ActionRef.UNKNOWN ? fromMs : a.timeMs();
    }
}
