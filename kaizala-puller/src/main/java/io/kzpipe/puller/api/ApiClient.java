package io.kzpipe.puller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kaizala transport (docs/KAIZALA-API.md): every call goes through here. It
 * <ul>
 *   <li>fetches an access token ({@code GET {apiUrl}/v1/accessToken} with {@code applicationId},
 *       {@code applicationSecret}, {@code refreshToken} headers), keeps it until shortly before
 *       {@code accessTokenExpiry}, and fetches a new one on a 401 (once per call);</li>
 *   <li>keeps the {@link TokenState}: a rotated {@code refreshToken} and the returned {@code endpointUrl}, and the new
 *       endpoint of a 308 move ({@code Location}); every change goes to the {@link TokenListener} (the service stores
 *       it in its state topic);</li>
 *   <li>lets at most {@code PULLER_CALLS_PER_MINUTE} calls reach Kaizala in any 60 s window ({@link CallLimiter}:
 *       a call counts from its start until its answer, plus the window), honours 429 {@code Retry-After} (every call pauses), and retries 5xx answers, timeouts
 *       and connection failures with {@link Backoff}.</li>
 * </ul>
 * Nothing it logs or throws contains a secret: headers are never logged, token answers never quoted.
 * Thread-safe.
 */
public final class ApiClient {

    private static final Logger LOG = LoggerFactory.getLogger(ApiClient.class);

