package io.kzpipe.puller.state;

/**
 * A backfill of one source over {@code [fromMs, toMs]} of action time, recorded by the {@code backfill} command and
 * run page by page by the service; kept apart from the live cursor, so a backfill never moves it. Its progress is
 * committed with the records of each page, so a restart resumes at the page after the last committed one.
 *
 * @param id        job id (the state key after {@code backfill/})
 * @param source    the pull source spec, e.g. {@code group:<groupId>}
 * @param status    {@link #PENDING}, {@link #RUNNING}, {@link #DONE} or {@link #FAILED}
 * @param listIndex which of the source's lists is being paged (they run one after the other)
 * @param cursor    where paging that list stands
 * @param pages     pages committed so far
 * @param records   responses published so far (dead letters included)
 * @param error     why it failed; {@code ""} otherwise
 */
public record BackfillJob(String id, String source, long fromMs, long toMs, String status, int listIndex,
        ListCursor cursor, long pages, long records, long createdMs, long updatedMs, String error) {

    public static final String PENDING = "PENDING";
    public static final String RUNNING = "RUNNING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    public static BackfillJob pending(String id, String source, long fromMs, long toMs, long nowMs) {
        return new BackfillJob(id, source, fromMs, toMs, PENDING, 0, ListCursor.at(fromMs), 0, 0, nowMs, nowMs, "");
    }

    public boolean active() {
        return PENDING.equals(status) || RUNNING.equals(status);
    }

    /** After one committed page of the current list. */
    public BackfillJob afterPage(ListCursor next, long published, long nowMs) {
        return new BackfillJob(id, source, fromMs, toMs, RUNNING, listIndex, next, pages + 1, records + published,
                createdMs, nowMs, "");
    }

    /** The current list is done: on to the next, or done when it was the last of {@code lists}. */
    public BackfillJob listDone(int lists, long published, long nowMs) {
        boolean last = listIndex + 1 >= lists;
        return new BackfillJob(id, source, fromMs, toMs, last ? DONE : RUNNING, last ? listIndex : listIndex + 1,
                last ? cursor : ListCursor.at(fromMs), pages + 1, records + published, createdMs, nowMs, "");
    }

    public BackfillJob failed(String why, long nowMs) {
        return new BackfillJob(id, source, fromMs, toMs, FAILED, listIndex, cursor, pages, records, createdMs, nowMs,
                why);
    }
}
