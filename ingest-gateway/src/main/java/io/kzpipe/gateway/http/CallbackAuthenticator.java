package io.kzpipe.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Checks the {@code kz-callback-token} header against the configured tokens (several, so a token can rotate
 * without downtime). Both sides are hashed with SHA-256 and the 32-byte digests compared with
 * {@link MessageDigest#isEqual} against every configured token, without stopping at a match: the time taken
 * reveals neither the tokens' lengths nor which token matched. Never logs or keeps the presented value.
 * Thread-safe.
 */
public final class CallbackAuthenticator {

    /** The header Kaizala sends the registered {@code callBackToken} in. */
    public static final String HEADER = "kz-callback-token";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(CallbackAuthenticator::sha256);

    private final List<byte[]> tokenDigests;

    /** @param tokens accepted tokens; empty means authentication is off (an explicit opt-in, see GatewayConfig) */
    public CallbackAuthenticator(List<String> tokens) {
        this.tokenDigests = tokens.stream().map(CallbackAuthenticator::digest).toList();
    }

    /** Whether a request presenting {@code headerValue} (may be {@code null}) may post events. */
    public boolean isAuthorized(String headerValue) {
        if (tokenDigests.isEmpty()) {
            return true;
        }
        if (headerValue == null) {
            return false;
        }
        byte[] presented = digest(headerValue);
        boolean match = false;
        for (byte[] expected : tokenDigests) {
            match |= MessageDigest.isEqual(presented, expected);
        }
        return match;
    }

    private static byte[] digest(String value) {
        return SHA256.get().digest(value.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
