import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-model, fixed-rate HTTP/1.1 load for the gateway benchmark (wrk2 is not available here; hey and wrk are
 * closed-model and under-report tail latency when the server slows down: coordinated omission).
 *
 * <p>A pacer thread schedules request i at {@code start + i / rate}, whether or not earlier ones were answered,
 * and hands the intended send time to a pool of connection threads (one keep-alive socket each). Latency is
 * measured from the intended send time to the end of the response, so queueing behind a slow server counts,
 * as in wrk2. Each request carries the fixture body with a fresh eventId and responseId (same length).
 * JDK only: run with {@code java FixedRateLoad.java}.
 *
 * <pre>java FixedRateLoad.java HOST PORT PATH TOKEN BODY_FILE RATE SECONDS CONNECTIONS [WARMUP_SECONDS]</pre>
 *
 * The first {@code WARMUP_SECONDS} (default 5) run at the same rate in the same JVM and are not counted.
 *
 * Prints one line: {@code sent=… ok=… non2xx=… errors=… missed=… achieved_rps=… p50_ms=… p90_ms=… p99_ms=… p999_ms=… max_ms=…}.
 */
public final class FixedRateLoad {

    private static final String EVENT_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final String RESPONSE_ID = "9a7c5e3b-1d2f-4b6a-8e0c-7f5d3b1a9c24";

    private final byte[] template;
    private final int eventIdAt;
    private final int responseIdAt;
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final long[] latencies;
    private final AtomicLong recorded = new AtomicLong();
    private final long warmup;

    private FixedRateLoad(byte[] template, int eventIdAt, int responseIdAt, int capacity, long warmup) {
        this.warmup = warmup;
        this.template = template;
        this.eventIdAt = eventIdAt;
        this.responseIdAt = responseIdAt;
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
        FixedRateLoad load = new FixedRateLoad(request, eventIdAt, responseIdAt, (int) total, warmup);
        load.run(host, port, rate, warmup + total, connections);
    }

    private void run(String host, int port, int rate, long all, int connections) throws Exception {
        // bounded hand-off: if every connection is busy for long, the pacer records the backlog as "missed"
        BlockingQueue<long[]> queue = new ArrayBlockingQueue<>(Math.max(1024, rate * 2));
        CountDownLatch done = new CountDownLatch(connections);
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> worker(host, port, queue, done), "conn-" + c);
            t.setDaemon(true);
            t.start();
        }
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        long missed = 0;
        long measuredStart = start + warmup * intervalNanos;
        for (long i = 0; i < all; i++) {
            long intended = start + i * intervalNanos;
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            if (!queue.offer(new long[] {intended, i}) && i >= warmup) {
                missed++;
            }
        }
        for (int c = 0; c < connections; c++) {
            queue.put(new long[] {-1, -1});
        }
        done.await(120, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - measuredStart) / 1e9;
        long total = all - warmup;
        int n = (int) recorded.get();
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        System.out.printf("sent=%d ok=%d non2xx=%d errors=%d missed=%d achieved_rps=%.0f p50_ms=%.2f p90_ms=%.2f "
                        + "p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n",
                total - missed, ok.get(), non2xx.get(), errors.get(), missed, n / elapsed, pct(sorted, 0.50),
                pct(sorted, 0.90), pct(sorted, 0.99), pct(sorted, 0.999), n == 0 ? 0 : sorted[n - 1] / 1e6);
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int idx = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, idx)] / 1e6;
    }

    private void worker(String host, int port, BlockingQueue<long[]> queue, CountDownLatch done) {
        byte[] request = template.clone();
        Socket socket = null;
        try {
            while (true) {
                long[] job = queue.take();
                if (job[0] < 0) {
                    return;
                }
                stamp(request, eventIdAt, job[1]);
                stamp(request, responseIdAt, job[1]);
                try {
                    if (socket == null) {
                        socket = new Socket(host, port);
                        socket.setTcpNoDelay(true);
                        socket.setSoTimeout(30_000);
                    }
                    OutputStream out = socket.getOutputStream();
                    out.write(request);
                    out.flush();
                    int status = readResponse(socket.getInputStream());
                    if (job[1] >= warmup) {
                        latencies[(int) recorded.getAndIncrement()] = System.nanoTime() - job[0];
                        (status / 100 == 2 ? ok : non2xx).incrementAndGet();
                    }
                } catch (IOException e) {
                    if (job[1] >= warmup) {
                        errors.incrementAndGet();
                    }
                    closeQuietly(socket);
                    socket = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(socket);
            done.countDown();
        }
    }

    /** Writes {@code n} as the last 12 hex digits of the 36-character id at {@code at} (ids stay unique). */
    private static void stamp(byte[] request, int at, long n) {
        for (int i = 35; i >= 24; i--) {
            request[at + i] = (byte) Character.forDigit((int) (n & 0xF), 16);
            n >>>= 4;
        }
    }

    private static final ThreadLocal<BufferedInputStream> READERS = new ThreadLocal<>();

    /** Reads one response (status line, headers, Content-Length or chunked body) and returns the status. */
    private static int readResponse(InputStream raw) throws IOException {
        BufferedInputStream in = READERS.get();
        if (in == null || !sameStream(in, raw)) {
            in = new Reader(raw);
            READERS.set(in);
        }
        String status = line(in);
        int code = Integer.parseInt(status.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                length = Long.parseLong(h.substring(colon + 1).trim());
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && h.toLowerCase().contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
                skip(in, size);
                line(in);
            }
            line(in);
        } else if (length > 0) {
            skip(in, length);
        }
        return code;
    }

    private static boolean sameStream(BufferedInputStream in, InputStream raw) {
        return in instanceof Reader r && r.source == raw;
    }

    private static final class Reader extends BufferedInputStream {
        final InputStream source;

        Reader(InputStream source) {
            super(source, 8192);
            this.source = source;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
