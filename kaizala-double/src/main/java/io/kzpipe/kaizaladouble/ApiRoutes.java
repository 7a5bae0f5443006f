package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.kzpipe.model.json.Json;
import java.io.IOException;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kaizala's HTTP surface: {@code GET /v1/accessToken} on the root, the data calls under {@code /ep/{name}/v1/...}.
 * Every call goes through {@link #guarded}: the configured delay, the throttle (429 + {@code Retry-After}), the
 * endpoint check (308 + {@code Location} on a moved endpoint, 404 on an unknown one), the access token (401), then
 * the handler; the call is logged with the status answered.
 */
final class ApiRoutes {

    static final String EP = "/ep/{ep}";

    private static final Logger LOG = LoggerFactory.getLogger(ApiRoutes.class);

    private final KaizalaDouble d;

    ApiRoutes(KaizalaDouble d) {
        this.d = d;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.get("/v1/accessToken", guarded(this::accessToken, false));
        cfg.routes.get(EP + "/v1/groups/{groupId}/actions", guarded(this::actions, true));
        cfg.routes.get(EP + "/v1/groups/{groupId}/actions/{actionId}", guarded(this::action, true));
        cfg.routes.post(EP + "/v1/webhook", guarded(this::createWebhook, true));
        cfg.routes.get(EP + "/v1/webhook", guarded(this::listWebhooks, true));
        cfg.routes.put(EP + "/v1/webhook/{id}", guarded(this::updateWebhook, true));
        cfg.routes.delete(EP + "/v1/webhook/{id}", guarded(this::deleteWebhook, true));
    }

    private Handler guarded(Handler handler, boolean data) {
        return ctx -> {
            Instant at = d.clock().instant();
            try {
                long delayMs = d.delayMillis();
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
                long wait = d.throttle().admit();
                if (wait > 0) {
                    ctx.header("Retry-After", Long.toString(wait));
                    throw new ApiException(429, "too many requests; retry after " + wait + " s");
                }
                if (data && !endpointCurrent(ctx)) {
                    return;
                }
                if (data && !d.tokens().valid(ctx.header("accessToken"))) {
                    throw new ApiException(401, "missing, unknown or expired accessToken");
                }
                handler.handle(ctx);
            } catch (ApiException e) {
                error(ctx, e.status(), e.getMessage());
            } catch (RuntimeException e) {
                // answered here (not by Javalin) so the call log records the 500
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal error: " + e);
            } finally {
                String query = ctx.queryString();
                d.callLog()
                        .add(new Call(at, ctx.method().name(), ctx.path(), query == null ? "" : query,
                                ctx.statusCode()));
            }
        };
    }

    /** False (and the answer written) when the endpoint in the path moved (308) or never existed (404). */
    private boolean endpointCurrent(Context ctx) {
        String ep = ctx.pathParam("ep");
        String current = d.endpoints().current();
        if (ep.equals(current)) {
            return true;
        }
        if (!d.endpoints().known(ep)) {
            throw ApiException.notFound("no endpoint " + ep);
        }
        String rest = ctx.path().substring(("/ep/" + ep).length());
        String query = ctx.queryString();
        ctx.status(308).header("Location", d.endpointUrl() + rest + (query == null ? "" : "?" + query));
        json(ctx, Json.MAPPER.createObjectNode().put("endpointUrl", d.endpointUrl()));
        return false;
    }

    private void accessToken(Context ctx) {
        Tokens.Issued issued = d.tokens()
                .issue(ctx.header("applicationId"), ctx.header("applicationSecret"), ctx.header("refreshToken"));
        if (issued == null) {
            throw new ApiException(401, "unknown applicationId, applicationSecret or refreshToken");
        }
        ObjectNode out = Json.MAPPER.createObjectNode()
                .put("accessToken", issued.accessToken())
                .put("endpointUrl", d.endpointUrl())
                .put("accessTokenExpiry", issued.expiryEpochMs())
                .put("refreshToken", issued.rotatedRefreshToken())
                .put("scope", "action.read,webhook.read,webhook.write,webhook.update,webhook.remove");
        json(ctx, out);
    }

    private void actions(Context ctx) {
        String packageId = ctx.queryParam("Id");
        Groups.Query q = new Groups.Query(ctx.queryParam("actionType"), packageId,
                packageId != null && Boolean.parseBoolean(ctx.queryParam("getDetails")),
                fromDateMs(ctx.queryParam("fromDate")), count(ctx.queryParam("count")));
        json(ctx, d.groups().list(ctx.pathParam("groupId"), q));
    }

    private void action(Context ctx) {
        boolean details = Boolean.parseBoolean(ctx.queryParam("getDetails"));
        json(ctx, d.groups().detail(ctx.pathParam("groupId"), ctx.pathParam("actionId"), details));
    }

    private void createWebhook(Context ctx) {
        Webhook hook = d.subscriptions().create(body(ctx));
        json(ctx, Json.MAPPER.createObjectNode().put("webhookId", hook.id()));
    }

    private void listWebhooks(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        d.subscriptions()
                .list(ctx.queryParam("objectId"), ctx.queryParam("objectType"))
                .forEach(h -> out.withArray("webhooks").add(h.json()));
        out.withArray("webhooks");
        json(ctx, out);
    }

    private void updateWebhook(Context ctx) {
        Webhook hook = d.subscriptions().update(ctx.pathParam("id"), body(ctx));
        json(ctx, Json.MAPPER.createObjectNode().put("webhookId", hook.id()));
    }

    private void deleteWebhook(Context ctx) {
        d.subscriptions().delete(ctx.pathParam("id"));
        json(ctx, Json.MAPPER.createObjectNode());
    }

    /**
     * {@code fromDate} as epoch seconds or epoch ms (our assumption: values above 10^11 are ms), or ISO-8601; absent
     * = from the beginning.
     */
    static long fromDateMs(String raw) {
        if (raw == null || raw.isBlank()) {
            return Long.MIN_VALUE;
        }
        try {
            long n = Long.parseLong(raw.trim());
            return Math.abs(n) >= 100_000_000_000L ? n : n * 1000;
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(raw.trim()).toEpochMilli();
            } catch (java.time.format.DateTimeParseException iso) {
                throw ApiException.badRequest("fromDate must be epoch seconds, epoch ms or ISO-8601: " + raw);
            }
        }
    }

    private static int count(String raw) {
        if (raw == null || raw.isBlank()) {
            return KaizalaDouble.DEFAULT_PAGE_SIZE;
        }
        try {
            int n = Integer.parseInt(raw.trim());
            if (n >= 1 && n <= KaizalaDouble.MAX_PAGE_SIZE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("count must be between 1 and " + KaizalaDouble.MAX_PAGE_SIZE);
    }

    static JsonNode body(Context ctx) {
        try {
            JsonNode node = Json.MAPPER.readTree(ctx.body());
            if (node == null || !node.isObject()) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest("the body is not JSON: " + e.getMessage());
        }
    }

    static void json(Context ctx, JsonNode node) {
        try {
            ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(node));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void error(Context ctx, int status, String reason) {
        ctx.status(status);
        json(ctx, Json.MAPPER.createObjectNode().put("error", reason));
    }
}
