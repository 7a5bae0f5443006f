package io.kzpipe.kaizaladouble;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups, their actions (ascending by time) and responses, and the JSON answers of the actions endpoints. Every
 * method holds the one lock, so a page is a consistent snapshot. Thread-safe.
 */
final class Groups {

    /** An action's expiryDate, after it was sent. */
    static final Duration ACTION_LIFETIME = Duration.ofDays(30);

    /** Every fifth action shares the previous action's instant. */
    static final int SHARED_INSTANT_EVERY = 5;

    static final String SENDER = "+919845000100";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Comparator<ActionState> BY_TIME = Comparator.<ActionState>comparingLong(a -> a.timeSec)
            .thenComparingInt(a -> a.index);

    private final Map<String, List<ActionState>> byGroup = new HashMap<>();
    private final Map<String, ActionState> byActionId = new HashMap<>();

    /** Adds the seeded actions; their ids ascending by time. */
    synchronized List<String> seed(GroupSeed seed) {
        List<ActionState> actions = byGroup.computeIfAbsent(seed.groupId(), g -> new ArrayList<>());
        int first = actions.size();
        long fromSec = seed.from().getEpochSecond();
        long spanSec = seed.to().getEpochSecond() - fromSec;
        List<String> ids = new ArrayList<>();
        long previous = fromSec;
        for (int k = 0; k < seed.actions(); k++) {
            long at = seed.actions() == 1 ? fromSec : fromSec + spanSec * k / (seed.actions() - 1);
            if (k % SHARED_INSTANT_EVERY == SHARED_INSTANT_EVERY - 1) {
                at = previous;
            }
            previous = at;
            ActionState a = new ActionState(seed, first + k, at, seed.responsesPerAction());
            actions.add(a);
            byActionId.put(a.actionId, a);
            ids.add(a.actionId);
        }
        actions.sort(BY_TIME);
        return ids;
    }

    synchronized List<String> actionIds(String groupId) {
        return group(groupId).stream().map(a -> a.actionId).toList();
    }

