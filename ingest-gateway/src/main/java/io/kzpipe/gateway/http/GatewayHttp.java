package io.kzpipe.gateway.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the gateway's public HTTP server: the webhook and nothing else (health and metrics are on the
 * management port, {@code GATEWAY_MANAGEMENT_PORT}), an {@code X-Request-Id} on every answer, error answers from
 * {@link ErrorResponses}. Stopping the returned server is graceful: it stops accepting connections, lets
 * in-flight requests finish for up to {@code shutdownTimeout} (new requests on open connections get 503
 * meanwhile), then closes.
 */
public final class GatewayHttp {

    static final int RESPONSE_COPY_BUFFER_BYTES = 1024;

    private GatewayHttp() {}

    /** What the server needs to know; a subset of GatewayConfig. */
    public record Settings(String host, int port, String webhookPath, int maxBodyBytes, int retryAfterSeconds,
            Duration shutdownTimeout) {}

    /** An HTTP thread pool of at most {@code maxThreads} named {@code gateway-http-N}. */
    public static QueuedThreadPool threadPool(int maxThreads) {
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        pool.setName("gateway-http");
        return pool;
    }

    /**
     * @param pool the server's thread pool; also the executor {@code webhook} writes answers on
     */
    public static Javalin create(Settings settings, WebhookHandler webhook, QueuedThreadPool pool) {
        ErrorResponses errors = new ErrorResponses(settings.retryAfterSeconds());
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.startup.startupWatcherEnabled = false;
            cfg.jetty.host = settings.host();
            cfg.jetty.port = settings.port();
            cfg.jetty.threadPool = pool;
            cfg.http.maxRequestSize = settings.maxBodyBytes();
            // Javalin copies each result through a buffer of this size, allocated per response (default 32 KiB);
            // answers here are a few hundred bytes
            cfg.http.responseBufferSize = RESPONSE_COPY_BUFFER_BYTES;
            // answers are small JSON. Compression wraps every response in a stream that inspects headers per write,
            // for nothing
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            // the header cache otherwise hands back its own spelling of e.g. "charset=UTF-8"; the raw record keeps
            // the Content-Type exactly as sent
            cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.shutdownTimeout().toMillis());
                server.insertHandler(new GracefulHandler());
            });
            cfg.routes.before(ctx -> {
                String id = RequestIds.next();
                ctx.attribute(RequestIds.ATTRIBUTE, id);
                ctx.header(RequestIds.RESPONSE_HEADER, id);
            });
            cfg.routes.post(settings.webhookPath(), webhook::post);
            cfg.routes.get(settings.webhookPath(), webhook::get);
            cfg.routes.exception(ApiError.class, errors::apiError);
            cfg.routes.exception(HttpResponseException.class, errors::httpResponse);
            cfg.routes.exception(Exception.class, errors::unexpected);
        });
    }
}
