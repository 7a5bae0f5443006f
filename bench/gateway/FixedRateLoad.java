import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Open-model, fixed-rate HTTP/1.1 load for the gateway benchmark (wrk2 is not available here; hey and wrk are
 * closed-model and under-report tail latency when the server slows down: coordinated omission).
 *
 * <p>Request i is due at {@code start + i / rate}, whether or not earlier ones were answered. One thread drives
 * every keep-alive connection with a selector (non-blocking I/O): due requests wait in a queue for a free
 * connection, and latency runs from the due time to the end of the answer, so queueing behind a slow server
 * counts, as in wrk2. One thread instead of one per connection keeps the generator's own CPU per request low
 * (it shares the cores with the server it measures). The selector sleeps in whole milliseconds (epoll's
 * resolution), so a due request may leave up to 1 ms late when no answer wakes the generator earlier; that delay
 * counts against the server (a slight over-estimate, mostly at low rates).
 * Each request carries the fixture body with a fresh eventId and responseId (same length). JDK only: run with
 * {@code java FixedRateLoad.java}.
 *
 * <pre>java FixedRateLoad.java HOST PORT PATH TOKEN BODY_FILE RATE SECONDS CONNECTIONS [WARMUP_SECONDS]</pre>
 *
 * The first {@code WARMUP_SECONDS} (default 5) run at the same rate and are not counted.
 *
 * <p>CPU per request (optional): with {@code BENCH_CPU_PIDS="gateway=PID,broker=PID"} in the environment, the
 * CPU time ({@code utime + stime} from {@code /proc/PID/stat}) each named process spent from the end of the
 * warm-up to the last answer is divided by the requests answered in that window, and printed as
 * {@code cpu_NAME_us=…}; {@code cpu_loadgen_us} is this process's own share.
 *
 * <p>Prints one line: {@code sent=… ok=… non2xx=… errors=… missed=… achieved_rps=… p50_ms=… p90_ms=… p99_ms=…
 * p999_ms=… max_ms=…}, followed by a line of {@code cpu_…} figures when asked for. {@code missed} counts requests
 * dropped because more than two seconds' worth were already waiting for a connection.
 */
public final class FixedRateLoad {

    private static final String EVENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String RESPONSE_ID = "9a7c5e3b-1d2f-4b6a-8e0c-7f5d3b1a9c24";
    /** Linux USER_HZ: the unit of utime and stime in /proc/PID/stat. */
    private static final long CLOCK_TICKS = 100;

    private final InetSocketAddress address;
    private final byte[] template;
    private final int eventIdAt;
    private final int responseIdAt;
    private final long warmup;
    private final long[] latencies;
    private int recorded;
    private long ok;
    private long non2xx;
    private long errors;
    private long missed;

    private FixedRateLoad(InetSocketAddress address, byte[] template, int eventIdAt, int responseIdAt, long warmup,
                          int capacity) {
        this.address = address;
        this.template = template;
        this.eventIdAt = eventIdAt;
        this.responseIdAt = responseIdAt;
        this.warmup = warmup;
        this.latencies = new long[capacity];
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        String token = args[3];
        String body = Files.readString(Path.of(args[4]), StandardCharsets.UTF_8).strip();
        int rate = Integer.parseInt(args[5]);
        int seconds = Integer.parseInt(args[6]);
        int connections = Integer.parseInt(args[7]);
        int warmupSeconds = args.length > 8 ? Integer.parseInt(args[8]) : 5;

        String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nContent-Type: application/json\r\n"
                + "kz-callback-token: " + token + "\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n";
        byte[] request = (head + body).getBytes(StandardCharsets.UTF_8);
        String text = new String(request, StandardCharsets.ISO_8859_1);
        int eventIdAt = text.indexOf(EVENT_ID);
        int responseIdAt = text.indexOf(RESPONSE_ID);
        if (eventIdAt < 0 || responseIdAt < 0) {
            throw new IllegalArgumentException("body must contain the fixture's eventId and responseId");
        }
        long warmup = (long) rate * warmupSeconds;
        long total = (long) rate * seconds;
        FixedRateLoad load = new FixedRateLoad(new InetSocketAddress(host, port), request, eventIdAt, responseIdAt,
                warmup, (int) total);
        load.run(rate, warmup + total, connections, cpuPids());
    }

