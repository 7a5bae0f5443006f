package io.kzpipe.gateway.http;

import java.util.Locale;

/** How a webhook request ended; the {@code outcome} tag of {@code kz_gateway_requests_total}. */
public enum Outcome {
    ACCEPTED, DEAD_LETTERED, UNAUTHORIZED, TOO_LARGE, BAD_REQUEST, UNAVAILABLE, HANDSHAKE;

    private final String tag = name().toLowerCase(Locale.ROOT);

    public String tag() {
        return tag;
    }
}
