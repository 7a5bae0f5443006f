package io.kzpipe.kaizaladouble;

/**
 * One webhook event the double POSTed (no retries: a failed push stays failed and is listed here).
 *
 * @param webhookId   the subscription
 * @param callbackUrl where it went
 * @param eventType   e.g. {@code SurveyResponse}
 * @param eventId     the envelope's eventId
 * @param responseId  the response it carries
 * @param body        the exact JSON body sent
 * @param status      the HTTP status answered, or 0 when no answer came
 * @param error       why no answer came, or null
 */
public record Delivery(String webhookId, String callbackUrl, String eventType, String eventId, String responseId,
        String body, int status, String error) {

    /** True when the callback answered 2xx. */
    public boolean delivered() {
        return status >= 200 && status < 300;
    }
}
