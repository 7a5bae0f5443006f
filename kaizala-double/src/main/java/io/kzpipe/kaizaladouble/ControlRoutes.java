package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.kzpipe.model.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The scenario controls over HTTP, for the standalone process (docs/KAIZALA-API.md lists them). Bodies and answers
 * are JSON; errors are 400 {@code {"error": reason}}. Not logged as API calls and never throttled.
 */
final class ControlRoutes {

    static final String ROOT = "/_double";

    private final KaizalaDouble d;

    ControlRoutes(KaizalaDouble d) {
        this.d = d;
    }

    void register(JavalinConfig cfg) {
        cfg.routes.post(ROOT + "/seed", this::seed);
        cfg.routes.get(ROOT + "/groups/{groupId}", this::group);
        cfg.routes.post(ROOT + "/groups/{groupId}/actions/{actionId}/responses", this::add);
        cfg.routes.post(ROOT + "/groups/{groupId}/actions/{actionId}/responses/{responseId}/edit", this::edit);
        cfg.routes.post(ROOT + "/tokens/expire", ctx -> ok(ctx, () -> d.expireAccessTokens()));
        cfg.routes.post(ROOT + "/tokens/rotate", ctx -> ok(ctx, () -> d.rotateRefreshTokenOnNextCall()));
        cfg.routes.post(ROOT + "/endpoint/move", ctx -> ApiRoutes.json(ctx, endpoint(d.moveEndpoint())));
        cfg.routes.post(ROOT + "/throttle", this::throttle);
        cfg.routes.post(ROOT + "/delay", ctx -> ok(ctx, () -> d.delay(millis(body(ctx), "millis"))));
        cfg.routes.get(ROOT + "/calls", this::calls);
        cfg.routes.delete(ROOT + "/calls", ctx -> ok(ctx, d::clearCalls));
        cfg.routes.get(ROOT + "/deliveries", this::deliveries);
        cfg.routes.get(ROOT + "/webhooks", this::webhooks);
        cfg.routes.exception(ApiException.class, (e, ctx) -> ApiRoutes.error(ctx, e.status(), e.getMessage()));
        cfg.routes.exception(IllegalArgumentException.class, (e, ctx) -> ApiRoutes.error(ctx, 400, e.getMessage()));
    }

    /** Body {@code {groupId, actions, responsesPerAction, from?, to?, seed?, actionType?, packageId?}}. */
    private void seed(Context ctx) {
        JsonNode b = body(ctx);
        Instant now = d.clock().instant();
        Instant from = b.hasNonNull("from")
                ? Instant.ofEpochMilli(ApiRoutes.fromDateMs(b.get("from").asText()))
                : now.minus(Duration.ofDays(30));
        Instant to = b.hasNonNull("to")
                ? Instant.ofEpochMilli(ApiRoutes.fromDateMs(b.get("to").asText()))
                : now.minus(Duration.ofHours(1));
        GroupSeed seed = new GroupSeed(text(b, "groupId"), b.path("actions").asInt(1),
                b.path("responsesPerAction").asInt(0), from, to, b.path("seed").asLong(1),
                b.path("actionType").asText(GroupSeed.SURVEY),
                b.hasNonNull("packageId") ? b.get("packageId").asText() : null);
        List<String> ids = d.seed(seed);
        ObjectNode out = Json.MAPPER.createObjectNode().put("groupId", seed.groupId());
        ids.forEach(out.putArray("actionIds")::add);
        ApiRoutes.json(ctx, out);
    }

    private void group(Context ctx) {
        String groupId = ctx.pathParam("groupId");
        ObjectNode out = Json.MAPPER.createObjectNode()
                .put("groupId", groupId)
                .put("responses", d.responseCount(groupId));
        ArrayNode actions = out.putArray("actions");
        for (String id : d.actionIds(groupId)) {
            actions.addObject().put("actionId", id).put("responseCount", d.responseIds(groupId, id).size());
        }
        ApiRoutes.json(ctx, out);
    }

    private void add(Context ctx) {
        int before = d.deliveries().size();
        String responseId = d.addResponse(ctx.pathParam("groupId"), ctx.pathParam("actionId"));
        ApiRoutes.json(ctx, change(responseId, before));
    }

    private void edit(Context ctx) {
        int before = d.deliveries().size();
        String responseId = ctx.pathParam("responseId");
        d.editResponse(ctx.pathParam("groupId"), ctx.pathParam("actionId"), responseId);
        ApiRoutes.json(ctx, change(responseId, before));
    }

    /** Body {@code {seconds}} (answer 429 for that long) and/or {@code {callsPerMinute}} (0 = unlimited). */
    private void throttle(Context ctx) {
        JsonNode b = body(ctx);
        if (b.has("seconds")) {
            d.throttleFor(Duration.ofSeconds(b.get("seconds").asLong()));
        }
        if (b.has("callsPerMinute")) {
            d.callsPerMinute(b.get("callsPerMinute").asInt());
        }
        ApiRoutes.json(ctx, Json.MAPPER.createObjectNode());
    }

    private void calls(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("maxCallsInAnyMinute", d.maxCallsInAnyMinute());
        ArrayNode calls = out.putArray("calls");
        for (Call c : d.calls()) {
            calls.addObject()
                    .put("time", c.time().toString())
                    .put("method", c.method())
                    .put("path", c.path())
                    .put("query", c.query())
                    .put("status", c.status());
        }
        ApiRoutes.json(ctx, out);
    }

    private void deliveries(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("deliveries");
        d.deliveries().forEach(x -> list.add(delivery(x)));
        ApiRoutes.json(ctx, out);
    }

    private void webhooks(Context ctx) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray("webhooks");
        d.webhooks().forEach(h -> list.add(h.json()));
        ApiRoutes.json(ctx, out);
    }

    private ObjectNode change(String responseId, int deliveriesBefore) {
        ObjectNode out = Json.MAPPER.createObjectNode().put("responseId", responseId);
        ArrayNode list = out.putArray("deliveries");
        List<Delivery> all = d.deliveries();
        all.subList(deliveriesBefore, all.size()).forEach(x -> list.add(delivery(x)));
        return out;
    }

    private static ObjectNode delivery(Delivery x) {
        return Json.MAPPER.createObjectNode()
                .put("webhookId", x.webhookId())
                .put("callbackUrl", x.callbackUrl())
                .put("eventType", x.eventType())
                .put("eventId", x.eventId())
                .put("responseId", x.responseId())
                .put("status", x.status())
                .put("error", x.error());
    }

    private static ObjectNode endpoint(String url) {
        return Json.MAPPER.createObjectNode().put("endpointUrl", url);
    }

    private static void ok(Context ctx, Runnable action) {
        action.run();
        ApiRoutes.json(ctx, Json.MAPPER.createObjectNode());
    }

    private static JsonNode body(Context ctx) {
        return ctx.body().isBlank() ? Json.MAPPER.createObjectNode() : ApiRoutes.body(ctx);
    }

    private static Duration millis(JsonNode b, String field) {
        return Duration.ofMillis(b.path(field).asLong(0));
    }

    private static String text(JsonNode b, String field) {
        if (!b.hasNonNull(field) || b.get(field).asText().isBlank()) {
            throw ApiException.badRequest(field + " is required");
        }
        return b.get(field).asText();
    }
}