    private void run(int rate, long all, int connections, Map<String, String> cpuPids) throws IOException {
        Selector selector = Selector.open();
        ArrayDeque<Conn> idle = new ArrayDeque<>();
        for (int c = 0; c < connections; c++) {
            idle.add(new Conn(template.clone()));
        }
        ArrayDeque<long[]> due = new ArrayDeque<>();
        int maxBacklog = Math.max(1024, rate * 2);
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        long measuredStart = start + warmup * intervalNanos;
        Map<String, Long> cpuBefore = Map.of();
        long next = 0;
        int busy = 0;
        long drainDeadline = start + all * intervalNanos + TimeUnit.SECONDS.toNanos(30);
        while (next < all || busy > 0 || !due.isEmpty()) {
            long now = System.nanoTime();
            if (now > drainDeadline) {
                errors += busy + due.size(); // never answered: counted as errors
                break;
            }
            for (; next < all && start + next * intervalNanos <= now; next++) {
                if (next == warmup) {
                    cpuBefore = cpuTicks(cpuPids);
                }
                if (due.size() >= maxBacklog) {
                    if (next >= warmup) {
                        missed++;
                    }
                } else {
                    due.add(new long[] {start + next * intervalNanos, next});
                }
            }
            while (!due.isEmpty() && !idle.isEmpty()) {
                Conn conn = idle.poll();
                long[] job = due.poll();
                if (send(selector, conn, job)) {
                    busy++;
                } else {
                    idle.add(conn);
                }
            }
            // millisecond timeouts (epoll's resolution): a due request waits for the next answer or the next
            // millisecond; sleeping more precisely (park + selectNow) cost the generator 30 % more CPU
            long wait = next < all ? start + next * intervalNanos - System.nanoTime() : 10_000_000L;
            int ready = wait <= 0 ? selector.selectNow()
                    : selector.select(Math.max(1, (wait + 999_999) / 1_000_000));
            if (ready == 0) {
                continue;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                Conn conn = (Conn) key.attachment();
                int outcome = conn.onReady(key);
                if (outcome == Conn.PENDING) {
                    continue;
                }
                busy--;
                long job = conn.index;
                if (job >= warmup) {
                    if (outcome == Conn.FAILED) {
                        errors++;
                    } else {
                        latencies[recorded++] = System.nanoTime() - conn.intended;
                        if (outcome / 100 == 2) {
                            ok++;
                        } else {
                            non2xx++;
                        }
                    }
                }
                idle.add(conn);
            }
            selector.selectedKeys().clear();
        }
        Map<String, Long> cpuAfter = cpuTicks(cpuPids);
        double elapsed = (System.nanoTime() - measuredStart) / 1e9;
        long total = all - warmup;
        long[] sorted = Arrays.copyOf(latencies, recorded);
        Arrays.sort(sorted);
        int n = recorded;
        System.out.printf("sent=%d ok=%d non2xx=%d errors=%d missed=%d achieved_rps=%.0f p50_ms=%.2f p90_ms=%.2f "
                        + "p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n",
                total - missed, ok, non2xx, errors, missed, n / elapsed, pct(sorted, 0.50), pct(sorted, 0.90),
                pct(sorted, 0.99), pct(sorted, 0.999), n == 0 ? 0 : sorted[n - 1] / 1e6);
        StringBuilder cpu = new StringBuilder();
        for (Map.Entry<String, Long> e : cpuAfter.entrySet()) {
            Long before = cpuBefore.get(e.getKey());
            if (before != null && n > 0) {
                cpu.append(String.format("cpu_%s_us=%.0f ", e.getKey(), (e.getValue() - before) * 1e6 / CLOCK_TICKS / n));
            }
        }
        if (cpu.length() > 0) {
            System.out.println(cpu.toString().strip());
        }
    }

