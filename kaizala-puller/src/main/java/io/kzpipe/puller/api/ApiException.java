package io.kzpipe.puller.api;

/**
 * A Kaizala call that failed for good: a status that is not retried (4xx other than 401 once, 308 and 429), or
 * retries exhausted. The message names the endpoint and status, never a secret or a token response body.
 */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status, or 0 when no answer came (timeout, connection refused)
     */
    public ApiException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public ApiException(int status, String message) {
        this(status, message, null);
    }

    /** HTTP status of the last answer; 0 when there was none. */
    public int status() {
        return status;
    }

    /** True when the connector credentials or the refresh token were refused (401 after a fresh token). */
    public boolean unauthorized() {
        return status == 401;
    }
}
