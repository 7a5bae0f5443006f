package io.kzpipe.kaizaladouble;

/** An error answer of the double's API: the status and a reason, answered as {@code {"error": reason}}. */
final class ApiException extends RuntimeException {

    private final int status;

    ApiException(int status, String reason) {
        super(reason);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String reason) {
        return new ApiException(400, reason);
    }

    static ApiException notFound(String reason) {
        return new ApiException(404, reason);
    }
}
