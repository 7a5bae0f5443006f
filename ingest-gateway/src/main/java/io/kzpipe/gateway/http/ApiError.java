package io.kzpipe.gateway.http;

import io.kzpipe.gateway.http.model.ErrorBody;
import java.util.List;

/**
 * An error answer decided by the gateway: status, outcome (for metrics) and body. Thrown by handlers (or used
 * to fail their futures) and turned into a response in one place, {@link ErrorResponses}. No stack trace:
 * these are expected answers, not bugs.
 */
public final class ApiError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient Outcome outcome;
    private final transient ErrorBody body;

    public ApiError(int status, Outcome outcome, String code, String message, List<String> details) {
        super(code + ": " + message, null, false, false);
        this.status = status;
        this.outcome = outcome;
        this.body = new ErrorBody(code, message, details);
    }

    public static ApiError unauthorized() {
        // the same answer for a missing and a wrong token: nothing tells a caller which it was
        return new ApiError(401, Outcome.UNAUTHORIZED, "unauthorized", "missing or invalid kz-callback-token header",
                List.of());
    }

    public static ApiError tooLarge(long limit) {
        return tooLarge("request body exceeds " + limit + " bytes");
    }

    public static ApiError tooLarge(String message) {
        return new ApiError(413, Outcome.TOO_LARGE, "too_large", message, List.of());
    }

    public static ApiError badRequest(String code, String message) {
        return new ApiError(400, Outcome.BAD_REQUEST, code, message, List.of());
    }

    public static ApiError rejected(Verdict verdict) {
        return new ApiError(verdict.reason().strictStatus(), Outcome.BAD_REQUEST, verdict.reason().code(),
                "body is not a valid Kaizala webhook event", List.of(verdict.detail()));
    }

    public static ApiError unavailable() {
        return new ApiError(503, Outcome.UNAVAILABLE, "unavailable",
                "the event could not be stored in Kafka in time; retry later", List.of());
    }

    public int status() {
        return status;
    }

    public Outcome outcome() {
        return outcome;
    }

    public ErrorBody body() {
        return body;
    }
}
