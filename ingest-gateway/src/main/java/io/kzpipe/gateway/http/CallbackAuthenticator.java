package io.kzpipe.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.List;

/**
 * Checks the {@code kz-callback-token} header against the configured tokens (several, so a token can rotate
 * without downtime). Both sides are hashed with SHA-256 and the 32-byte digests compared with
 * {@link MessageDigest#isEqual} against every configured token, without stopping at a match: the time taken
 * reveals neither the tokens' lengths nor which token matched. Never logs or keeps the presented value.
 * The accepted set can be replaced while requests run ({@link #replaceTokens}, by {@link CallbackTokenWatcher}
 * when the tokens file changes): a request reads it once, through one volatile read. Thread-safe.
 */
public final class CallbackAuthenticator {

    /** The header Kaizala sends the registered {@code callBackToken} in. */
    public static final String HEADER = "kz-callback-token";

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(CallbackAuthenticator::sha256);

    private final boolean open;
    private volatile List<byte[]> tokenDigests;

    private CallbackAuthenticator(boolean open, Collection<String> tokens) {
        this.open = open;
        this.tokenDigests = digests(tokens);
    }

    /** Accepts exactly {@code tokens}; none accepts nothing (until {@link #replaceTokens} adds some). */
    public static CallbackAuthenticator requiring(Collection<String> tokens) {
        return new CallbackAuthenticator(false, tokens);
    }

    /** Authentication off: every post is accepted (an explicit opt-in, see GatewayConfig). */
    public static CallbackAuthenticator open() {
        return new CallbackAuthenticator(true, List.of());
    }

    /** From now on accepts exactly {@code tokens} (requests already checking finish with the old set). */
    public void replaceTokens(Collection<String> tokens) {
        if (open) {
            throw new IllegalStateException("authentication is off: there are no tokens to replace");
        }
        this.tokenDigests = digests(tokens);
    }

    /** Whether a request presenting {@code headerValue} (may be {@code null}) may post events. */
    public boolean isAuthorized(String headerValue) {
        if (open) {
            return true;
        }
        List<byte[]> accepted = tokenDigests;
        if (headerValue == null) {
            return false;
        }
        byte[] presented = digest(headerValue);
        boolean match = false;
        for (byte[] expected : accepted) {
            match |= MessageDigest.isEqual(presented, expected);
        }
        return match;
    }

    private static List<byte[]> digests(Collection<String> tokens) {
        return tokens.stream().map(CallbackAuthenticator::digest).toList();
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
