import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One phase of the end-to-end benchmark: webhooks at a fixed rate into the running pipeline, and the time from
 * each 2xx to the moment its event is visible in {@code <db>.events_latest}. JDK only: {@code java E2eLoad.java ...}.
 *
 * <p><b>Load</b> (open model, like wrk2): a pacer schedules request i at {@code start + i / rate} whether or not
 * earlier ones were answered and hands it to a pool of keep-alive connections; a request that finds every
 * connection busy for longer than the hand-off queue allows is counted as {@code missed} (not sent). Every request
 * is the template body (an order-form ActionResponse) with a fresh GUID-shaped eventId = responseId whose last 12
 * digits are the request's sequence number. The 2xx time is taken when the answer has been read.
 *
 * <p><b>Freshness</b>: the time from an event's 2xx until the rows the dashboards read are all visible: its row in
 * {@code events_latest}, its response in {@code responses_latest} and both numeric answers in
 * {@code answers_numeric_latest} (the sink loads each table on its own, so they can appear at different times). It is
 * measured on a sample: every k-th request, k = rate / {@code samples-per-second} (200 by default, so 12,000 samples
 * in a 60 s phase at any rate). Every {@code poll-ms} a poller asks ClickHouse, per table, which of the sampled,
 * acknowledged events not yet seen there are visible now ({@code event_id IN (...)}, at most 2,000 ids per query,
 * oldest first), reading the base tables with {@code PREWHERE received_at_ms >=} the send time of the oldest
 * incomplete sample minus 2 s, so each poll reads only the recent tail and returns only new sightings. The base table
 * rather than the view: every benchmark response has one version, so a row is in the {@code _latest} view as soon as it
 * is in its table (and the answers view also needs the response row, which the completion time includes), while
 * ClickHouse 18.16 does not push a WHERE into a view and would scan it whole ten times a second. A row first returned
 * by a query sent at time t was visible at t and not visible to the previous query, so the resolution is one poll
 * interval plus one round of queries (reported). An earlier version polled every event through {@code FINAL}; its
 * cost grew with the backlog and loaded ClickHouse and the load generator more than the pipeline did. After the load
 * the poller keeps going until every sampled event is complete or {@code drain-seconds} pass; then the views
 * themselves are counted, for every acknowledged event (not just the sample), until they hold each once
 * ({@code answers_numeric_latest}: twice) or the drain time is over.
 *
 * <p><b>Resources</b>: every second, CPU time (utime + stime from /proc/PID/stat) and VmRSS of each named process;
 * CPU is reported as % of one core averaged over the load, RSS as average and peak over the load.
 *
 * <pre>java E2eLoad.java --gateway URL --token T --clickhouse URL --db kaizala --template FILE --rate N --seconds S
 *     [--connections 64] [--label NAME] [--pids name=pid,...] [--poll-ms 100] [--samples-per-second 200] [--drain-seconds 60]
 *     [--max-p95-ms 5000]</pre>
 * Prints a readable block and one {@code RESULT key=value ...} line.
 */
public final class E2eLoad {

    private static final String TEMPLATE_ID = "b8e2a4c6-0d1f-4e3a-9b5c-7d9e1f3a5c7e";
    private static final int PENDING = 0, ACKED = 1, FAILED = 2, MISSED = 3;
    /** Tables polled for visibility and the rows each event has there (the template has two Numeric answers). */
    private static final String[] TABLES = {"events", "responses", "answers_numeric"};
    private static final int[] ROWS_PER_EVENT = {1, 1, 2};

    private final Map<String, String> opts;
    private final int rate;
    private final int seconds;
    private final int total;
    /** Freshness is measured on every {@code sampleEvery}-th request (about {@code --samples-per-second} events a second). */
    private final int sampleEvery;
    private final String prefix;          // first 24 characters of every event id of this phase
    private final byte[][] bodyParts;     // template split around the id
    private final String requestHead;
    private final AtomicIntegerArray state;
    private final long[] sentAtMs;        // intended send time (wall clock)
    private final AtomicLongArray ackAtMs;
    /** First time each event was seen, per table of {@link #TABLES}; 0 = not yet. */
    private final AtomicLongArray[] visibleAtMs = new AtomicLongArray[TABLES.length];
    private final long[] latencyNanos;    // intended send -> 2xx
    private final AtomicLong latencies = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final java.util.concurrent.ConcurrentMap<Integer, AtomicLong> non2xxByStatus = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong pollNanos = new AtomicLong();
    private final AtomicLong pollFailures = new AtomicLong();
    private volatile boolean loadDone;

