package io.kzpipe.model.record;

import java.util.List;

/**
 * A JobCreated (title, due date, assignees) or JobResponse (assignee, completion) event; fields the event
 * type does not carry are empty or null.
 */
public record JobRecord(int schemaVersion, String rowId, String eventId, String eventType, String actionId,
        String groupId, String title, String text, Long dueDateMs, List<String> assignedTo, String responseId,
        String assignee, String assigneeName, Boolean isCompleted, long receivedAtMs) implements TypedRecord {}
