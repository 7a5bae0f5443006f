package io.kzpipe.puller.pull;

import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.model.topic.Topics;
import io.kzpipe.puller.api.ActionRef;
import io.kzpipe.puller.api.KaizalaApi;
import io.kzpipe.puller.config.PullSource;
import io.kzpipe.puller.state.ListCursor;
import io.kzpipe.puller.state.SourceCursor;
import io.kzpipe.puller.state.StateKeys;
import io.kzpipe.puller.state.StateStore;
import io.kzpipe.puller.state.TrackedAction;
import io.kzpipe.puller.state.VersionSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live poll of a source (docs/DESIGN.md "Puller"):
 * <ol>
 *   <li><b>discover</b>: page through each of its lists from the durable cursor; read every action not seen before
 *       with its responses and publish them; each page's records and the cursor after it commit in one
 *       transaction;</li>
 *   <li><b>re-read</b>: read again each tracked action (open, within {@code PULLER_REREAD_WINDOW}); an unchanged answer
 *       publishes nothing, a changed one only the response versions not published yet; an action that expired or
 *       left the window is read a last time and untracked.</li>
 * </ol>
 * Used by one thread.
 */
public final class Puller {

    private static final Logger LOG = LoggerFactory.getLogger(Puller.class);

    private final StateStore store;
    private final ActionReader reader;
    private final ListPager pager;
    private final PullMetrics metrics;
    private final Clock clock;
    private final Duration window;

    public Puller(KaizalaApi api, StateStore store, Topics topics, RecordLimits limits, PullMetrics metrics,
            Clock clock, Duration rereadWindow, int pageSize) {
        this.store = store;
        this.reader = new ActionReader(api, new ResponseMapper(limits), new PullRecords(topics), clock);
        this.pager = new ListPager(api, metrics, pageSize);
        this.metrics = metrics;
        this.clock = clock;
        this.window = rereadWindow;
    }

    /** The backfill runner, with the same reader and pager. */
    public Backfills backfills() {
        return new Backfills(store, reader, pager, metrics, clock);
    }

    /** One live poll: discovery, then the re-reads of the actions discovered earlier. */
    public void poll(PullSource source) throws InterruptedException {
        Set<String> discovered = discover(source);
        reread(source, discovered);
    }

    /** Pages through every list of {@code source} to its end; returns the ids of the actions it found. */
    Set<String> discover(PullSource source) throws InterruptedException {
        String key = StateKeys.live(source.id());
        SourceCursor cursor = store.get(key, SourceCursor.class);
        if (cursor == null) {
            cursor = new SourceCursor(Map.of(), 0);
        }
        long start = clock.millis() - window.toMillis();
        Set<String> found = new HashSet<>();
        for (String list : source.lists()) {
            ListCursor at = cursor.list(list, start);
            while (true) {
                ListPager.Page fetched = pager.next(source, list, at);
                at = fetched.cursor();
                List<ActionRef> fresh = fresh(fetched, at, Long.MAX_VALUE);
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
                Map<String, Object> writes = new LinkedHashMap<>();
                for (ActionRef a : fresh) {
                    ActionReader.Read read = reader.read(source, a, list, VersionSet.empty(), null,
                            fetched.page().item(a));
                    records.addAll(read.records());
                    found.add(a.actionId());
                    if (!read.gone() && open(a.timeMs(), a.expiryMs())) {
                        long sent = a.timeMs() == ActionRef.UNKNOWN ? clock.millis() : a.timeMs();
                        writes.put(StateKeys.track(source.id(), a.actionId()),
                                new TrackedAction(a.actionType().isEmpty() ? list : a.actionType(), sent, a.expiryMs(),
                                        read.detailsHash(), read.versions().encode()));
                    }
                }
                at = at.after(withIds(fetched));
                cursor = cursor.with(list, at);
                writes.put(key, cursor);
                store.commit(records, writes);
                metrics.records(source.id(), records.size());
                metrics.cursor(source.id(), oldest(cursor, start));
                if (!fetched.page().hasMore()) {
                    break;
                }
            }
        }
        cursor = cursor.caughtUpAt(clock.millis());
        store.commit(List.of(), Map.of(key, cursor));
        metrics.cursor(source.id(), cursor.caughtUpAtMs());
        return found;
    }

    /** Re-reads the tracked actions of {@code source}, except those just discovered. */
    void reread(PullSource source, Set<String> skip) throws InterruptedException {
        String prefix = StateKeys.trackPrefix(source.id());
        for (String key : store.keys(prefix)) {
            String actionId = key.substring(prefix.length());
            TrackedAction t = store.get(key, TrackedAction.class);
            if (t == null || skip.contains(actionId)) {
                continue;
            }
            boolean closing = !open(t.sentMs(), t.expiryMs());
            ActionRef ref = new ActionRef(actionId, t.actionType(), t.sentMs(), t.expiryMs());
            ActionReader.Read read = reader.read(source, ref, t.actionType(), VersionSet.decode(t.versions()),
                    t.detailsHash(), null);
            if (read.unchanged() && !closing) {
                continue;
            }
            Map<String, Object> writes = new LinkedHashMap<>();
            closing = closing || read.gone();
            writes.put(key, closing ? null : t.withRead(read.detailsHash(), read.versions()));
            store.commit(read.records(), writes);
            metrics.records(source.id(), read.records().size());
            if (closing) {
                LOG.debug("{}: action {} closed (expired or out of the re-read window); untracked", source.id(),
                        actionId);
            }
        }
    }

    /** Still taking responses and within the re-read window. */
    private boolean open(long sentMs, long expiryMs) {
        long now = clock.millis();
        boolean expired = expiryMs != ActionRef.UNKNOWN && expiryMs < now;
        boolean old = sentMs != ActionRef.UNKNOWN && sentMs < now - window.toMillis();
        return !expired && !old;
    }

    /**
     * The page's actions not done yet, with an id and a time not after {@code untilMs} (unknown times count as in
     * range).
     */
    static List<ActionRef> fresh(ListPager.Page fetched, ListCursor at, long untilMs) {
        List<ActionRef> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (ActionRef a : fetched.page().actions()) {
            boolean inRange = a.timeMs() == ActionRef.UNKNOWN || (a.timeMs() >= at.fromMs() && a.timeMs() <= untilMs);
            if (a.actionId() != null && inRange && !at.seen(a) && ids.add(a.actionId())) {
                out.add(a);
            }
        }
        return out;
    }

    private static List<ActionRef> withIds(ListPager.Page fetched) {
        return fetched.page().actions().stream().filter(a -> a.actionId() != null).toList();
    }

    private static long oldest(SourceCursor cursor, long start) {
        return cursor.lists().values().stream().mapToLong(ListCursor::fromMs).min().orElse(start);
    }
}