    synchronized List<String> responseIds(String groupId, String actionId) {
        ActionState a = action(groupId, actionId);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.responseCount(); i++) {
            out.add(a.responseId(i));
        }
        return out;
    }

    synchronized long responseCount(String groupId) {
        return group(groupId).stream().mapToLong(ActionState::responseCount).sum();
    }

    synchronized Instant responseTime(String groupId, String actionId, String responseId) {
        ActionState a = action(groupId, actionId);
        int i = a.indexOf(responseId);
        if (i < 0) {
            throw ApiException.notFound("no response " + responseId + " in action " + actionId);
        }
        return Instant.ofEpochSecond(a.timeSec(i));
    }

    /** A new response at {@code now}; the pushes it causes for {@code hooks}. */
    synchronized Change add(String groupId, String actionId, Instant now, List<Webhook> hooks) {
        ActionState a = action(groupId, actionId);
        return change(a, a.add(now.getEpochSecond()), now, hooks);
    }

    /** A new version of {@code responseId}; the pushes it causes for {@code hooks}. */
    synchronized Change edit(String groupId, String actionId, String responseId, Instant now, List<Webhook> hooks) {
        ActionState a = action(groupId, actionId);
        int i = a.indexOf(responseId);
        if (i < 0) {
            throw ApiException.notFound("no response " + responseId + " in action " + actionId);
        }
        a.edit(i, now.getEpochSecond());
        return change(a, i, now, hooks);
    }

    /** {@code GET .../groups/{g}/actions}: one page from {@code fromMs} (inclusive), or a package's instances. */
    synchronized ObjectNode list(String groupId, Query q) {
        List<ActionState> all = group(groupId);
        ObjectNode out = NODES.objectNode();
        ArrayNode actions = out.putArray("actions");
        int i = firstAtOrAfter(all, q.fromMs());
        boolean more = false;
        for (; i < all.size(); i++) {
            ActionState a = all.get(i);
            if (!q.selects(a)) {
                continue;
            }
            if (actions.size() == q.count()) {
                more = true;
                break;
            }
            actions.add(q.packageId() == null ? listEntry(a) : packageEntry(a, q.details()));
        }
        out.put("hasMore", more);
        return out;
    }

    /** {@code GET .../groups/{g}/actions/{a}}: the action, with every response when {@code details}. */
    synchronized ObjectNode detail(String groupId, String actionId, boolean details) {
        ActionState a = action(groupId, actionId);
        ObjectNode out = NODES.objectNode()
                .put("actionType", a.actionType)
                .put("sender", SENDER)
                .put("sentAt", Instant.ofEpochSecond(a.timeSec).toString());
        ObjectNode body = out.putObject("actionDetails");
        body(body, a, details);
        return out;
    }

    /** Which actions a list call returns: type (null = any), package (null = not a package query), page. */
    record Query(String actionType, String packageId, boolean details, long fromMs, int count) {
        boolean selects(ActionState a) {
            return (actionType == null || actionType.equals(a.actionType))
                    && (packageId == null || packageId.equals(a.packageId));
        }
    }

    /** The outcome of adding or editing a response: its id and the (webhook, event) pairs to push. */
    record Change(String responseId, List<Push> pushes) {}

    /** One event for one subscription. */
    record Push(Webhook hook, ObjectNode event) {}

    private Change change(ActionState a, int i, Instant now, List<Webhook> hooks) {
        String type = Responses.eventType(a.actionType);
        List<Push> pushes = new ArrayList<>();
        for (Webhook h : hooks) {
            if (h.matches(a, type, now.toEpochMilli())) {
                pushes.add(new Push(h, Responses.event(a, i, h)));
            }
        }
        return new Change(a.responseId(i), pushes);
    }

    private static ObjectNode listEntry(ActionState a) {
        ObjectNode o = NODES.objectNode().put("referenceId", a.referenceId).put("actionType", a.actionType);
        o.put("sender", SENDER);
        time(o, a);
        o.putObject("actionBody")
                .put("actionId", a.actionId)
                .put("title", a.title)
                .put("responseCount", a.responseCount())
                .put("expiryDate", expiry(a));
        return o;
    }

    private static ObjectNode packageEntry(ActionState a, boolean details) {
        ObjectNode o = NODES.objectNode()
                .put("id", a.actionId)
                .put("packageId", a.packageId)
                .put("actionType", a.actionType)
                .put("sender", SENDER);
        time(o, a);
        ObjectNode body = o.putObject("actionBody")
                .put("isSenderOnly", false)
                .put("isAnonymous", false)
                .put("acceptMultipleResponses", false);
        body(body, a, details);
        return o;
    }

    private static void body(ObjectNode body, ActionState a, boolean details) {
        body.put("actionId", a.actionId)
                .put("title", a.title)
                .put("responseCount", a.responseCount())
                .put("expiryDate", expiry(a));
        body.set("questions", Responses.questions());
        if (details) {
            ArrayNode responses = body.putArray("responses");
            for (int i = 0; i < a.responseCount(); i++) {
                responses.add(Responses.item(a, i));
            }
        }
    }

    /** Even actions carry {@code sentAt} (ISO-8601), odd ones {@code creationTime} (epoch seconds). */
    private static void time(ObjectNode o, ActionState a) {
        if (a.index % 2 == 0) {
            o.put("sentAt", Instant.ofEpochSecond(a.timeSec).toString());
        } else {
            o.put("creationTime", a.timeSec);
        }
    }

    private static String expiry(ActionState a) {
        return Instant.ofEpochSecond(a.timeSec).plus(ACTION_LIFETIME).toString();
    }

    private static int firstAtOrAfter(List<ActionState> actions, long fromMs) {
        int lo = 0;
        int hi = actions.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (actions.get(mid).timeSec * 1000 < fromMs) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private List<ActionState> group(String groupId) {
        List<ActionState> actions = byGroup.get(groupId);
        if (actions == null) {
            throw ApiException.notFound("no group " + groupId);
        }
        return actions;
    }

    private ActionState action(String groupId, String actionId) {
        ActionState a = byActionId.get(actionId);
        if (a == null || !a.groupId.equals(groupId)) {
            throw ApiException.notFound("no action " + actionId + " in group " + groupId);
        }
        return a;
    }
}
