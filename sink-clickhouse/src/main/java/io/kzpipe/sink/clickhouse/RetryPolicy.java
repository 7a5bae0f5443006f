package io.kzpipe.sink.clickhouse;

import com.clickhouse.client.api.ClickHouseException;
import com.clickhouse.client.api.ClientMisconfigurationException;
import com.clickhouse.client.api.ConnectionInitiationException;
import com.clickhouse.client.api.ServerException;
import io.kzpipe.sink.config.SinkConfig;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What to do when ClickHouse fails an insert, and how long to wait before the next attempt.
 *
 * <ul>
 *   <li>{@link Kind#DATA}: ClickHouse refuses the data itself (cannot parse a value, type mismatch, ...).
 *       Retrying the same rows cannot succeed: the caller isolates the bad rows and dead-letters them.</li>
 *   <li>{@link Kind#FATAL}: our SQL or the deployment is wrong (unknown table, database or column, syntax,
 *       authentication, misconfigured client) or the failure is not ClickHouse's at all (a bug). Retrying
 *       cannot help; the sink stops loudly without committing, so nothing is lost.</li>
 *   <li>{@link Kind#RETRIABLE}: everything else: network errors, timeouts, server overload
 *       ({@code TOO_MANY_PARTS}, memory limit), unknown server codes. Retried forever with capped
 *       exponential backoff and jitter; nothing is skipped.</li>
 * </ul>
 *
 * <p>Backoff: errors ClickHouse reports (overload above all) back off up to {@code SINK_RETRY_MAX}, where waiting
 * helps. While ClickHouse cannot be reached at all ({@link #unreachable}: connection refused, no route, no answer
 * or a dropped connection) an attempt costs it nothing, so the wait is capped at {@code SINK_RETRY_UNREACHABLE_MAX}
 * and the sink resumes about that soon after ClickHouse answers again (a restarted server, not only a paused one).
 *
 * <p>The server code comes from client-v2's {@link ServerException#getCode()} or, when the client could
 * not read it (0), from the {@code Code: N} prefix of ClickHouse's message. Thread-safe.
 */
public final class RetryPolicy {

    /** How a failure is handled. */
    public enum Kind {
        RETRIABLE, DATA, FATAL
    }

    /** ClickHouse error codes meaning "these rows cannot be inserted" (src/Common/ErrorCodes.cpp). */
    static final Set<Integer> DATA_CODES = Set.of(6, // CANNOT_PARSE_TEXT
            25, // CANNOT_PARSE_ESCAPE_SEQUENCE
            26, // CANNOT_PARSE_QUOTED_STRING
            27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            32, // ATTEMPT_TO_READ_AFTER_EOF
            33, // CANNOT_READ_ALL_DATA
            38, // CANNOT_PARSE_DATE
            41, // CANNOT_PARSE_DATETIME
            53, // TYPE_MISMATCH
            69, // ARGUMENT_OUT_OF_BOUND
            70, // CANNOT_CONVERT_TYPE
            72, // CANNOT_PARSE_NUMBER
            117, // INCORRECT_DATA
            130, // CANNOT_READ_ARRAY_FROM_TEXT
            131, // TOO_LARGE_STRING_SIZE
            349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
            377 // CANNOT_PARSE_BOOL (newer servers)
    );

    /** Codes no retry can fix: schema, SQL or credentials are wrong. */
    static final Set<Integer> FATAL_CODES = Set.of(16, // NO_SUCH_COLUMN_IN_TABLE
            47, // UNKNOWN_IDENTIFIER
            60, // UNKNOWN_TABLE
            62, // SYNTAX_ERROR
            73, // UNKNOWN_FORMAT
            81, // UNKNOWN_DATABASE
            115, // UNKNOWN_SETTING
            192, // UNKNOWN_USER
            193, // WRONG_PASSWORD
            194, // REQUIRED_PASSWORD
            497, // ACCESS_DENIED
            516 // AUTHENTICATION_FAILED
    );

    private static final int MAX_CAUSES = 8;
    private static final Pattern CODE = Pattern.compile("Code:\\s*(\\d+)");

    private final SinkConfig.Retry settings;
    private final DoubleSupplier random;

    public RetryPolicy(SinkConfig.Retry settings) {
        this(settings, Math::random);
    }

    /** With a source of random numbers in [0, 1) for the jitter (tests pass a fixed one). */
    public RetryPolicy(SinkConfig.Retry settings, DoubleSupplier random) {
        this.settings = settings;
        this.random = random;
    }

    /** Classifies a failure of an insert (exceptions wrapped by futures are unwrapped). */
    public Kind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ServerException se) {
                int code = serverCode(se);
                if (DATA_CODES.contains(code)) {
                    return Kind.DATA;
                }
                return FATAL_CODES.contains(code) ? Kind.FATAL : Kind.RETRIABLE;
            }
            if (t instanceof ClientMisconfigurationException) {
                return Kind.FATAL;
            }
            if (t instanceof IOException || t instanceof TimeoutException) {
                return Kind.RETRIABLE;
            }
        }
        // any other client-v2 failure is about the connection or the transfer, not about the rows
        return hasCause(failure, ClickHouseException.class) ? Kind.RETRIABLE : Kind.FATAL;
    }

    /** The ClickHouse error code of {@code se}, read from its message when the client reports 0. */
    public static int serverCode(ServerException se) {
        if (se.getCode() != ServerException.CODE_UNKNOWN) {
            return se.getCode();
        }
        Matcher m = CODE.matcher(String.valueOf(se.getMessage()));
        return m.find() ? Integer.parseInt(m.group(1)) : ServerException.CODE_UNKNOWN;
    }

    /**
     * True when {@code failure} means ClickHouse could not be reached, as opposed to an error it reported or an
     * answer that took too long: the connection was refused, could not be made, or broke without an answer
     * (client-v2's {@link ConnectionInitiationException}, a {@link SocketException} such as a reset or a broken pipe
     * on a pooled connection the server closed).
     */
    public static boolean unreachable(Throwable failure) {
        return !hasCause(failure, ServerException.class)
                && (hasCause(failure, ConnectionInitiationException.class) || hasCause(failure, SocketException.class));
    }

    /** Delay before attempt {@code failures + 1}, after {@code failures} (≥ 1) consecutive failures. */
    public Duration backoff(int failures) {
        return backoff(failures, settings.max());
    }

    /** As {@link #backoff(int)}, capped at {@code SINK_RETRY_UNREACHABLE_MAX} when {@code latest} is {@link #unreachable}. */
    public Duration backoff(int failures, Throwable latest) {
        return backoff(failures,
                unreachable(latest) && settings.unreachableMax().compareTo(settings.max()) < 0
                        ? settings.unreachableMax()
                        : settings.max());
    }

    private Duration backoff(int failures, Duration max) {
        double base = settings.initial().toMillis() * Math.pow(settings.multiplier(), Math.max(0, failures - 1));
        double capped = Math.min(base, max.toMillis());
        double jittered = capped * (1.0 - settings.jitterPercent() / 100.0 * random.getAsDouble());
        return Duration.ofMillis(Math.max(1, Math.round(jittered)));
    }

    /**
     * The failure and its causes, outermost first, as {@code Type: message <- Type: message ...}: client-v2 wraps
     * the real reason (connection refused, no response on a reused connection, a server error) in exceptions whose
     * own message only names the request. Stack traces are left out; the chain is bounded.
     */
    public static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder();
        int depth = 0;
        for (Throwable t = failure; t != null
                && depth < MAX_CAUSES; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (depth > 0) {
                out.append(" <- ");
            }
            out.append(t.getClass().getName());
            if (t.getMessage() != null) {
                out.append(": ").append(t.getMessage());
            }
        }
        return out.toString();
    }

    private static boolean hasCause(Throwable failure, Class<?> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
