package io.kzpipe.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.javalin.http.Context;
import io.kzpipe.model.json.Json;

/** Writes JSON answers with the pipeline's one mapper ({@link Json#MAPPER}; the answer types spell their names). */
final class Replies {

    static final String JSON = "application/json";
    private static final ObjectWriter WRITER = Json.MAPPER.writer();

    private Replies() {}

    static void json(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = WRITER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + body.getClass().getSimpleName(), e);
        }
        ctx.status(status).contentType(JSON).result(bytes);
    }
}