    /** Starts sending {@code job} on {@code conn}; false when the connection failed (counted, job dropped). */
    private boolean send(Selector selector, Conn conn, long[] job) {
        conn.intended = job[0];
        conn.index = job[1];
        stamp(conn.request, eventIdAt, job[1]);
        stamp(conn.request, responseIdAt, job[1]);
        try {
            conn.start(selector, address);
            return true;
        } catch (IOException e) {
            if (job[1] >= warmup) {
                errors++;
            }
            conn.close();
            return false;
        }
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e6;
    }

    /** Writes {@code n} as the last 12 hex digits of the 36-character id at {@code at} (ids stay unique). */
    private static void stamp(byte[] request, int at, long n) {
        for (int i = 35; i >= 24; i--) {
            request[at + i] = (byte) Character.forDigit((int) (n & 0xF), 16);
            n >>>= 4;
        }
    }

    /** {@code BENCH_CPU_PIDS="name=pid,..."}, plus this process as {@code loadgen}; empty when not asked for. */
    private static Map<String, String> cpuPids() {
        Map<String, String> pids = new LinkedHashMap<>();
        String spec = System.getenv("BENCH_CPU_PIDS");
        if (spec == null || spec.isBlank()) {
            return pids;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && !kv[1].isBlank()) {
                pids.put(kv[0].trim(), kv[1].trim());
            }
        }
        pids.put("loadgen", Long.toString(ProcessHandle.current().pid()));
        return pids;
    }

    /** utime + stime in clock ticks per named process; a process that cannot be read is left out. */
    private static Map<String, Long> cpuTicks(Map<String, String> pids) {
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : pids.entrySet()) {
            try {
                String stat = Files.readString(Path.of("/proc", e.getValue(), "stat"));
                // the fields after the command name, which is in parentheses and may contain spaces
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks.put(e.getKey(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
            } catch (IOException | RuntimeException ex) {
                // process gone, or not Linux: no figure for it
            }
        }
        return ticks;
    }

    /** One keep-alive connection with at most one request in flight, and the parser of its answer. */
    private static final class Conn {
        static final int PENDING = -1;
        static final int FAILED = -2;

        final byte[] request;
        final ByteBuffer out;
        final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        SocketChannel channel;
        SelectionKey key;
        long intended;
        long index;

        Conn(byte[] request) {
            this.request = request;
            this.out = ByteBuffer.wrap(request);
        }

        void start(Selector selector, InetSocketAddress address) throws IOException {
            if (channel == null) {
                channel = SocketChannel.open(address); // blocking connect, then non-blocking I/O
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                channel.configureBlocking(false);
                key = channel.register(selector, 0, this);
            }
            out.clear();
            in.clear();
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        /** Progress on a ready key: {@link #PENDING}, {@link #FAILED} or the answer's HTTP status. */
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
                int status = parse();
                if (status != PENDING) {
                    k.interestOps(0);
                }
                return status;
            } catch (IOException | RuntimeException e) {
                close();
                return FAILED;
            }
        }

        /** The status once {@code in} holds a complete answer (Content-Length or chunked), else PENDING. */
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
            String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(head.substring(9, 12));
            int bodyStart = headEnd + 4;
            long length = -1;
            boolean chunked = false;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                if (name.equalsIgnoreCase("Content-Length")) {
                    length = Long.parseLong(line.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("Transfer-Encoding") && line.toLowerCase().contains("chunked")) {
                    chunked = true;
                }
            }
            if (chunked) {
                int at = bodyStart;
                while (true) {
                    int eol = indexOf(b, at, len, "\r\n");
                    if (eol < 0) {
                        return PENDING;
                    }
                    int size = Integer.parseInt(new String(b, at, eol - at, StandardCharsets.ISO_8859_1).trim(), 16);
                    at = eol + 2 + size + 2;
                    if (at > len) {
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
}
