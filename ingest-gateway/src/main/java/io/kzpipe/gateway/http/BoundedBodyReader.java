package io.kzpipe.gateway.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a request body into one array, never more than {@code maxBytes} of it: a declared
 * {@code Content-Length} above the limit is refused before reading anything, and a body of unknown length
 * (chunked) is read up to one byte past the limit and refused there. A body of known length is read straight
 * into an array of exactly that size (no intermediate buffer).
 */
final class BoundedBodyReader {

    private final int maxBytes;

    BoundedBodyReader(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @throws ApiError 413 when the body exceeds the limit; 400 when it ends before its declared length
     * @throws IOException when the connection fails while reading
     */
    byte[] read(HttpServletRequest request) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            throw ApiError.tooLarge(maxBytes);
        }
        InputStream in = request.getInputStream();
        if (declared >= 0) {
            byte[] body = new byte[(int) declared];
            int read = in.readNBytes(body, 0, body.length);
            if (read < body.length) {
                throw ApiError.badRequest("incomplete_body",
                        "request body ended after " + read + " of " + declared + " declared bytes");
            }
            return body;
        }
        byte[] body = in.readNBytes(maxBytes + 1);
        if (body.length > maxBytes) {
            throw ApiError.tooLarge(maxBytes);
        }
        return body;
    }
}
