package io.kzpipe.gateway.http;

/**
 * Why a body was not accepted as an event: the {@code kz-dlq-reason} codes of docs/DESIGN.md. Each reason also
 * names the status strict mode answers with: 400 when the body is not usable JSON, 422 when it is JSON but not
 * a Kaizala envelope.
 */
public enum DeadLetterReason {
    EMPTY_BODY("empty_body", 400), INVALID_UTF8("invalid_utf8", 400), INVALID_JSON("invalid_json", 400), TRUNCATED_JSON(
            "truncated_json", 400), TOO_DEEP("too_deep", 400), NOT_AN_OBJECT("not_an_object",
                    422), MISSING_FIELD("missing_field", 422), INVALID_FIELD("invalid_field", 422);

    private final String code;
    private final int strictStatus;

    DeadLetterReason(String code, int strictStatus) {
        this.code = code;
        this.strictStatus = strictStatus;
    }

    /** Machine-readable code, e.g. {@code invalid_json}. */
    public String code() {
        return code;
    }

    /** HTTP status in strict mode. */
    public int strictStatus() {
        return strictStatus;
    }
}
