package io.kzpipe.puller.command;

import io.kzpipe.model.record.KaizalaEventTypes;
import java.util.List;

/**
 * What a webhook is attached to (docs/KAIZALA-API.md): {@code --group <id>}, {@code --action <id>} or
 * {@code --package <id>}, exactly one.
 *
 * @param objectType {@code Group}, {@code Action} or {@code ActionPackage}
 */
public record KaizalaTarget(String objectId, String objectType) {

    /** Events of an Action or ActionPackage webhook when none are named (the API's own examples). */
    public static final List<String> ACTION_EVENTS = List.of("ActionCreated", "ActionResponse");

    public static KaizalaTarget of(Options o) {
        int given = (o.has("group") ? 1 : 0) + (o.has("action") ? 1 : 0) + (o.has("package") ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException("name exactly one of --group <id>, --action <id>, --package <id>");
        }
        if (o.has("group")) {
            return new KaizalaTarget(o.get("group"), "Group");
        }
        return o.has("action")
                ? new KaizalaTarget(o.get("action"), "Action")
                : new KaizalaTarget(o.get("package"), "ActionPackage");
    }

    /** The events subscribed when none are named: all for a group, creation and response for the others. */
    public List<String> defaultEvents() {
        return "Group".equals(objectType) ? KaizalaEventTypes.ALL : ACTION_EVENTS;
    }
}
