package io.kzpipe.gateway.http;

import io.javalin.http.Context;
import io.kzpipe.gateway.http.model.WebhookReply;
import io.kzpipe.gateway.kafka.EventPublisher;
import io.kzpipe.gateway.kafka.GatewayRecords;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kaizala webhook endpoint ({@code GET}/{@code POST} on the webhook path).
 *
 * <ul>
 *   <li>Any request with a {@code validationToken} query parameter is the handshake: 200 {@code text/plain} with
 *       the URL-decoded token as body; no authentication, nothing published.</li>
 *   <li>A post is authenticated ({@link CallbackAuthenticator}), read within the size limit
 *       ({@link BoundedBodyReader}), validated ({@link EnvelopeValidator}) and published: a valid event to the
 *       raw topic, anything else to the dead-letter topic (or refused with 400/422 in strict mode).</li>
 *   <li>The 200 is written only after Kafka acknowledged the record. Any publish failure gives 503 with
 *       {@code Retry-After}; the wait is bounded by the producer's {@code delivery.timeout.ms}, which
 *       {@code ProducerProperties} sets to the publish timeout (the producer guarantees to fail a record it could
 *       not deliver by then, so no second timer is kept per request).</li>
 * </ul>
 *
 * <p>Threading: the HTTP thread authenticates, reads and validates, hands the record to the publisher (which
 * never blocks) and returns. The answer is produced in the producer's completion callback, without a thread
 * hand-off: it is small, so writing it only fills Jetty's response buffer, and completing the request starts
 * a non-blocking flush that Jetty's selector finishes if the socket is full. The Kafka client's I/O thread
 * therefore never waits for a client. An answer that could outgrow that buffer (an accepted event with an
 * unusually long {@code eventId}) is written on {@code responseExecutor} (the HTTP thread pool) instead. Errors are thrown as {@link ApiError} and rendered
 * by {@link ErrorResponses}.
 */
public final class WebhookHandler {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
    static final String VALIDATION_TOKEN = "validationToken";
    /** Longest eventId answered from the producer callback: even fully escaped it stays far below Jetty's 8 KiB buffer. */
    static final int DIRECT_ANSWER_MAX_EVENT_ID_CHARS = 1024;

    private final CallbackAuthenticator authenticator;
    private final BoundedBodyReader bodyReader;
    private final EnvelopeValidator validator;
    private final GatewayRecords records;
    private final EventPublisher publisher;
    private final GatewayMetrics metrics;
    private final Executor responseExecutor;
    private final Clock clock;
    private final boolean strictMode;
    private final int maxValidationTokenBytes;
    private final AtomicBoolean publishFailing = new AtomicBoolean();

    public WebhookHandler(Settings settings, CallbackAuthenticator authenticator, EnvelopeValidator validator,
            GatewayRecords records, EventPublisher publisher, GatewayMetrics metrics, Executor responseExecutor,
            Clock clock) {
        this.authenticator = authenticator;
        this.bodyReader = new BoundedBodyReader(settings.maxBodyBytes());
        this.validator = validator;
        this.records = records;
        this.publisher = publisher;
        this.metrics = metrics;
        this.responseExecutor = responseExecutor;
        this.clock = clock;
        this.strictMode = settings.strictMode();
        this.maxValidationTokenBytes = settings.maxValidationTokenBytes();
    }

    /** The handler's limits and modes (a subset of GatewayConfig, so tests can state only what matters). */
    public record Settings(int maxBodyBytes, int maxValidationTokenBytes, boolean strictMode) {}

    /** {@code GET}: only the handshake is defined. */
    public void get(Context ctx) {
        long start = System.nanoTime();
        String token = validationToken(ctx.queryString(), start);
        if (token == null) {
            throw failed(ApiError.badRequest("missing_validation_token",
                    "GET is only used for the validation handshake (?validationToken=...)"), start);
        }
        handshake(ctx, token, start);
    }

