package io.kzpipe.gateway.config;

import io.kzpipe.model.config.CallbackTokenFile;
import io.kzpipe.model.config.EnvReader;
import io.kzpipe.model.config.Secrets;
import io.kzpipe.model.config.SettingException;
import io.kzpipe.model.kafka.KafkaSettings;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.model.topic.TopicId;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Every setting of the ingest gateway, read once from the environment ({@link #fromEnv}). Immutable;
 * {@link #toString()} never shows a callback token or a secret-looking client setting.
 *
 * @param host                     interface the webhook server binds to ({@code GATEWAY_HOST})
 * @param port                     HTTP port of the webhook, and only of it ({@code GATEWAY_PORT}; 0 = any free port)
 * @param webhookPath              path Kaizala posts to ({@code GATEWAY_WEBHOOK_PATH})
 * @param callbackTokens           accepted values of the {@code kz-callback-token} header ({@code KAIZALA_CALLBACK_TOKENS})
 * @param callbackTokensFile       a file of further accepted values, one per line, re-read when it changes
 *                                 ({@code KAIZALA_CALLBACK_TOKENS_FILE}; {@code null} when unset)
 * @param allowUnauthenticated     accept posts without a token; only allowed when no token is configured
 * @param maxBodyBytes             largest accepted body; larger ones get 413 ({@code GATEWAY_MAX_BODY_BYTES})
 * @param maxJsonDepth             deepest accepted nesting of objects and arrays ({@code GATEWAY_MAX_JSON_DEPTH})
 * @param maxValidationTokenBytes  longest handshake token echoed, in UTF-8 bytes after URL-decoding
 * @param publishTimeout           longest wait for Kafka's acknowledgement before answering 503
 * @param retryAfterSeconds        value of {@code Retry-After} on 503 answers
 * @param strictMode               answer 400/422 for malformed bodies instead of dead-lettering them
 * @param maxThreads               size of the HTTP thread pool ({@code GATEWAY_MAX_THREADS})
 * @param shutdownTimeout          how long shutdown waits for in-flight requests ({@code GATEWAY_SHUTDOWN_TIMEOUT})
 * @param kafkaCheckInterval       period of the background Kafka readiness check ({@code GATEWAY_KAFKA_CHECK_INTERVAL})
 * @param managementHost           bind address of {@code /health/*} and {@code /metrics} ({@code GATEWAY_MANAGEMENT_HOST})
 * @param managementPort           port of {@code /health/*} and {@code /metrics} ({@code GATEWAY_MANAGEMENT_PORT}; 0 = any
 *                                 free port)
 * @param kafka                    bootstrap servers, topic names, topic creation and shared client settings
 * @param producerOverrides        {@code KAFKA_PRODUCER_*} settings, applied over {@link ProducerProperties}' defaults
 */
public record GatewayConfig(String host, int port, String webhookPath, List<String> callbackTokens,
        Path callbackTokensFile, boolean allowUnauthenticated, int maxBodyBytes, int maxJsonDepth,
        int maxValidationTokenBytes, Duration publishTimeout, int retryAfterSeconds, boolean strictMode, int maxThreads,
        Duration shutdownTimeout, Duration kafkaCheckInterval, String managementHost, int managementPort,
        KafkaSettings kafka, Map<String, String> producerOverrides) {

    public static final int DEFAULT_PORT = 8080;
    /** Well under the 5 s Kaizala allows for the handshake (it documents no limit for event posts). */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(2);
    /** Next to the processor's 8081 and the sink's 8082. */
    public static final int DEFAULT_MANAGEMENT_PORT = 8083;

    public static final String TOKENS_VAR = "KAIZALA_CALLBACK_TOKENS";
    public static final String TOKENS_FILE_VAR = "KAIZALA_CALLBACK_TOKENS_FILE";
    public static final String ALLOW_UNAUTHENTICATED_VAR = "GATEWAY_ALLOW_UNAUTHENTICATED";
    public static final String PRODUCER_PREFIX = "KAFKA_PRODUCER_";

    public GatewayConfig {
        callbackTokens = List.copyOf(callbackTokens);
        producerOverrides = Map.copyOf(producerOverrides);
    }

    /**
     * Reads and validates every setting.
     *
     * @throws SettingException listing every bad or conflicting value, not only the first
     */
    public static GatewayConfig fromEnv(Map<String, String> environment) {
        EnvReader env = new EnvReader(environment);
        String host = env.string("GATEWAY_HOST", "0.0.0.0");
        int port = env.intIn("GATEWAY_PORT", DEFAULT_PORT, 0, 65_535);
        String path = env.string("GATEWAY_WEBHOOK_PATH", "/webhooks/kaizala");
        if (!path.matches("/[A-Za-z0-9._~/-]*")) {
            env.problem("GATEWAY_WEBHOOK_PATH",
                    "must be a path like /webhooks/kaizala (letters, digits, . _ ~ - /), " + "got '" + path + "'");
        }
        List<String> tokens = env.list(TOKENS_VAR);
        Path tokensFile = tokensFile(env);
        boolean allowUnauthenticated = env.bool(ALLOW_UNAUTHENTICATED_VAR, false);
        boolean anyToken = !tokens.isEmpty() || tokensFile != null;
        if (!anyToken && !allowUnauthenticated) {
            env.problem(TOKENS_VAR,
                    "is required (comma-separated callback tokens), or " + TOKENS_FILE_VAR + " (a file of them, one "
                            + "per line); to accept unauthenticated posts set " + ALLOW_UNAUTHENTICATED_VAR
                            + "=true instead");
        } else if (anyToken && allowUnauthenticated) {
            env.problem(ALLOW_UNAUTHENTICATED_VAR,
                    "must not be true while " + TOKENS_VAR + " or " + TOKENS_FILE_VAR + " is set; set only one");
        }
        int maxBody = RecordLimits.from(env).maxBodyBytes();
        int maxDepth = env.intIn("GATEWAY_MAX_JSON_DEPTH", 64, 2, 1000);
        int maxValidationToken = env.intIn("GATEWAY_MAX_VALIDATION_TOKEN_BYTES", 1024, 1, 4096);
        Duration publishTimeout = env.duration("GATEWAY_PUBLISH_TIMEOUT", DEFAULT_PUBLISH_TIMEOUT,
                Duration.ofMillis(100), Duration.ofSeconds(60));
        int retryAfter = env.intIn("GATEWAY_RETRY_AFTER_SECONDS", 5, 0, 3600);
        boolean strict = env.bool("GATEWAY_STRICT_MODE", false);
        int maxThreads = env.intIn("GATEWAY_MAX_THREADS", 32, 8, 1000);
        Duration shutdownTimeout = env.duration("GATEWAY_SHUTDOWN_TIMEOUT", Duration.ofSeconds(10), Duration.ZERO,
                Duration.ofMinutes(5));
        Duration checkInterval = env.duration("GATEWAY_KAFKA_CHECK_INTERVAL", Duration.ofSeconds(5),
                Duration.ofMillis(100), Duration.ofMinutes(5));
        String managementHost = env.string("GATEWAY_MANAGEMENT_HOST", "0.0.0.0");
        int managementPort = env.intIn("GATEWAY_MANAGEMENT_PORT", DEFAULT_MANAGEMENT_PORT, 0, 65_535);
        if (managementPort != 0 && managementPort == port) {
            env.problem("GATEWAY_MANAGEMENT_PORT",
                    "must differ from GATEWAY_PORT (" + port + "): health and metrics " + "have a port of their own");
        }
        KafkaSettings kafka = KafkaSettings.from(env);
        Map<String, String> producerOverrides = env.passThrough(PRODUCER_PREFIX);

        GatewayConfig config = new GatewayConfig(host, port, path, tokens, tokensFile, allowUnauthenticated, maxBody,
                maxDepth, maxValidationToken, publishTimeout, retryAfter, strict, maxThreads, shutdownTimeout,
                checkInterval, managementHost, managementPort, kafka, producerOverrides);
        ProducerProperties.validate(config, env);
        env.throwIfProblems();
        return config;
    }

    /** {@code KAIZALA_CALLBACK_TOKENS_FILE}, absolute; a problem unless it can be read now (a start-up error). */
    private static Path tokensFile(EnvReader env) {
        String value = env.raw(TOKENS_FILE_VAR);
        if (value == null) {
            return null;
        }
        Path file = Path.of(value).toAbsolutePath().normalize();
        try {
            CallbackTokenFile.read(file);
        } catch (NoSuchFileException e) {
            env.problem(TOKENS_FILE_VAR, "names a file that does not exist: " + file);
        } catch (AccessDeniedException e) {
            env.problem(TOKENS_FILE_VAR, "names a file this user may not read: " + file);
        } catch (IOException | RuntimeException e) {
            env.problem(TOKENS_FILE_VAR, "cannot be read (" + file + "): " + e.getClass().getSimpleName());
        }
        return file;
    }

    /** Properties for the gateway's Kafka producer (safe defaults, then client and producer overrides). */
    public Map<String, Object> producerProps() {
        return ProducerProperties.build(this);
    }

    /** The pipeline's size limits, derived from {@link #maxBodyBytes}. */
    public RecordLimits limits() {
        return new RecordLimits(maxBodyBytes);
    }

    public String rawTopic() {
        return kafka.topics().name(TopicId.RAW);
    }

    public String deadLetterTopic() {
        return kafka.topics().name(TopicId.DLQ_GATEWAY);
    }

    /** Whether posts must carry a valid {@code kz-callback-token}. */
    public boolean authenticationRequired() {
        return !callbackTokens.isEmpty() || callbackTokensFile != null;
    }

    @Override
    public String toString() {
        return "GatewayConfig[host=" + host + ", port=" + port + ", webhookPath=" + webhookPath + ", callbackTokens="
                + callbackTokens.size() + " configured (values hidden)"
                + (callbackTokensFile == null ? "" : ", callbackTokensFile=" + callbackTokensFile)
                + ", allowUnauthenticated=" + allowUnauthenticated + ", maxBodyBytes=" + maxBodyBytes
                + ", maxJsonDepth=" + maxJsonDepth + ", maxValidationTokenBytes=" + maxValidationTokenBytes
                + ", publishTimeout=" + publishTimeout + ", retryAfterSeconds=" + retryAfterSeconds + ", strictMode="
                + strictMode + ", maxThreads=" + maxThreads + ", shutdownTimeout=" + shutdownTimeout
                + ", kafkaCheckInterval=" + kafkaCheckInterval + ", management=" + managementHost + ":" + managementPort
                + ", kafka=" + kafka + ", producer=" + Secrets.maskAll(producerOverrides) + "]";
    }
}
