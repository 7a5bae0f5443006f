package io.kzpipe.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;

/** Writes JSON answers (camelCase records, as the webhook contract spells them). */
final class Replies {

    static final String JSON = "application/json";
    private static final ObjectWriter WRITER = JsonMapper.builder().build().writer();

    private Replies() {
    }

    static void json(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = WRITER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass().getSimpleName(), e);
        }
        json(ctx, status, bytes);
    }

    /** Writes {@code json}, already serialized. */
    static void json(Context ctx, int status, byte[] json) {
        ctx.status(status).contentType(JSON).result(json);
    }
}
