package io.kzpipe.puller.api;

/**
 * Masks secrets (refresh and access tokens, callback tokens, the application secret) for logs and command output. A
 * token long enough to be random shows its first 4 characters, so an operator can tell two apart; a short value shows
 * nothing. Stateless.
 */
public final class Mask {

    /** Values shorter than this show no prefix at all. */
    static final int PREFIX_FROM_LENGTH = 16;

    private Mask() {}

    /** {@code abcd****} for a long token, {@code ****} for a short one, {@code ""} for none. */
    public static String token(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        return value.length() >= PREFIX_FROM_LENGTH ? value.substring(0, 4) + "****" : "****";
    }
}