    /** The server's budget window ({@link CallLimiter} counts each call from its start until its answer). */
    public static final Duration BUDGET_WINDOW = Duration.ofSeconds(60);
    /** Added to the window for clocks that tick at a slightly different rate here and there. */
    public static final Duration WINDOW_MARGIN = Duration.ofMillis(100);
    /** Token kept until this long before its expiry (or a tenth of its life when that is shorter). */
    static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);
    /** 429 without a usable {@code Retry-After}. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);

    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    /** 429 answers in a row before a call fails (at the default Retry-After, half an hour). */
    static final int MAX_THROTTLED = 30;
    /** 308 moves followed within one call. */
    static final int MAX_MOVES = 5;

    private static final int SNIPPET_CHARS = 200;

    /** Told about every change of the token state (a rotated refresh token, a new endpoint). */
    @FunctionalInterface
    public interface TokenListener {
        void changed(TokenState state);
    }

    /** Waits between retries (tests pass one that does not sleep). */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final ApiSettings settings;
    private final HttpClient http;
    private final CallLimiter limiter;
    private final Backoff backoff;
    private final ApiMetrics metrics;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Object tokenLock = new Object();
    private volatile TokenState state;
    private volatile TokenListener listener = s -> {};
    private volatile boolean reachable;
    private String accessToken;
    private long refreshAtMs;

    public ApiClient(ApiSettings settings, TokenState initial, ApiMetrics metrics) {
        this(settings, initial, metrics,
                HttpClient.newBuilder()
                        .connectTimeout(settings.timeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .build(),
                new CallLimiter(settings.callsPerMinute(), BUDGET_WINDOW.plus(WINDOW_MARGIN)), Backoff.DEFAULT,
                Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    ApiClient(ApiSettings settings, TokenState initial, ApiMetrics metrics, HttpClient http, CallLimiter limiter,
            Backoff backoff, Clock clock, Sleeper sleeper) {
        this.settings = settings;
        this.state = initial;
        this.metrics = metrics;
        this.http = http;
        this.limiter = limiter;
        this.backoff = backoff;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public void onTokenChange(TokenListener l) {
        this.listener = l;
    }

    public TokenState tokenState() {
        return state;
    }

    /** True when the latest token fetch and the latest call got an answer that was not a failure (readiness). */
    public boolean reachable() {
        return reachable;
    }

    public CallLimiter limiter() {
        return limiter;
    }

    /**
     * One data call to {@code {endpointUrl}{path}} with the access token.
     *
     * @param endpoint the {@code endpoint} tag of the call metric, e.g. {@code actions}
     * @param path     from {@code /v1/} on, query string included, segments already encoded
     * @param body     JSON body, or {@code null}
     * @return the answer's JSON; a missing node for an empty answer
     * @throws ApiException when the call failed for good
     */
    public JsonNode call(String endpoint, String method, String path, JsonNode body) throws InterruptedException {
        boolean refreshed = false;
        int moves = 0;
        while (true) {
            String token = accessToken();
            String root = dataRoot();
            HttpResponse<byte[]> r = exchange(endpoint,
                    () -> request(root + path, method, body).header("accessToken", token).build());
            int status = r.statusCode();
            if (status == 401 && !refreshed) {
                LOG.info("{} answered 401: fetching a new access token", endpoint);
                invalidate(token);
                refreshed = true;
                continue;
            }
            if (isMove(status)) {
                moves = checkMoves(endpoint, moves);
                moveTo(endpointOf(location(r, root + path), path));
                continue;
            }
            if (status / 100 != 2) {
                throw new ApiException(status,
                        method + " " + endpoint + " answered " + status + ": " + snippet(r.body()));
            }
            reachable = true;
            return parse(endpoint, r.body());
        }
    }

    /** A valid access token, fetched when there is none or it is about to expire. */
    public String accessToken() throws InterruptedException {
        synchronized (tokenLock) {
            if (accessToken == null || clock.millis() >= refreshAtMs) {
                fetchToken();
            }
            return accessToken;
        }
    }

    private void invalidate(String token) {
        synchronized (tokenLock) {
            if (token.equals(accessToken)) {
                accessToken = null;
            }
        }
    }

    private void fetchToken() throws InterruptedException {
        String url = settings.apiUrl() + "/v1/accessToken";
        int moves = 0;
        while (true) {
            String target = url;
            TokenState current = state;
            HttpResponse<byte[]> r = exchange("accessToken",
                    () -> request(target, "GET", null).header("applicationId", settings.applicationId())
                            .header("applicationSecret", settings.applicationSecret())
                            .header("refreshToken", current.refreshToken())
                            .build());
            int status = r.statusCode();
            if (isMove(status)) {
                moves = checkMoves("accessToken", moves);
                url = location(r, target);
                continue;
            }
            if (status != 200) {
                reachable = false;
                throw new ApiException(status,
                        status == 401
                                ? "Kaizala refused the connector credentials or the refresh token "
                                        + Mask.token(current.refreshToken())
                                        + " (401): check KAIZALA_APPLICATION_ID, KAIZALA_APPLICATION_SECRET and "
                                        + "KAIZALA_REFRESH_TOKEN"
                                : "accessToken answered " + status);
            }
            accept(parse("accessToken", r.body()), current);
            return;
        }
    }

    private void accept(JsonNode answer, TokenState current) {
        String token = text(answer, "accessToken");
        if (token == null) {
            reachable = false;
            throw new ApiException(200, "the accessToken answer has no accessToken");
        }
        long now = clock.millis();
        long expiry = Times.millis(answer.get("accessTokenExpiry"), now + Duration.ofHours(1).toMillis());
        long margin = Math.min(TOKEN_MARGIN.toMillis(), Math.max(0, (expiry - now) / 10));
        accessToken = token;
        refreshAtMs = expiry - margin;
        metrics.tokenRefresh();
        reachable = true;
        TokenState next = current;
        String endpoint = text(answer, "endpointUrl");
        if (endpoint != null && !endpoint.equals(current.endpointUrl())) {
            next = next.withEndpointUrl(trimSlash(endpoint));
        }
        String rotated = text(answer, "refreshToken");
        if (rotated != null && !rotated.equals(current.refreshToken())) {
            LOG.info("Kaizala rotated the refresh token (now {}); the old one is invalid from now on",
                    Mask.token(rotated));
            next = next.withRefreshToken(rotated);
        }
        LOG.debug("access token {} valid until {}", Mask.token(token), java.time.Instant.ofEpochMilli(expiry));
        publish(next);
    }

    private void publish(TokenState next) {
        if (!next.equals(state)) {
            state = next;
            listener.changed(next);
        }
    }

    private void moveTo(String endpoint) {
        synchronized (tokenLock) {
            LOG.info("Kaizala moved the data endpoint (308) from {} to {}; keeping the new one", dataRoot(), endpoint);
            publish(state.withEndpointUrl(endpoint));
        }
    }

    private String dataRoot() {
        String root = state.endpointUrl();
        if (root == null) {
            throw new ApiException(0, "no endpointUrl yet (the accessToken answer had none)");
        }
        return trimSlash(root);
    }

    /**
     * Sends one request through the limiter, retrying 429 (after {@code Retry-After}, every call pauses), 5xx,
     * timeouts and connection failures; returns the first other answer.
     */
    private HttpResponse<byte[]> exchange(String endpoint, Supplier<HttpRequest> request) throws InterruptedException {
        int failures = 0;
        int throttled = 0;
        while (true) {
            HttpRequest req = request.get();
            HttpResponse<byte[]> r;
            try (CallLimiter.Permit permit = limiter.acquire()) {
                if (permit.waitedNanos() > 0) {
                    metrics.throttled(permit.waitedNanos());
                }
                r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                metrics.call(endpoint, e instanceof HttpTimeoutException ? "timeout" : "io_error");
                failures = failed(endpoint, failures, 0, e.getClass().getSimpleName(), e);
                continue;
            }
            int status = r.statusCode();
            metrics.call(endpoint, Integer.toString(status));
            if (status == 429) {
                if (++throttled > MAX_THROTTLED) {
                    reachable = false;
                    throw new ApiException(429, endpoint + " answered 429 " + throttled + " times in a row");
                }
                Duration pause = retryAfter(r);
                LOG.warn("{} answered 429: every call pauses for {} s (Retry-After)", endpoint, pause.toSeconds());
                limiter.pauseFor(pause);
                continue;
            }
            if (status >= 500) {
                failures = failed(endpoint, failures, status, "status " + status, null);
                continue;
            }
            return r;
        }
    }

    private int failed(String endpoint, int failures, int status, String what, Throwable cause)
            throws InterruptedException {
        int n = failures + 1;
        if (n >= backoff.attempts()) {
            reachable = false;
            throw new ApiException(status, endpoint + " failed " + n + " times, last: " + what, cause);
        }
        Duration wait = backoff.delay(n);
        LOG.warn("{} failed ({}), attempt {} of {}: retrying in {} ms", endpoint, what, n, backoff.attempts(),
                wait.toMillis());
        sleeper.sleep(wait);
        return n;
    }

    private HttpRequest.Builder request(String url, String method, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(settings.timeout())
                .header("Accept", "application/json");
        if (body == null) {
            return b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a request body", e);
        }
    }

    Duration retryAfter(HttpResponse<?> r) {
        String v = r.headers().firstValue("Retry-After").orElse("").trim();
        Duration d = DEFAULT_RETRY_AFTER;
        if (v.matches("\\d{1,9}")) {
            d = Duration.ofSeconds(Long.parseLong(v));
        } else if (!v.isEmpty()) {
            try {
                d = Duration.between(clock.instant(),
                        ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e) {
                LOG.debug("unreadable Retry-After '{}': waiting {} s", v, d.toSeconds());
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    private static boolean isMove(int status) {
        return status == 308 || status == 301;
    }

    private static int checkMoves(String endpoint, int moves) {
        if (moves + 1 > MAX_MOVES) {
            throw new ApiException(308, endpoint + " moved more than " + MAX_MOVES + " times in one call");
        }
        return moves + 1;
    }

    private static String location(HttpResponse<?> r, String requested) {
        String loc = r.headers()
                .firstValue("Location")
                .orElseThrow(() -> new ApiException(r.statusCode(), "a " + r.statusCode() + " without Location"));
        return URI.create(requested).resolve(loc).toString();
    }

    /** The endpoint root of a {@code Location} that names the same path on the new endpoint. */
    static String endpointOf(String location, String path) {
        if (location.endsWith(path)) {
            return trimSlash(location.substring(0, location.length() - path.length()));
        }
        int v1 = location.indexOf("/v1/");
        return trimSlash(v1 >= 0 ? location.substring(0, v1) : location);
    }

    private static String trimSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static JsonNode parse(String endpoint, byte[] body) {
        if (body == null || body.length == 0) {
            return Json.MAPPER.missingNode();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ApiException(200, endpoint + " answered with a body that is not JSON");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText();
    }

    private static String snippet(byte[] body) {
        String s = body == null ? "" : new String(body, StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        return s.length() <= SNIPPET_CHARS ? s : s.substring(0, SNIPPET_CHARS) + "…";
    }
}
