package io.kzpipe.gateway.http.model;

import java.util.List;

/**
 * The one JSON shape of every error answer: {@code {"code":"…","message":"…","details":["…"]}}.
 *
 * @param code    machine-readable, e.g. {@code unauthorized}, {@code too_large}, {@code invalid_json}
 * @param message for humans; never contains a token or other secret
 * @param details further facts (which field, which byte offset); may be empty
 */
public record ErrorBody(String code, String message, List<String> details) {

    public ErrorBody {
        details = List.copyOf(details);
    }
}
