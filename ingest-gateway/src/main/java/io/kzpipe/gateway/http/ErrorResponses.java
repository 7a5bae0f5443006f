package io.kzpipe.gateway.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.kzpipe.gateway.http.model.ErrorBody;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become HTTP answers, all with an {@link ErrorBody}: the gateway's own
 * {@link ApiError}s (with {@code Retry-After} on 503, {@code Connection: close} on 413, a challenge on 401),
 * Javalin's {@link HttpResponseException}s (404, 405, …) and anything unexpected (500, logged with the request id).
 */
final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);

    private final String retryAfterSeconds;

    ErrorResponses(int retryAfterSeconds) {
        this.retryAfterSeconds = Integer.toString(retryAfterSeconds);
    }

    void apiError(ApiError e, Context ctx) {
        switch (e.status()) {
            case 503 -> ctx.header("Retry-After", retryAfterSeconds);
            // the rest of an oversized body is not worth reading: close instead of draining it
            case 413 -> ctx.header("Connection", "close");
            case 401 -> ctx.header("WWW-Authenticate", "KzCallbackToken realm=\"kaizala-webhook\"");
            default -> {
            }
        }
        Replies.json(ctx, e.status(), e.body());
    }

    void httpResponse(HttpResponseException e, Context ctx) {
        String reason = HttpStatus.forStatus(e.getStatus()).getMessage();
        String code = reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
        List<String> details = e.getDetails().entrySet().stream().map(d -> d.getKey() + ": " + d.getValue()).toList();
        Replies.json(ctx, e.getStatus(), new ErrorBody(code, String.valueOf(e.getMessage()), details));
    }

    void unexpected(Exception e, Context ctx) {
        LOG.error("request {} {} {} failed", ctx.attribute(RequestIds.ATTRIBUTE), ctx.method(), ctx.path(), e);
        Replies.json(ctx, 500, new ErrorBody("internal_error",
                "unexpected error; see the gateway log for this " + "request id", List.of()));
    }
}
