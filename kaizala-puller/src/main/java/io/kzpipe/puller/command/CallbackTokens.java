package io.kzpipe.puller.command;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Fresh callback tokens (the {@code kz-callback-token} Kaizala sends with every event, docs/KAIZALA-API.md) from
 * {@link SecureRandom}. The gateway's tokens file they go into is {@link io.kzpipe.model.config.CallbackTokenFile}.
 */
public final class CallbackTokens {

    /** 32 random bytes = 256 bits, as 43 URL-safe Base64 characters (no padding). */
    static final int TOKEN_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private CallbackTokens() {}

    public static String fresh() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
