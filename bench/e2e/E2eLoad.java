import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One phase of the end-to-end benchmark: webhooks at a fixed rate into the running pipeline, and the time from
 * each 2xx to the moment its event is visible in {@code <db>.events_latest}. JDK only: {@code java E2eLoad.java ...}.
 *
 * <p><b>Load</b> (open model, like wrk2): request i is due at {@code start + i / rate} whether or not earlier ones
 * were answered. One thread drives every keep-alive connection ({@code --connections}, at most one request in flight
 * on each) through a {@link Selector} with non-blocking channels, as {@code bench/gateway/FixedRateLoad.java} does: due
 * requests wait in a queue for a free connection, and a request that falls due while {@code max(1024, rate / 2)}
 * others are already waiting is counted as {@code missed} (not sent). Latency runs from the due time to the end of
 * the answer, so waiting for a connection counts. The selector sleeps in whole milliseconds (epoll's resolution),
 * so a request may leave up to 1 ms after its due time when no answer wakes the thread earlier (counted against the
 * pipeline). One thread instead of one per connection keeps the generator's own CPU low: it shares the two cores
 * with the pipeline it measures. A connection the server closed, or that failed, counts its request as an error and
 * is opened again for the next one; an answer not complete 30 s after its request started is an error too. Every
 * request is the template body (an order-form ActionResponse) with a fresh GUID-shaped eventId = responseId whose
 * last 12 digits are the request's sequence number. The 2xx time is taken when the answer has been read.
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
        sampler.start();
        long startNanos = System.nanoTime() + 20_000_000L;
        long startWall = System.currentTimeMillis() + 20;
        drive(connections, startNanos, startWall);
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

    /** An answer not complete this long after its request started is counted as an error (the old socket timeout). */
    private static final long REQUEST_TIMEOUT_NANOS = 30_000_000_000L;

    /**
     * The sending side, on the calling thread: paces the requests, keeps due ones waiting for a free connection (at
     * most {@code max(1024, rate / 2)}; one more is {@code missed}), drives all connections through one selector and
     * records each outcome. Returns when every request has been answered, has failed or was missed.
     */
    private void drive(int connections, long startNanos, long startWall) throws IOException {
        URI gateway = URI.create(opt("gateway"));
        InetSocketAddress address = new InetSocketAddress(gateway.getHost(), gateway.getPort());
        byte[] template = requestTemplate();
        int[] seqAt = seqOffsets();
        Conn[] all = new Conn[connections];
        ArrayDeque<Conn> idle = new ArrayDeque<>();
        for (int c = 0; c < connections; c++) {
            all[c] = new Conn(template.clone());
            idle.add(all[c]);
        }
        ArrayDeque<long[]> due = new ArrayDeque<>();
        int maxWaiting = Math.max(1024, rate / 2);
        long intervalNanos = 1_000_000_000L / rate;
        int next = 0;
        int busy = 0;
        long nextTimeoutScan = startNanos + 1_000_000_000L;
        try (Selector selector = Selector.open()) {
            while (next < total || busy > 0 || !due.isEmpty()) {
                long now = System.nanoTime();
                for (; next < total && startNanos + next * intervalNanos <= now; next++) {
                    long intended = startNanos + next * intervalNanos;
                    sentAtMs[next] = startWall + (intended - startNanos) / 1_000_000L;
                    if (due.size() >= maxWaiting) {
                        state.set(next, MISSED);
                    } else {
                        due.add(new long[] {intended, next});
                    }
                }
                while (!due.isEmpty() && !idle.isEmpty()) {
                    Conn conn = idle.poll();
                    if (send(selector, address, conn, due.poll(), seqAt)) {
                        busy++;
                    } else {
                        idle.add(conn);
                    }
                }
                if (now >= nextTimeoutScan) {
                    for (Conn conn : all) {
                        if (conn.busy && now - conn.startedNanos > REQUEST_TIMEOUT_NANOS) {
                            conn.close();
                            busy--;
                            finish(conn, Conn.FAILED);
                            idle.add(conn);
                        }
                    }
                    nextTimeoutScan = now + 1_000_000_000L;
                }
                // millisecond timeouts (epoll's resolution), as in bench/gateway/FixedRateLoad.java: a due request
                // waits for the next answer or the next millisecond
                long wait = next < total ? startNanos + next * intervalNanos - System.nanoTime() : 10_000_000L;
                int ready = wait <= 0 ? selector.selectNow() : selector.select(Math.max(1, (wait + 999_999) / 1_000_000));
                if (ready == 0) {
                    continue;
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn conn = (Conn) key.attachment();
                    if (!conn.busy) {
                        conn.onIdleReady();
                        continue;
                    }
                    int outcome = conn.onReady(key);
                    if (outcome != Conn.PENDING) {
                        busy--;
                        finish(conn, outcome);
                        idle.add(conn);
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (Conn conn : all) {
                conn.close();
            }
        }
    }

    /** Starts request {@code job} = {intended, seq} on {@code conn}; false when the connection failed (counted). */
    private boolean send(Selector selector, InetSocketAddress address, Conn conn, long[] job, int[] seqAt) {
        int seq = (int) job[1];
        conn.seq = seq;
        conn.intended = job[0];
        conn.startedNanos = System.nanoTime();
        conn.busy = true;
        for (int at : seqAt) {
            stamp(conn.request, at, seq);
        }
        try {
            conn.start(selector, address);
            return true;
        } catch (IOException e) {
            conn.close();
            finish(conn, Conn.FAILED);
            return false;
        }
    }

    /** Records the outcome of the request on {@code conn}: the 2xx time and latency, a non-2xx status or an error. */
    private void finish(Conn conn, int outcome) {
        conn.busy = false;
        int seq = conn.seq;
        if (outcome == Conn.FAILED) {
            state.set(seq, FAILED);
            errors.incrementAndGet();
            return;
        }
        long now = System.nanoTime();
        if (outcome / 100 == 2) {
            ackAtMs.set(seq, System.currentTimeMillis());
            state.set(seq, ACKED);
            ok.incrementAndGet();
        } else {
            state.set(seq, FAILED);
            non2xx.incrementAndGet();
            non2xxByStatus.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
        }
        latencyNanos[(int) latencies.getAndIncrement()] = now - conn.intended;
    }

    /** Head and body of request 0 in one buffer; each connection stamps its request's sequence number into a copy. */
    private byte[] requestTemplate() {
        byte[] head = requestHead.getBytes(StandardCharsets.US_ASCII);
        byte[] id = eventId(0).getBytes(StandardCharsets.US_ASCII);
        int length = head.length;
        for (byte[] part : bodyParts) {
            length += part.length;
        }
        byte[] request = new byte[length + (bodyParts.length - 1) * id.length];
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
        return request;
    }

    /** Where the 12 sequence digits of each id occurrence start in {@link #requestTemplate()}. */
    private int[] seqOffsets() {
        int[] at = new int[bodyParts.length - 1];
        int n = requestHead.getBytes(StandardCharsets.US_ASCII).length;
        for (int p = 0; p < at.length; p++) {
            n += bodyParts[p].length;
            at[p] = n + prefix.length();
            n += prefix.length() + 12;
        }
        return at;
    }

    /** Writes {@code seq} as 12 decimal digits at {@code at}: the same bytes as {@link #eventId(int)}'s suffix. */
    private static void stamp(byte[] request, int at, int seq) {
        for (int i = 11; i >= 0; i--) {
            request[at + i] = (byte) ('0' + seq % 10);
            seq /= 10;
        }
    }

    /** The event id (= response id) of request {@code seq}: the phase prefix and the sequence number. */
    private String eventId(int seq) {
        return prefix + String.format("%012d", seq);
    }

    /**
     * One keep-alive connection with at most one request in flight, and the parser of its answer (Content-Length or
     * chunked body). Connects on first use and again after a failure; non-blocking reads and writes.
     */
    private static final class Conn {
        static final int PENDING = -1;
        static final int FAILED = -2;

        final byte[] request;
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        SocketChannel channel;
        SelectionKey key;
        int seq;
        long intended;
        long startedNanos;
        boolean busy;

        Conn(byte[] request) {
            this.request = request;
            this.out = ByteBuffer.wrap(request);
        }

        void start(Selector selector, InetSocketAddress address) throws IOException {
            if (channel == null) {
                channel = SocketChannel.open(address); // blocking connect (local gateway), then non-blocking I/O
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                key = channel.register(selector, 0, this);
            }
            out.clear();
            in.clear();
            channel.write(out); // usually the whole request: one syscall
            int ops = out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }

        /**
         * An idle connection stays registered for reading (no selector update per request), so a close by the server
         * while idle is noticed here: the connection is closed and opened again for its next request, no request lost.
         */
        void onIdleReady() {
            if (channel == null) {
                return;
            }
            try {
                in.clear();
                if (channel.read(in) != 0) {
                    close(); // end of stream, or bytes no request asked for
                }
            } catch (IOException | RuntimeException e) {
                close();
            }
        }

        /** Progress on a ready key: {@link #PENDING}, {@link #FAILED} (connection closed) or the answer's HTTP status. */
        int onReady(SelectionKey k) {
            try {
                if (k.isWritable()) {
                    channel.write(out);
                    if (!out.hasRemaining()) {
                        k.interestOps(SelectionKey.OP_READ);
                    }
                    return PENDING;
                }
                if (channel.read(in) < 0) {
                    throw new IOException("connection closed by the server");
                }
                return parse();
            } catch (IOException | RuntimeException e) {
                close();
                return FAILED;
            }
        }

        /** The status once {@code in} holds a complete answer, else PENDING. */
        private int parse() throws IOException {
            byte[] b = in.array();
            int len = in.position();
            int headEnd = indexOf(b, 0, len, "\r\n\r\n");
            if (headEnd < 0) {
                if (len == b.length) {
                    throw new IOException("response head too large");
                }
                return PENDING;
            }
            if (headEnd < 12 || !digit(b[9]) || !digit(b[10]) || !digit(b[11])) {
                throw new IOException("bad status line");
            }
            int status = (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
            int bodyStart = headEnd + 4;
            long length = -1;
            boolean chunked = false;
            // header lines, compared as bytes: no strings per answer
            for (int line = indexOf(b, 0, headEnd, "\r\n") + 2; line > 1 && line < headEnd; ) {
                int eol = indexOf(b, line, headEnd, "\r\n");
                if (eol < 0) {
                    eol = headEnd;
                }
                if (startsWithIgnoreCase(b, line, eol, "content-length:")) {
                    length = Long.parseLong(new String(b, line + 15, eol - line - 15, StandardCharsets.ISO_8859_1).trim());
                } else if (startsWithIgnoreCase(b, line, eol, "transfer-encoding:")) {
                    chunked = new String(b, line, eol - line, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).contains("chunked");
                }
                line = eol + 2;
            }
            if (chunked) {
                int at = bodyStart;
                while (true) {
                    int eol = indexOf(b, at, len, "\r\n");
                    if (eol < 0) {
                        if (len == b.length) {
                            throw new IOException("response body too large for this generator");
                        }
                        return PENDING;
                    }
                    int size = Integer.parseInt(new String(b, at, eol - at, StandardCharsets.ISO_8859_1).trim(), 16);
                    at = eol + 2 + size + 2;
                    if (at > len) {
                        if (len == b.length) {
                            throw new IOException("response body too large for this generator");
                        }
                        return PENDING;
                    }
                    if (size == 0) {
                        return status;
                    }
                }
            }
            if (length > b.length - bodyStart) {
                throw new IOException("response body too large for this generator");
            }
            return len - bodyStart >= Math.max(0, length) ? status : PENDING;
        }

        private static boolean digit(byte c) {
            return c >= '0' && c <= '9';
        }

        /** Whether {@code b[from, to)} starts with {@code lower} (lower-case ASCII), ignoring case. */
        private static boolean startsWithIgnoreCase(byte[] b, int from, int to, String lower) {
            if (to - from < lower.length()) {
                return false;
            }
            for (int j = 0; j < lower.length(); j++) {
                int c = b[from + j];
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != lower.charAt(j)) {
                    return false;
                }
            }
            return true;
        }

        private static int indexOf(byte[] b, int from, int to, String s) {
            outer:
            for (int i = from; i <= to - s.length(); i++) {
                for (int j = 0; j < s.length(); j++) {
                    if (b[i + j] != s.charAt(j)) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            channel = null;
            key = null;
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
