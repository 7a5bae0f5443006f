package io.kzpipe.kaizaladouble;

import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.Secrets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a {@link KaizalaDouble} starts. Build from {@link #defaults()} and the {@code with...} methods, or from the
 * environment ({@link #fromEnv}, the standalone {@link Main}).
 *
 * @param host             the interface to bind ({@code 127.0.0.1} by default)
 * @param port             the port; 0 picks a free one ({@link KaizalaDouble#url()} tells which)
 * @param publicUrl        the root the double names in {@code endpointUrl} and {@code Location}; null = {@code
 *                         http://<host>:<bound port>}
 * @param applicationId    the connector id the double accepts on {@code /v1/accessToken}
 * @param applicationSecret the connector secret
 * @param refreshToken     the initial refresh token (replaced when rotated)
 * @param accessTokenTtl   lifetime of an access token (Kaizala: 24 h)
 * @param callsPerMinute   the per-connector budget in any sliding 60 s window (Kaizala: 100); 0 = unlimited
 * @param handshakeTimeout how long the validation GET may take (Kaizala: 5 s)
 * @param clock            the time source of token expiry, the throttle window, the call log and response times
 */
public record DoubleSettings(String host, int port, String publicUrl, String applicationId, String applicationSecret,
        String refreshToken, Duration accessTokenTtl, int callsPerMinute, Duration handshakeTimeout, Clock clock) {

    public static final String PORT_VAR = "KAIZALA_DOUBLE_PORT";
    public static final String HOST_VAR = "KAIZALA_DOUBLE_HOST";
    public static final String PUBLIC_URL_VAR = "KAIZALA_DOUBLE_PUBLIC_URL";
    public static final String APPLICATION_ID_VAR = "KAIZALA_DOUBLE_APPLICATION_ID";
    public static final String APPLICATION_SECRET_VAR = "KAIZALA_DOUBLE_APPLICATION_SECRET";
    public static final String REFRESH_TOKEN_VAR = "KAIZALA_DOUBLE_REFRESH_TOKEN";
    public static final String ACCESS_TOKEN_TTL_VAR = "KAIZALA_DOUBLE_ACCESS_TOKEN_TTL";
    public static final String CALLS_PER_MINUTE_VAR = "KAIZALA_DOUBLE_CALLS_PER_MINUTE";

    public static final int DEFAULT_PORT = 8090;
    public static final String DEMO_APPLICATION_ID = "demo-connector";
    public static final String DEMO_APPLICATION_SECRET = "demo-connector-secret";
    public static final String DEMO_REFRESH_TOKEN = "demo-refresh-token";
    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofHours(24);
    public static final int DEFAULT_CALLS_PER_MINUTE = 100;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    public DoubleSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (callsPerMinute < 0) {
            throw new IllegalArgumentException("callsPerMinute must be >= 0, got " + callsPerMinute);
        }
        if (accessTokenTtl.isNegative() || handshakeTimeout.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** Loopback, a free port, the demo credentials, Kaizala's documented limits, the system clock. */
    public static DoubleSettings defaults() {
        return new DoubleSettings("127.0.0.1", 0, null, DEMO_APPLICATION_ID, DEMO_APPLICATION_SECRET,
                DEMO_REFRESH_TOKEN, DEFAULT_ACCESS_TOKEN_TTL, DEFAULT_CALLS_PER_MINUTE, DEFAULT_HANDSHAKE_TIMEOUT,
                Clock.systemUTC());
    }

    /**
     * From {@code KAIZALA_DOUBLE_*} variables (port default 8090, the demo credentials by default).
     *
     * @throws io.kzpipe.model.config.SettingException listing every bad value
     */
    public static DoubleSettings fromEnv(Map<String, String> environment) {
        EnvReader env = new EnvReader(environment);
        DoubleSettings d = defaults();
        DoubleSettings s = new DoubleSettings(env.string(HOST_VAR, d.host()),
                env.intIn(PORT_VAR, DEFAULT_PORT, 0, 65535), env.string(PUBLIC_URL_VAR, null),
                env.string(APPLICATION_ID_VAR, d.applicationId()),
                env.string(APPLICATION_SECRET_VAR, d.applicationSecret()),
                env.string(REFRESH_TOKEN_VAR, d.refreshToken()),
                env.duration(ACCESS_TOKEN_TTL_VAR, d.accessTokenTtl(), Duration.ofSeconds(1), Duration.ofDays(400)),
                env.intIn(CALLS_PER_MINUTE_VAR, d.callsPerMinute(), 0, 1_000_000), d.handshakeTimeout(), d.clock());
        env.throwIfProblems();
        return s;
    }

    public DoubleSettings withPort(int newPort) {
        return with(b -> b.port = newPort);
    }

    public DoubleSettings withPublicUrl(String url) {
        return with(b -> b.publicUrl = url);
    }

    public DoubleSettings withCredentials(String id, String secret, String refresh) {
        return with(b -> {
            b.applicationId = id;
            b.applicationSecret = secret;
            b.refreshToken = refresh;
        });
    }

    public DoubleSettings withAccessTokenTtl(Duration ttl) {
        return with(b -> b.accessTokenTtl = ttl);
    }

    /** @param limit calls in any sliding 60 s window; 0 = unlimited (a backfill benchmark) */
    public DoubleSettings withCallsPerMinute(int limit) {
        return with(b -> b.callsPerMinute = limit);
    }

    public DoubleSettings withHandshakeTimeout(Duration timeout) {
        return with(b -> b.handshakeTimeout = timeout);
    }

    public DoubleSettings withClock(Clock newClock) {
        return with(b -> b.clock = newClock);
    }

    /** A copy with the changes {@code change} makes to the fields. */
    private DoubleSettings with(Consumer<Fields> change) {
        Fields f = new Fields();
        f.host = host;
        f.port = port;
        f.publicUrl = publicUrl;
        f.applicationId = applicationId;
        f.applicationSecret = applicationSecret;
        f.refreshToken = refreshToken;
        f.accessTokenTtl = accessTokenTtl;
        f.callsPerMinute = callsPerMinute;
        f.handshakeTimeout = handshakeTimeout;
        f.clock = clock;
        change.accept(f);
        return new DoubleSettings(f.host, f.port, f.publicUrl, f.applicationId, f.applicationSecret, f.refreshToken,
                f.accessTokenTtl, f.callsPerMinute, f.handshakeTimeout, f.clock);
    }

    /** The mutable copy behind {@link #with}. */
    private static final class Fields {
        String host;
        int port;
        String publicUrl;
        String applicationId;
        String applicationSecret;
        String refreshToken;
        Duration accessTokenTtl;
        int callsPerMinute;
        Duration handshakeTimeout;
        Clock clock;
    }

    @Override
    public String toString() {
        return "DoubleSettings[host=" + host + ", port=" + port + ", publicUrl=" + publicUrl + ", applicationId="
                + applicationId + ", applicationSecret=" + Secrets.mask(applicationSecret) + ", refreshToken="
                + Secrets.mask(refreshToken) + ", accessTokenTtl=" + accessTokenTtl + ", callsPerMinute="
                + callsPerMinute + ", handshakeTimeout=" + handshakeTimeout + "]";
    }
}
