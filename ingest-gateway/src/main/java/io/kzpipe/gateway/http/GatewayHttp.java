package io.kzpipe.gateway.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.kzpipe.model.ops.ManagementServer;
import io.kzpipe.model.ops.ManagementServer.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the gateway's HTTP server: the webhook, {@code /health/live}, {@code /health/ready} and
 * {@code /metrics} on one port, an {@code X-Request-Id} on every answer, error answers from
 * {@link ErrorResponses}. Stopping the returned server is graceful: it stops accepting connections, lets
 * in-flight requests finish for up to {@code shutdownTimeout} (new requests on open connections get 503
 * meanwhile), then closes.
 */
public final class GatewayHttp {

    static final int RESPONSE_COPY_BUFFER_BYTES = 1024;

    private GatewayHttp() {
    }

    /** What the server needs to know; a subset of GatewayConfig. */
    public record Settings(String host, int port, String webhookPath, int maxBodyBytes, int retryAfterSeconds,
                           Duration shutdownTimeout) {
    }

    /** An HTTP thread pool of at most {@code maxThreads} named {@code gateway-http-N}. */
    public static QueuedThreadPool threadPool(int maxThreads) {
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(8, maxThreads));
        pool.setName("gateway-http");
        return pool;
    }

    /**
     * @param pool       the server's thread pool; also the executor {@code webhook} writes answers on
     * @param readiness  current readiness (must not block)
     */
    public static Javalin create(Settings settings, WebhookHandler webhook, Supplier<Health> readiness,
                                 PrometheusMeterRegistry registry, QueuedThreadPool pool) {
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
            // answers here are a few hundred bytes, /metrics is copied in several passes
            cfg.http.responseBufferSize = RESPONSE_COPY_BUFFER_BYTES;
            // answers are small JSON; /metrics is scraped on the local network. Compression wraps every response
            // in a stream that inspects headers per write, for nothing
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
            cfg.routes.get("/health/live", ctx -> health(ctx, ManagementServer.LIVE));
            cfg.routes.get("/health/ready", ctx -> health(ctx, readiness.get()));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(registry.scrape()));
            cfg.routes.exception(ApiError.class, errors::apiError);
            cfg.routes.exception(HttpResponseException.class, errors::httpResponse);
            cfg.routes.exception(Exception.class, errors::unexpected);
        });
    }

    private static void health(Context ctx, Health health) {
        ctx.status(health.ready() ? 200 : 503).contentType(Replies.JSON).result(health.json());
    }
}
