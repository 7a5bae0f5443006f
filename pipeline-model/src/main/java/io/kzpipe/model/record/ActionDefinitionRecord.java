package io.kzpipe.model.record;

import java.util.List;

/**
 * One question of an action defined by ActionCreated / SurveyCreated, read from {@code data.questions[]}
 * or {@code data.responseDetails.responseWithQuestions[]} (Kaizala's docs disagree on the shape).
 */
public record ActionDefinitionRecord(int schemaVersion, String rowId, String eventId, String eventType, String actionId,
        String groupId, String actionPackageId, int questionIndex, String questionTitle, String questionType,
        List<String> options, boolean isInvisible, long receivedAtMs) implements TypedRecord {

    /** Row id of one question of an action definition: {@code eventId:questionIndex}. */
    public static String rowId(String eventId, int questionIndex) {
        return eventId + ':' + questionIndex;
    }
}
