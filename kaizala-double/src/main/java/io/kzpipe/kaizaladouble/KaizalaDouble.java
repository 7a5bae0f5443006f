package io.kzpipe.kaizaladouble;

import io.javalin.Javalin;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A test double of the retired Kaizala REST API (docs/KAIZALA-API.md says what follows the docs and what is our
 * assumption). Clients call {@code {url()}/v1/accessToken} with headers {@code applicationId},
 * {@code applicationSecret}, {@code refreshToken}, then {@code {endpointUrl}/v1/...} with header
 * {@code accessToken}. Tests drive the scenario through the methods here; the standalone {@link Main} offers the
 * same controls over HTTP under {@code /_double/...} ({@link ControlRoutes}).
 *
 * <pre>{@code
 * try (KaizalaDouble d = KaizalaDouble.start(DoubleSettings.defaults())) {
 *     List<String> actions = d.seed(GroupSeed.of("g1", 200, 50, from, to, 42L));  // 10,000 responses
 *     d.moveEndpoint();                 // the next data call on the old endpoint answers 308
 *     d.throttleFor(Duration.ofSeconds(3));
 *     assertThat(d.maxCallsInAnyMinute()).isLessThanOrEqualTo(100);
 * }
 * }</pre>
 *
 * <p>Thread-safe. Pushes (webhook events of added or edited responses) are sent synchronously by
 * {@link #addResponse} and {@link #editResponse}, which return once every subscribed callback answered.
 */
public final class KaizalaDouble implements AutoCloseable {

    /** Page size when a list call gives no {@code count} (Kaizala: 30). */
    public static final int DEFAULT_PAGE_SIZE = 30;

    /** The largest {@code count} the double accepts (our assumption; Kaizala documents none). */
    public static final int MAX_PAGE_SIZE = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(KaizalaDouble.class);

    private final DoubleSettings settings;
    private final Tokens tokens;
    private final Throttle throttle;
    private final CallLog callLog = new CallLog();
    private final Endpoints endpoints = new Endpoints();
    private final Groups groups = new Groups();
    private final Webhooks webhooks;
    private final Pusher pusher;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final AtomicLong delayMillis = new AtomicLong();
    private final Javalin server;
    private volatile String url;

    private KaizalaDouble(DoubleSettings settings) {
        this.settings = settings;
        this.tokens = new Tokens(settings);
        this.throttle = new Throttle(settings.clock(), settings.callsPerMinute());
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(settings.handshakeTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.webhooks = new Webhooks(http, settings.handshakeTimeout(), settings.clock());
        this.pusher = new Pusher(http);
        ApiRoutes api = new ApiRoutes(this);
        ControlRoutes controls = new ControlRoutes(this);
        this.server = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.startup.startupWatcherEnabled = false;
            cfg.jetty.host = settings.host();
            cfg.jetty.port = settings.port();
            api.register(cfg);
            controls.register(cfg);
        });
    }

    /** Starts the double on {@code settings.port()} (0 = a free port). */
    public static KaizalaDouble start(DoubleSettings settings) {
        KaizalaDouble d = new KaizalaDouble(settings);
        d.server.start();
        d.url = settings.publicUrl() != null
                ? stripSlash(settings.publicUrl())
                : "http://" + settings.host() + ":" + d.server.port();
        LOG.info("Kaizala double listening on {} with {}", d.url, settings);
        return d;
    }

    /** The bootstrap root, e.g. {@code http://127.0.0.1:PORT}: clients call {@code {url}/v1/accessToken}. */
    public String url() {
        return url;
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    /** The current data endpoint ({@code {url}/ep/{name}}, no trailing slash), as token answers name it. */
    public String endpointUrl() {
        return url + "/ep/" + endpoints.current();
    }

    public DoubleSettings settings() {
        return settings;
    }

    /** Creates a group's actions and responses (see {@link GroupSeed}); the new action ids, ascending by time. */
    public List<String> seed(GroupSeed seed) {
        List<String> ids = groups.seed(seed);
        LOG.info("seeded group {}: {} {} actions x {} responses", seed.groupId(), seed.actions(), seed.actionType(),
                seed.responsesPerAction());
        return ids;
    }

    /** The group's action ids, ascending by time. @throws IllegalArgumentException for an unknown group */
    public List<String> actionIds(String groupId) {
        return translated(() -> groups.actionIds(groupId));
    }

    /** The action's response ids in creation order. */
    public List<String> responseIds(String groupId, String actionId) {
        return translated(() -> groups.responseIds(groupId, actionId));
    }

    /** How many responses the group holds (edits do not count). */
    public long responseCount(String groupId) {
        return translated(() -> groups.responseCount(groupId));
    }

    /**
     * The time of the response's current version (its ResponseTime answer and the pulled item's responseTime;
     * whole seconds).
     */
    public Instant responseTime(String groupId, String actionId, String responseId) {
        return translated(() -> groups.responseTime(groupId, actionId, responseId));
    }

    /**
     * A new response to {@code actionId}, timed now; pushed to the matching subscriptions.
     *
     * @return the new responseId
     */
    public String addResponse(String groupId, String actionId) {
        Groups.Change change = translated(
                () -> groups.add(groupId, actionId, settings.clock().instant(), webhooks.list(null, null)));
        record(pusher.push(change.pushes()));
        return change.responseId();
    }

    /**
     * A new version of {@code responseId} ({@code isUpdateResponse} true, other answers, ResponseTime now or at least
     * a second after the previous version); pushed to the matching subscriptions.
     */
    public void editResponse(String groupId, String actionId, String responseId) {
        Groups.Change change = translated(() -> groups.edit(groupId, actionId, responseId, settings.clock().instant(),
                webhooks.list(null, null)));
        record(pusher.push(change.pushes()));
    }

    /** Every access token handed out so far is rejected (401) from now on. */
    public void expireAccessTokens() {
        tokens.expireAll();
        LOG.info("all access tokens expired");
    }

    /** The next successful token call returns a new refresh token; the old one stops working then. */
    public void rotateRefreshTokenOnNextCall() {
        tokens.rotateOnNextCall();
    }

    /** The refresh token the double currently accepts. */
    public String refreshToken() {
        return tokens.refreshToken();
    }

    /** How many times the refresh token was rotated. */
    public int refreshTokenRotations() {
        return tokens.rotations();
    }

    /** Moves the data endpoint: calls on the old one answer 308 with {@code Location}; the new endpointUrl. */
    public String moveEndpoint() {
        endpoints.move();
        LOG.info("endpoint moved to {}", endpointUrl());
        return endpointUrl();
    }

    /** Every call is answered 429 with {@code Retry-After} for {@code duration} (zero ends it). */
    public void throttleFor(Duration duration) {
        throttle.forceFor(duration);
        LOG.info("throttling every call for {}", duration);
    }

    /** The per-connector budget in any sliding 60 s window; 0 = unlimited. */
    public void callsPerMinute(int limit) {
        throttle.limit(limit);
    }

    /** Every API call (token and data calls) waits {@code delay} before it is answered (zero = none). */
    public void delay(Duration delay) {
        delayMillis.set(delay.toMillis());
    }

    /** Every API call so far, in arrival order ({@code /_double} controls excluded). */
    public List<Call> calls() {
        return callLog.all();
    }

    /** The most API calls (any status) that arrived within any 60 s window. */
    public int maxCallsInAnyMinute() {
        return callLog.maxCallsInAnyMinute();
    }

    public void clearCalls() {
        callLog.clear();
    }

    /** The webhook subscriptions, in creation order. */
    public List<Webhook> webhooks() {
        return webhooks.list(null, null);
    }

    /** Every push so far, in order. */
    public synchronized List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    @Override
    public void close() {
        server.stop();
    }

    Clock clock() {
        return settings.clock();
    }

    long delayMillis() {
        return delayMillis.get();
    }

    Tokens tokens() {
        return tokens;
    }

    Throttle throttle() {
        return throttle;
    }

    CallLog callLog() {
        return callLog;
    }

    Endpoints endpoints() {
        return endpoints;
    }

    Groups groups() {
        return groups;
    }

    Webhooks subscriptions() {
        return webhooks;
    }

    private synchronized void record(List<Delivery> sent) {
        deliveries.addAll(sent);
    }

    private static <T> T translated(Supplier<T> call) {
        try {
            return call.get();
        } catch (ApiException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
