package io.kzpipe.puller.pull;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.puller.api.ActionRef;
import io.kzpipe.puller.api.ApiException;
import io.kzpipe.puller.config.PullSource;
import io.kzpipe.puller.state.BackfillJob;
import io.kzpipe.puller.state.ListCursor;
import io.kzpipe.puller.state.StateKeys;
import io.kzpipe.puller.state.StateStore;
import io.kzpipe.puller.state.VersionSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs backfill jobs ({@link BackfillJob}, recorded by the {@code backfill} command) one page at a time, oldest job
 * first: the actions of the page sent within {@code [from, to]} are read with all their responses and published, and
 * the job's progress commits with them in one transaction. A list ends at its last page or at the first action after
 * {@code to}. A job whose source cannot be read (a 4xx from Kaizala, a bad spec) ends {@code FAILED} with the reason.
 * Used by one thread.
 */
public final class Backfills {

    private static final Logger LOG = LoggerFactory.getLogger(Backfills.class);

    private final StateStore store;
    private final ActionReader reader;
    private final ListPager pager;
    private final PullMetrics metrics;
    private final Clock clock;

    /** Made by {@link Puller#backfills()}: the same reader and pager as the live polls. */
    Backfills(StateStore store, ActionReader reader, ListPager pager, PullMetrics metrics, Clock clock) {
        this.store = store;
        this.reader = reader;
        this.pager = pager;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The oldest job still to run, or {@code null}. */
    public BackfillJob next() {
        for (String key : store.keys(StateKeys.BACKFILL_PREFIX)) {
            BackfillJob job = store.get(key, BackfillJob.class);
            if (job != null && job.active()) {
                return job;
            }
        }
        return null;
    }

    /**
     * Runs one page of the oldest active job.
     *
     * @return false when there was no job to run
     */
    public boolean step() throws InterruptedException {
        BackfillJob job = next();
        if (job == null) {
            return false;
        }
        PullSource source;
        try {
            source = PullSource.parse(job.source());
        } catch (IllegalArgumentException e) {
            finish(job.failed(e.getMessage(), clock.millis()), List.of());
            return true;
        }
        try {
            page(job, source);
        } catch (ApiException e) {
            if (e.status() / 100 != 4 || e.status() == 429) {
                throw e; // Kaizala unreachable or throttling for long: the job stays, the loop retries later
            }
            finish(job.failed(e.getMessage(), clock.millis()), List.of());
        }
        return true;
    }

    private void page(BackfillJob job, PullSource source) throws InterruptedException {
        List<String> lists = source.lists();
        String list = lists.get(Math.min(job.listIndex(), lists.size() - 1));
        if (BackfillJob.PENDING.equals(job.status())) {
            LOG.info("backfill {} of {} over [{} ms, {} ms] starts", job.id(), job.source(), job.fromMs(), job.toMs());
        }
        ListPager.Page fetched = pager.next(source, list, job.cursor());
        ListCursor at = fetched.cursor();
        List<ActionRef> fresh = Puller.fresh(fetched, at, job.toMs());
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (ActionRef a : fresh) {
            JsonNode item = fetched.page().item(a);
            records.addAll(reader.read(source, a, list, VersionSet.empty(), null, item).records());
        }
        boolean beyond = fetched.page()
                .actions()
                .stream()
                .anyMatch(a -> a.timeMs() != ActionRef.UNKNOWN && a.timeMs() > job.toMs());
        List<ActionRef> done = fetched.page()
                .actions()
                .stream()
                .filter(a -> a.actionId() != null && (a.timeMs() == ActionRef.UNKNOWN || a.timeMs() <= job.toMs()))
                .toList();
        long now = clock.millis();
        BackfillJob next = !fetched.page().hasMore() || beyond
                ? job.listDone(lists.size(), records.size(), now)
                : job.afterPage(at.after(done), records.size(), now);
        finish(next, records);
        if (BackfillJob.DONE.equals(next.status())) {
            LOG.info("backfill {} of {} done: {} pages, {} records", next.id(), next.source(), next.pages(),
                    next.records());
        }
        metrics.records(source.id(), records.size());
    }

    private void finish(BackfillJob job, List<ProducerRecord<String, byte[]>> records) {
        if (BackfillJob.FAILED.equals(job.status())) {
            LOG.error("backfill {} of {} failed: {}", job.id(), job.source(), job.error());
        }
        store.commit(records, Map.of(StateKeys.backfill(job.id()), job));
    }
}
