package io.kzpipe.model.record;

/**
 * Identity and context every answer (and answer reject) carries: which response version it belongs to and
 * which question it answers. Kaizala has no question id: {@code questionIndex} is the position in
 * {@code responseWithQuestions}.
 */
public record AnswerKey(String eventId, String responseId, long version, String actionId, String groupId,
        int questionIndex, String questionTitle, String questionType, long receivedAtMs) {

    /** Row id of the {@code ordinal}-th value of this answer (0 for single-valued answers). */
    public String rowId(int ordinal) {
        return responseId + ':' + version + ':' + questionIndex + ':' + ordinal;
    }
}
