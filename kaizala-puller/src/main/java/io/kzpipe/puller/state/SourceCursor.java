package io.kzpipe.puller.state;

import java.util.HashMap;
import java.util.Map;

/**
 * The live cursor of one pull source: one {@link ListCursor} per list (an action type of a group, or the package),
 * and when discovery last reached the end of every list.
 *
 * @param lists          per list name, its cursor
 * @param caughtUpAtMs   wall time, epoch ms, when the last poll reached the end of every list; 0 before that
 */
public record SourceCursor(Map<String, ListCursor> lists, long caughtUpAtMs) {

    public SourceCursor {
        lists = Map.copyOf(lists);
    }

    /** The cursor of {@code list}, or one at {@code startMs} when the list has none yet. */
    public ListCursor list(String list, long startMs) {
        return lists.getOrDefault(list, ListCursor.at(startMs));
    }

    public SourceCursor with(String list, ListCursor cursor) {
        Map<String, ListCursor> next = new HashMap<>(lists);
        next.put(list, cursor);
        return new SourceCursor(next, caughtUpAtMs);
    }

    public SourceCursor caughtUpAt(long ms) {
        return new SourceCursor(lists, ms);
    }
}
