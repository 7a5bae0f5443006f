package io.kzpipe.gateway.http;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: random (version 4 layout) UUIDs from {@link ThreadLocalRandom}, unique in practice and cheap
 * (no shared lock). They identify requests in logs and headers; they are not secrets.
 */
final class RequestIds {

    static final String RESPONSE_HEADER = "X-Request-Id";
    static final String ATTRIBUTE = "kz.requestId";

    private RequestIds() {}

    static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long most = (random.nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(most, least).toString();
    }
}