    private E2eLoad(Map<String, String> opts) throws IOException {
        this.opts = opts;
        this.rate = Integer.parseInt(opt("rate"));
        this.seconds = Integer.parseInt(opt("seconds"));
        this.total = rate * seconds;
        this.sampleEvery = Math.max(1, rate / Integer.parseInt(opt("samples-per-second", "200")));
        this.prefix = String.format("%08x-%04x-4000-8000-", ThreadLocalRandom.current().nextInt(),
                ThreadLocalRandom.current().nextInt(0x10000));
        String template = Files.readString(Path.of(opt("template")), StandardCharsets.UTF_8).strip();
        if (!template.contains(TEMPLATE_ID)) {
            throw new IllegalArgumentException("the template must contain the id " + TEMPLATE_ID);
        }
        String[] parts = template.split(TEMPLATE_ID, -1);
        this.bodyParts = Arrays.stream(parts).map(p -> p.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        URI gateway = URI.create(opt("gateway"));
        int length = template.getBytes(StandardCharsets.UTF_8).length; // ids keep their length
        this.requestHead = "POST " + gateway.getRawPath() + " HTTP/1.1\r\nHost: " + gateway.getHost() + ":" + gateway.getPort()
                + "\r\nContent-Type: application/json\r\nkz-callback-token: " + opt("token")
                + "\r\nContent-Length: " + length + "\r\n\r\n";
        this.state = new AtomicIntegerArray(total);
        this.sentAtMs = new long[total];
        this.ackAtMs = new AtomicLongArray(total);
        for (int t = 0; t < TABLES.length; t++) {
            this.visibleAtMs[t] = new AtomicLongArray(total);
        }
        this.latencyNanos = new long[total];
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new E2eLoad(opts).run();
    }

    private String opt(String name) {
        String v = opts.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }

    private String opt(String name, String fallback) {
        return opts.getOrDefault(name, fallback);
    }

    private void run() throws Exception {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String pair : opt("pids", "").split(",")) {
            if (pair.contains("=")) {
                pids.put(pair.substring(0, pair.indexOf('=')), Long.parseLong(pair.substring(pair.indexOf('=') + 1)));
            }
        }
        pids.put("load generator", ProcessHandle.current().pid());
        ResourceSampler sampler = new ResourceSampler(pids);
        Thread poller = new Thread(this::poll, "poller");
        poller.setDaemon(true);
        poller.start();

        int connections = Integer.parseInt(opt("connections", "64"));
        BlockingQueue<long[]> queue = new ArrayBlockingQueue<>(Math.max(1024, rate / 2));
        List<Thread> workers = new ArrayList<>();
        URI gateway = URI.create(opt("gateway"));
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> work(gateway.getHost(), gateway.getPort(), queue), "conn-" + c);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        sampler.start();
        long intervalNanos = 1_000_000_000L / rate;
        long startNanos = System.nanoTime() + 20_000_000L;
        long startWall = System.currentTimeMillis() + 20;
        for (int i = 0; i < total; i++) {
            long intended = startNanos + i * intervalNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            sentAtMs[i] = startWall + (intended - startNanos) / 1_000_000L;
            if (!queue.offer(new long[] {intended, i})) {
                state.set(i, MISSED);
            }
        }
        for (int c = 0; c < connections; c++) {
            queue.put(new long[] {-1, -1});
        }
        for (Thread t : workers) {
            t.join(120_000);
        }
        double loadSeconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, long[]> usage = sampler.stop();  // resources while the load ran
        loadDone = true;
        long drainDeadline = System.currentTimeMillis() + 1000L * Integer.parseInt(opt("drain-seconds", "60"));
        while (System.currentTimeMillis() < drainDeadline && unseenAcked() > 0) {
            LockSupport.parkNanos(100_000_000L);
        }
        poller.interrupt();
        long acked = ok.get();
        long[] views = viewCounts();
        while (System.currentTimeMillis() < drainDeadline
                && (views[0] != acked || views[1] != acked || views[2] != 2 * acked)) {
            LockSupport.parkNanos(500_000_000L);
            views = viewCounts();
        }
        report(loadSeconds, usage, views);
    }

    /** Rows of this phase in events_latest, responses_latest and answers_numeric_latest (the views themselves). */
    private long[] viewCounts() {
        String db = opt("db");
        String sql = "SELECT (SELECT count() FROM " + db + ".events_latest WHERE event_id LIKE '" + prefix + "%'),"
                + " (SELECT count() FROM " + db + ".responses_latest WHERE event_id LIKE '" + prefix + "%'),"
                + " (SELECT count() FROM " + db + ".answers_numeric_latest WHERE event_id LIKE '" + prefix + "%') FORMAT TSV";
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(opt("clickhouse") + "/?query="
                    + URLEncoder.encode(sql, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String[] cells = r.body().strip().split("\t");
            return new long[] {Long.parseLong(cells[0]), Long.parseLong(cells[1]), Long.parseLong(cells[2])};
        } catch (IOException | RuntimeException e) {
            System.err.println("counting the views failed: " + e);
            return new long[] {-1, -1, -1};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new long[] {-1, -1, -1};
        }
    }

    // ------------------------------------------------------------------------------------------------ load

    private void work(String host, int port, BlockingQueue<long[]> queue) {
        Socket socket = null;
        ResponseReader in = null;
        byte[] head = requestHead.getBytes(StandardCharsets.US_ASCII);
        int bodyLength = 0;
        for (byte[] part : bodyParts) {
            bodyLength += part.length;
        }
        // the whole request in one buffer, written with one call (one syscall per request)
        byte[] request = new byte[head.length + bodyLength + (bodyParts.length - 1) * 36];
        try {
            while (true) {
                long[] job = queue.take();
                if (job[0] < 0) {
                    return;
                }
                int seq = (int) job[1];
                byte[] id = eventId(seq).getBytes(StandardCharsets.US_ASCII);
                int n = 0;
                System.arraycopy(head, 0, request, n, head.length);
                n += head.length;
                for (int p = 0; p < bodyParts.length; p++) {
                    if (p > 0) {
                        System.arraycopy(id, 0, request, n, id.length);
                        n += id.length;
                    }
                    System.arraycopy(bodyParts[p], 0, request, n, bodyParts[p].length);
                    n += bodyParts[p].length;
                }
                try {
                    if (socket == null) {
                        socket = new Socket(host, port);
                        socket.setTcpNoDelay(true);
                        socket.setSoTimeout(30_000);
                        in = new ResponseReader(socket.getInputStream());
                    }
                    socket.getOutputStream().write(request, 0, n);
                    int status = in.readResponse();
                    long now = System.nanoTime();
                    if (status / 100 == 2) {
                        ackAtMs.set(seq, System.currentTimeMillis());
                        state.set(seq, ACKED);
                        ok.incrementAndGet();
                    } else {
                        state.set(seq, FAILED);
                        non2xx.incrementAndGet();
                        non2xxByStatus.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                    }
                    latencyNanos[(int) latencies.getAndIncrement()] = now - job[0];
                } catch (IOException e) {
                    state.set(seq, FAILED);
                    errors.incrementAndGet();
                    close(socket);
                    socket = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close(socket);
        }
    }

    /** The event id (= response id) of request {@code seq}: the phase prefix and the sequence number. */
    private String eventId(int seq) {
        return prefix + String.format("%012d", seq);
    }

    /**
     * Reads HTTP/1.1 responses (Content-Length or chunked body) from one connection: a plain buffer, no per-byte
     * locking, so the load generator's own CPU cost stays small next to the pipeline's.
     */
    private static final class ResponseReader {
        private final InputStream in;
        private final byte[] buf = new byte[8192];
        private int pos;
        private int end;

        ResponseReader(InputStream in) {
            this.in = in;
        }

        int readResponse() throws IOException {
            String status = line();
            if (status.length() < 12) {
                throw new IOException("bad status line: " + status);
            }
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                String name = h.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(h.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && h.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().trim(), 16); size > 0; size = Long.parseLong(line().trim(), 16)) {
                    skip(size);
                    line();
                }
                line();
            } else if (length > 0) {
                skip(length);
            }
            return code;
        }

        private int read() throws IOException {
            if (pos == end) {
                end = in.read(buf, 0, buf.length);
                pos = 0;
                if (end <= 0) {
                    end = 0;
                    throw new IOException("connection closed");
                }
            }
            return buf[pos++] & 0xff;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            for (int c = read(); c != '\n'; c = read()) {
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                if (pos == end) {
                    read();
                    n--;
                    continue;
                }
                int k = (int) Math.min(n, end - pos);
                pos += k;
                n -= k;
            }
        }
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ freshness

    /** Lowest tracked sequence number not yet complete among those sent and not failed (the poller's watermark). */
    private int low;

    /** Whether request {@code seq} is one of the events whose freshness is measured (every {@link #sampleEvery}-th). */
    private boolean tracked(int seq) {
        return seq % sampleEvery == 0;
    }

    private void poll() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String db = opt("db");
        long pollNanosTarget = Long.parseLong(opt("poll-ms", "100")) * 1_000_000L;
        while (!Thread.currentThread().isInterrupted()) {
            long started = System.nanoTime();
            advanceLow();
            if (low < total && sentAtMs[low] != 0) {
                long watermarkMs = sentAtMs[low] - 2000;
                try {
                    boolean queried = false;
                    for (int t = 0; t < TABLES.length; t++) {
                        String ids = pendingIds(t);
                        if (ids.isEmpty()) {
                            continue;
                        }
                        queried = true;
                        // the base table, not the view: a row of these single-version responses is in the _latest view as
                        // soon as it is in the table, and the base table lets PREWHERE read only the recent tail
                        String sql = "SELECT toUInt64(substring(event_id, 25, 12)) AS seq FROM " + db + "." + TABLES[t]
                                + " PREWHERE received_at_ms >= " + watermarkMs + " WHERE event_id IN (" + ids + ")"
                                + (ROWS_PER_EVENT[t] > 1 ? " GROUP BY seq HAVING uniqExact(row_id) = " + ROWS_PER_EVENT[t] : "")
                                + " FORMAT TSV";
                        long sentAt = System.currentTimeMillis();
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(opt("clickhouse") + "/"))
                                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(sql)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) {
                            throw new IOException("HTTP " + r.statusCode() + ": " + r.body());
                        }
                        for (String line : r.body().split("\n")) {
                            if (!line.isEmpty()) {
                                int seq = Integer.parseInt(line.trim());
                                if (seq < total) {
                                    visibleAtMs[t].compareAndSet(seq, 0, sentAt);
                                }
                            }
                        }
                    }
                    if (queried) {
                        polls.incrementAndGet();
                        pollNanos.addAndGet(System.nanoTime() - started);
                    }
                } catch (IOException e) {
                    if (pollFailures.incrementAndGet() <= 3) {
                        System.err.println("poll failed: " + e.getMessage());
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
            long wait = pollNanosTarget - (System.nanoTime() - started);
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** Quoted ids of tracked, acknowledged events not yet seen in table {@code t}, oldest first, at most 2,000. */
    private String pendingIds(int t) {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (int seq = low; seq < total && n < 2000; seq++) {
            if (tracked(seq) && state.get(seq) == ACKED && visibleAtMs[t].get(seq) == 0) {
                sb.append(n++ == 0 ? "'" : ",'").append(eventId(seq)).append('\'');
            }
        }
        return sb.toString();
    }

    /** When every table shows the event: the latest of its first sightings, or 0 while one is missing. */
    private long completeAt(int seq) {
        long at = 0;
        for (AtomicLongArray v : visibleAtMs) {
            long t = v.get(seq);
            if (t == 0) {
                return 0;
            }
            at = Math.max(at, t);
        }
        return at;
    }

    private void advanceLow() {
        while (low < total) {
            int s = state.get(low);
            if (!tracked(low) || s == FAILED || s == MISSED || completeAt(low) != 0) {
                low++;
            } else {
                return;
            }
        }
    }

    private int unseenAcked() {
        int n = 0;
        for (int i = 0; i < total; i++) {
            if (tracked(i) && state.get(i) == ACKED && completeAt(i) == 0) {
                n++;
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------------ report

    private void report(double loadSeconds, Map<String, long[]> usage, long[] views) {
        long missed = 0;
        List<Long> fresh = new ArrayList<>();
        List<List<Long>> perTable = new ArrayList<>();
        for (int t = 0; t < TABLES.length; t++) {
            perTable.add(new ArrayList<>());
        }
        long notVisible = 0;
        for (int i = 0; i < total; i++) {
            int s = state.get(i);
            if (s == MISSED) {
                missed++;
            } else if (s == ACKED && tracked(i)) {
                long ack = ackAtMs.get(i);
                for (int t = 0; t < TABLES.length; t++) {
                    long v = visibleAtMs[t].get(i);
                    if (v != 0) {
                        perTable.get(t).add(v - ack);
                    }
                }
                long v = completeAt(i);
                if (v == 0) {
                    notVisible++;
                } else {
                    fresh.add(v - ack);
                }
            }
        }
        long[] f = fresh.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] lat = Arrays.copyOf(latencyNanos, (int) latencies.get());
        Arrays.sort(lat);
        double achieved = ok.get() / loadSeconds;
        long maxP95 = Long.parseLong(opt("max-p95-ms", "5000"));
        List<String> problems = new ArrayList<>();
        if (missed + non2xx.get() + errors.get() > 0) {
            problems.add("not every request was sent and answered 2xx");
        }
        if (achieved < 0.97 * rate) {
            problems.add(String.format(Locale.ROOT, "achieved %.0f/s < 97%% of %d/s", achieved, rate));
        }
        if (notVisible > 0) {
            problems.add(notVisible + " sampled acknowledged events not complete in the views after the drain");
        }
        long ackedCount = ok.get();
        if (views[0] != ackedCount || views[1] != ackedCount || views[2] != 2 * ackedCount) {
            problems.add("the views do not hold every acknowledged event once (events_latest " + views[0]
                    + ", responses_latest " + views[1] + ", answers_numeric_latest " + views[2] + " for " + ackedCount + " events)");
        }
        if (f.length > 0 && pct(f, 0.95) > maxP95) {
            problems.add("freshness p95 above " + maxP95 + " ms");
        }
        String label = opt("label", "phase");
        double meanPollMs = polls.get() == 0 ? 0 : pollNanos.get() / 1e6 / polls.get();

        System.out.printf(Locale.ROOT, "%n%s: %d webhooks/s for %d s over %s connections (event ids %s…)%n", label, rate, seconds,
                opt("connections", "64"), prefix);
        System.out.printf(Locale.ROOT, "  requests     sent %d (missed %d), 2xx %d, non-2xx %d, errors %d; achieved %.0f/s%n",
                total - missed, missed, ok.get(), non2xx.get(), errors.get(), achieved);
        if (!non2xxByStatus.isEmpty()) {
            System.out.printf("  non-2xx      by status: %s%n", non2xxByStatus);
        }
        System.out.printf(Locale.ROOT, "  2xx latency  ms from the intended send: p50 %.1f  p95 %.1f  p99 %.1f  max %.1f%n",
                pctNanos(lat, 0.50), pctNanos(lat, 0.95), pctNanos(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
        System.out.printf(Locale.ROOT, "  freshness    ms from the 2xx until events_latest, responses_latest and answers_numeric_latest all"
                        + " show the event: p50 %d  p95 %d  p99 %d  max %d%n"
                        + "               (min %d; sample of every %d-th request: %d complete, %d not; %d polls of the three tables,"
                        + " %.0f ms per round on average)%n",
                pct(f, 0.50), pct(f, 0.95), pct(f, 0.99), f.length == 0 ? 0 : f[f.length - 1], f.length == 0 ? 0 : f[0],
                sampleEvery, f.length, notVisible, polls.get(), meanPollMs);
        for (int t = 0; t < TABLES.length; t++) {
            long[] ft = perTable.get(t).stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "    %-24s p50 %d  p95 %d  p99 %d  max %d%n", TABLES[t] + "_latest only:",
                    pct(ft, 0.50), pct(ft, 0.95), pct(ft, 0.99), ft.length == 0 ? 0 : ft[ft.length - 1]);
        }
        System.out.printf(Locale.ROOT, "  views        events_latest %d, responses_latest %d, answers_numeric_latest %d (expected %d, %d, %d)%n",
                views[0], views[1], views[2], ackedCount, ackedCount, 2 * ackedCount);
        System.out.printf(Locale.ROOT, "  resources    while the load ran (CPU %% of one core; RSS MB average / peak):%n");
        StringBuilder res = new StringBuilder();
        usage.forEach((name, u) -> {
            double cpu = 100.0 * u[0] / ResourceSampler.TICKS_PER_SECOND / loadSeconds;
            System.out.printf(Locale.ROOT, "    %-18s cpu %5.0f %%   rss %5d / %5d MB%n", name, cpu, u[1] / 1024, u[2] / 1024);
            res.append(String.format(Locale.ROOT, " cpu_%s=%.0f rss_avg_mb_%s=%d rss_max_mb_%s=%d", key(name), cpu, key(name),
                    u[1] / 1024, key(name), u[2] / 1024));
        });
        System.out.printf("  verdict      %s%n", problems.isEmpty() ? "sustainable" : "NOT sustainable: " + String.join("; ", problems));
        System.out.printf(Locale.ROOT, "RESULT label=%s rate=%d seconds=%d achieved=%.0f missed=%d non2xx=%d errors=%d"
                        + " lat_p50_ms=%.1f lat_p99_ms=%.1f fresh_p50_ms=%d fresh_p95_ms=%d fresh_p99_ms=%d fresh_max_ms=%d"
                        + " not_visible=%d sustainable=%s%s%n",
                label, rate, seconds, achieved, missed, non2xx.get(), errors.get(), pctNanos(lat, 0.5), pctNanos(lat, 0.99),
                pct(f, 0.5), pct(f, 0.95), pct(f, 0.99), f.length == 0 ? 0 : f[f.length - 1], notVisible, problems.isEmpty(), res);
    }

    private static String key(String name) {
        return name.replaceAll("[^A-Za-z0-9]+", "_");
    }

    private static long pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        return sorted[(int) Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))];
    }

    private static double pctNanos(long[] sorted, double q) {
        return sorted.length == 0 ? -1 : pct(sorted, q) / 1e6;
    }

    /** CPU ticks and RSS of named processes, sampled every second between start() and stop(). */
    private static final class ResourceSampler {
        static final long TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x86_64

        private final Map<String, Long> pids;
        private final Map<String, long[]> first = new LinkedHashMap<>();   // ticks at start
        private final Map<String, long[]> acc = new LinkedHashMap<>();     // [ticks, rss sum kB, rss max kB, samples]
        private volatile boolean running = true;
        private Thread thread;

        ResourceSampler(Map<String, Long> pids) {
            this.pids = pids;
        }

        void start() {
            pids.forEach((name, pid) -> {
                first.put(name, new long[] {ticks(pid)});
                acc.put(name, new long[4]);
            });
            thread = new Thread(() -> {
                while (running) {
                    sample();
                    LockSupport.parkNanos(1_000_000_000L);
                }
            }, "resource-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void sample() {
            pids.forEach((name, pid) -> {
                long rss = rssKb(pid);
                long[] a = acc.get(name);
                a[1] += rss;
                a[2] = Math.max(a[2], rss);
                a[3]++;
            });
        }

        /** name -> [CPU ticks used since start, average RSS kB, peak RSS kB]. */
        synchronized Map<String, long[]> stop() {
            running = false;
            sample();
            Map<String, long[]> out = new LinkedHashMap<>();
            pids.forEach((name, pid) -> {
                long[] a = acc.get(name);
                out.put(name, new long[] {ticks(pid) - first.get(name)[0], a[3] == 0 ? 0 : a[1] / a[3], a[2]});
            });
            return out;
        }

        private static long ticks(long pid) {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);  // utime, stime (fields 14 and 15)
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }

        private static long rssKb(long pid) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // process gone
            }
            return 0;
        }
    }
}
