package io.kzpipe.puller.pull;

import io.kzpipe.puller.api.ActionPage;
import io.kzpipe.puller.api.KaizalaApi;
import io.kzpipe.puller.config.PullSource;
import io.kzpipe.puller.state.ListCursor;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the next page of one actions list after a {@link ListCursor}. When a whole page is actions already seen at
 * the cursor's instant (more actions share one instant than a page holds) and the server has more, it asks again
 * with a doubled {@code count}, up to {@value #MAX_COUNT}; past that it steps the cursor 1 ms on (logged: actions
 * beyond {@value #MAX_COUNT} at one instant would be skipped). Used by one thread.
 */
final class ListPager {

    private static final Logger LOG = LoggerFactory.getLogger(ListPager.class);
    static final int MAX_COUNT = 1000;

    private final KaizalaApi api;
    private final PullMetrics metrics;
    private final int pageSize;

    ListPager(KaizalaApi api, PullMetrics metrics, int pageSize) {
        this.api = api;
        this.metrics = metrics;
        this.pageSize = pageSize;
    }

    /**
     * A page after {@code cursor}.
     *
     * @param page   the answer (all of it: actions seen before included)
     * @param cursor the cursor the page was fetched at (it may have been stepped on, see the class comment)
     */
    record Page(ActionPage page, ListCursor cursor) {}

    Page next(PullSource source, String list, ListCursor cursor) throws InterruptedException {
        ListCursor at = cursor;
        int count = pageSize;
        while (true) {
            ActionPage page = source.isPackage()
                    ? api.packageActions(source.groupId(), source.packageId(), at.fromMs(), count)
                    : api.actions(source.groupId(), list, at.fromMs(), count);
            metrics.page(source.id());
            boolean stuck = page.hasMore() && !page.actions().isEmpty() && page.actions().stream().allMatch(at::seen);
            if (!stuck) {
                return new Page(page, at);
            }
            if (count < MAX_COUNT) {
                count = Math.min(MAX_COUNT, count * 2);
            } else {
                LOG.warn("{} list {}: more than {} actions at {} ms; stepping the cursor 1 ms on", source.id(), list,
                        MAX_COUNT, at.fromMs());
                at = new ListCursor(at.fromMs() + 1, List.of());
                count = pageSize;
            }
        }
    }
}
