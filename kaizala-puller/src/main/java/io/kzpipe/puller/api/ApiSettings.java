package io.kzpipe.puller.api;

import io.kzpipe.model.config.EnvReader;
import java.net.URI;
import java.time.Duration;

/**
 * How to reach and authenticate with Kaizala (docs/KAIZALA-API.md), from env; the secrets also from {@code <NAME>_FILE}.
 * Immutable; {@link #toString()} masks the secret and the refresh token.
 *
 * @param apiUrl            bootstrap root that serves {@code /v1/accessToken} ({@code KAIZALA_API_URL})
 * @param applicationId     connector id ({@code KAIZALA_APPLICATION_ID})
 * @param applicationSecret connector secret ({@code KAIZALA_APPLICATION_SECRET})
 * @param refreshToken      refresh token as configured ({@code KAIZALA_REFRESH_TOKEN}); a rotated one is state
 * @param callsPerMinute    calls that may start in any 60 s window ({@code PULLER_CALLS_PER_MINUTE})
 * @param timeout           connect and request timeout of one call ({@code PULLER_HTTP_TIMEOUT}; Kaizala suggests
 *                          1 minute)
 */
public record ApiSettings(URI apiUrl, String applicationId, String applicationSecret, String refreshToken,
        int callsPerMinute, Duration timeout) {

    public static final String DEFAULT_API_URL = "https://api.kaiza.la";
    /** The documented budget of one connector (docs/KAIZALA-API.md). */
    public static final int DEFAULT_CALLS_PER_MINUTE = 100;

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

    /** Reads the settings; a missing credential or a bad value is a problem in {@code env}. */
    public static ApiSettings from(EnvReader env) {
        String url = env.string("KAIZALA_API_URL", DEFAULT_API_URL);
        URI uri = null;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                env.problem("KAIZALA_API_URL",
                        "must be an http(s) URL like " + DEFAULT_API_URL + ", got '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            env.problem("KAIZALA_API_URL", "must be an http(s) URL like " + DEFAULT_API_URL + ", got '" + url + "'");
        }
        String id = required(env, "KAIZALA_APPLICATION_ID");
        String secret = required(env, "KAIZALA_APPLICATION_SECRET");
        String refresh = required(env, "KAIZALA_REFRESH_TOKEN");
        return new ApiSettings(uri, id, secret, refresh,
                env.intIn("PULLER_CALLS_PER_MINUTE", DEFAULT_CALLS_PER_MINUTE, 1, 100_000),
                env.duration("PULLER_HTTP_TIMEOUT", DEFAULT_TIMEOUT, Duration.ofMillis(100), Duration.ofMinutes(10)));
    }

    private static String required(EnvReader env, String name) {
        String v = env.secret(name);
        if (v == null && env.problems().stream().noneMatch(p -> p.startsWith(name))) {
            env.problem(name, "is required (or " + name + "_FILE naming a file that holds it)");
        }
        return v;
    }

    @Override
    public String toString() {
        return "ApiSettings[apiUrl=" + apiUrl + ", applicationId=" + applicationId + ", applicationSecret="
                + Mask.token(applicationSecret) + ", refreshToken=" + Mask.token(refreshToken) + ", callsPerMinute="
                + callsPerMinute + ", timeout=" + timeout + "]";
    }
}
