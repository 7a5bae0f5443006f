package io.kzpipe.puller.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What of the Kaizala authentication must survive a restart (docs/KAIZALA-API.md): the refresh token in use (the configured one,
 * or the one Kaizala rotated it to: the old one is then invalid) and the data endpoint last returned or moved to.
 * {@code configuredHash} is the SHA-256 of the refresh token the operator configured when this state began: when the
 * configured token changes, the operator replaced it on purpose and it wins over a stored one ({@link #resolve}).
 * The access token is not kept: it is fetched again after a restart (one call). Immutable; {@link #toString()} masks.
 *
 * @param refreshToken   the refresh token to use next
 * @param endpointUrl    data API root, e.g. {@code https://kms.kaiza.la}; {@code null} until the first token call
 * @param configuredHash SHA-256 (hex) of the configured refresh token this state descends from
 */
public record TokenState(String refreshToken, String endpointUrl, String configuredHash) {

    /** The state to start from: the stored one while the configured token is unchanged, else the configured token. */
    public static TokenState resolve(String configuredRefreshToken, TokenState stored) {
        String hash = hash(configuredRefreshToken);
        if (stored != null && hash.equals(stored.configuredHash()) && stored.refreshToken() != null) {
            return stored;
        }
        return new TokenState(configuredRefreshToken, stored == null ? null : stored.endpointUrl(), hash);
    }

    public TokenState withRefreshToken(String token) {
        return new TokenState(token, endpointUrl, configuredHash);
    }

    public TokenState withEndpointUrl(String url) {
        return new TokenState(refreshToken, url, configuredHash);
    }

    /** SHA-256 hex of {@code value} ({@code ""} hashes too). */
    public static String hash(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of()
                    .formatHex(digest.digest((value == null ? "" : value).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "TokenState[refreshToken=" + Mask.token(refreshToken) + ", endpointUrl=" + endpointUrl + "]";
    }
}
