package io.kzpipe.kaizaladouble;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The connector's credentials and the access tokens handed out. One connector (application id, secret, one valid
 * refresh token). A rotation, once requested, happens on the next successful token call: that answer carries the
 * new refresh token and the old one stops working (Kaizala rotates at ~90% of the refresh token's life; the double
 * only when told). Thread-safe.
 */
final class Tokens {

    /** The answer of a successful token call. */
    record Issued(String accessToken, long expiryEpochMs, String rotatedRefreshToken) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String applicationId;
    private final String applicationSecret;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Long> accessExpiry = new ConcurrentHashMap<>();
    private String refreshToken;
    private boolean rotateOnNext;
    private int rotations;

    Tokens(DoubleSettings settings) {
        this.applicationId = settings.applicationId();
        this.applicationSecret = settings.applicationSecret();
        this.refreshToken = settings.refreshToken();
        this.ttl = settings.accessTokenTtl();
        this.clock = settings.clock();
    }

    /** A new access token, or null when a credential is wrong (compared in constant time). */
    synchronized Issued issue(String appId, String secret, String refresh) {
        if (!same(applicationId, appId) || !same(applicationSecret, secret) || !same(refreshToken, refresh)) {
            return null;
        }
        String rotated = null;
        if (rotateOnNext) {
            rotateOnNext = false;
            rotations++;
            refreshToken = "rt-" + random(24);
            rotated = refreshToken;
        }
        String access = "at-" + random(32);
        long expiry = clock.millis() + ttl.toMillis();
        accessExpiry.put(access, expiry);
        return new Issued(access, expiry, rotated);
    }

    /** True when {@code token} was issued and has not expired. */
    boolean valid(String token) {
        if (token == null) {
            return false;
        }
        Long expiry = accessExpiry.get(token);
        return expiry != null && clock.millis() < expiry;
    }

    /** Every access token issued so far stops working now. */
    void expireAll() {
        accessExpiry.replaceAll((k, v) -> Long.MIN_VALUE);
    }

    synchronized void rotateOnNextCall() {
        rotateOnNext = true;
    }

    synchronized String refreshToken() {
        return refreshToken;
    }

    synchronized int rotations() {
        return rotations;
    }

    static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static boolean same(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }
}