    /** {@code POST}: the handshake when {@code validationToken} is present, else an event. */
    public void post(Context ctx) {
        long start = System.nanoTime();
        long receivedAt = clock.millis();
        String query = ctx.queryString();
        if (query != null) {
            String token = validationToken(query, start);
            if (token != null) {
                handshake(ctx, token, start);
                return;
            }
        }
        String requestId = ctx.attribute(RequestIds.ATTRIBUTE);
        if (!authenticator.isAuthorized(ctx.header(CallbackAuthenticator.HEADER))) {
            LOG.debug("request {} from {}: missing or invalid callback token", requestId, ctx.ip());
            throw failed(ApiError.unauthorized(), start);
        }
        byte[] body;
        try {
            body = bodyReader.read(ctx.req());
        } catch (ApiError e) {
            throw failed(e, start);
        } catch (IOException e) {
            LOG.debug("request {}: body could not be read: {}", requestId, e.toString());
            throw failed(ApiError.badRequest("unreadable_body", "the request body could not be read"), start);
        }
        metrics.bodySize(body.length);
        Verdict verdict = validator.validate(body);
        String contentType = ctx.header("Content-Type");
        ProducerRecord<String, byte[]> record;
        if (verdict.isAccepted()) {
            record = records.accepted(verdict.key(), body, receivedAt, requestId, contentType);
        } else {
            metrics.deadLetter(verdict.reason());
            LOG.debug("request {}: {} ({})", requestId, verdict.reason().code(), verdict.detail());
            if (strictMode) {
                throw failed(ApiError.rejected(verdict), start);
            }
            record = records.deadLetter(body, receivedAt, requestId, contentType, verdict.reason().code(),
                    verdict.detail());
        }
        long publishStart = System.nanoTime();
        CompletableFuture<Void> acked = publisher.publish(record);
        BiFunction<Void, Throwable, Void> answer = (ok, error) -> {
            metrics.published(verdict.isAccepted(), error == null, publishStart);
            if (error != null) {
                throw new CompletionException(failed(publishFailure(requestId, error), start));
            }
            if (publishFailing.get() && publishFailing.compareAndSet(true, false)) {
                LOG.info("publishing to Kafka works again");
            }
            Replies.json(ctx, 200,
                    verdict.isAccepted()
                            ? WebhookReply.accepted(verdict.eventId())
                            : WebhookReply.deadLettered(verdict.reason()));
            metrics.request(verdict.isAccepted() ? Outcome.ACCEPTED : Outcome.DEAD_LETTERED, start);
            return null;
        };
        boolean largeAnswer = verdict.isAccepted() && verdict.eventId().length() > DIRECT_ANSWER_MAX_EVENT_ID_CHARS;
        ctx.future(() -> largeAnswer ? acked.handleAsync(answer, responseExecutor) : acked.handle(answer));
    }

    private void handshake(Context ctx, String token, long start) {
        if (token.getBytes(StandardCharsets.UTF_8).length > maxValidationTokenBytes) {
            throw failed(ApiError.badRequest("validation_token_too_long",
                    "validationToken exceeds " + maxValidationTokenBytes + " bytes"), start);
        }
        ctx.status(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-store")
                .contentType("text/plain; charset=utf-8")
                .result(token.getBytes(StandardCharsets.UTF_8));
        metrics.request(Outcome.HANDSHAKE, start);
    }

    /**
     * The URL-decoded value of the first {@code validationToken} parameter, {@code null} when absent.
     *
     * @throws ApiError 400 when the value is not valid percent-encoding
     */
    private String validationToken(String query, long start) {
        try {
            return validationToken(query);
        } catch (ApiError e) {
            throw failed(e, start);
        }
    }

    static String validationToken(String query) {
        if (query == null) {
            return null;
        }
        int from = 0;
        while (from <= query.length()) {
            int end = query.indexOf('&', from);
            if (end < 0) {
                end = query.length();
            }
            int eq = query.indexOf('=', from);
            int nameEnd = eq >= 0 && eq < end ? eq : end;
            if (query.startsWith(VALIDATION_TOKEN, from) && nameEnd - from == VALIDATION_TOKEN.length()) {
                String raw = nameEnd < end ? query.substring(nameEnd + 1, end) : "";
                try {
                    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw ApiError.badRequest("invalid_validation_token", "validationToken is not valid URL encoding");
                }
            }
            from = end + 1;
        }
        return null;
    }

    /** Counts {@code error} as the request's outcome and returns it, for {@code throw failed(...)}. */
    private ApiError failed(ApiError error, long start) {
        metrics.request(error.outcome(), start);
        return error;
    }

    private ApiError publishFailure(String requestId, Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof RecordTooLargeException) {
            // permanent: retrying the same body cannot succeed, so do not invite retries with a 503
            LOG.warn("request {}: record refused by Kafka as too large ({})", requestId, cause.getMessage());
            return ApiError.tooLarge("the event exceeds the Kafka record size limit");
        }
        if (publishFailing.compareAndSet(false, true)) {
            LOG.warn("publishing to Kafka failed ({}); answering 503 until it works again", cause.toString());
        }
        LOG.debug("request {}: publish failed: {}", requestId, cause.toString());
        return ApiError.unavailable();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
