package io.kzpipe.puller.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of an actions list: {@code {actions:[...], hasMore}} (docs/KAIZALA-API.md), ascending by time, {@code fromDate}
 * inclusive (pages overlap at their boundary instant).
 *
 * @param actions the page's actions, in answer order
 * @param hasMore whether the server has more after this page
 * @param items   the raw list items, in the same order (a package list may carry each action's details)
 */
public record ActionPage(List<ActionRef> actions, boolean hasMore, List<JsonNode> items) {

    public ActionPage {
        actions = List.copyOf(actions);
        items = List.copyOf(items);
    }

    /** The list item of {@code action} (one of {@link #actions()}), or {@code null}. */
    public JsonNode item(ActionRef action) {
        int i = actions.indexOf(action);
        return i < 0 ? null : items.get(i);
    }

    /** Reads a list answer; an answer that is a bare array is taken as the actions. */
    public static ActionPage of(JsonNode answer) {
        JsonNode list = answer.isArray() ? answer : answer.path("actions");
        List<ActionRef> actions = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode item : list) {
            if (item.isObject()) {
                actions.add(ActionRef.of(item));
                items.add(item);
            }
        }
        return new ActionPage(actions, answer.path("hasMore").asBoolean(false), items);
    }
}
