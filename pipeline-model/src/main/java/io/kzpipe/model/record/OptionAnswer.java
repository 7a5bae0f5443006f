package io.kzpipe.model.record;

/** One selected option of a SingleOption/MultiOption question. {@code optionIndex} is the option's position among the question's offered options, -1 when not found; {@code selectionIndex} its position in the answer array. */
public record OptionAnswer(int schemaVersion, String rowId, String eventId, String responseId, long version,
        String actionId, String groupId, int questionIndex, String questionTitle, String questionType,
        long receivedAtMs, String optionTitle, int optionIndex, int selectionIndex) implements TypedRecord {

    /** The {@code selectionIndex}-th selected option of the answer {@code k} (row id ordinal = selection index). */
    public static OptionAnswer of(AnswerKey k, int selectionIndex, String optionTitle, int optionIndex) {
        return new OptionAnswer(SCHEMA_VERSION, k.rowId(selectionIndex), k.eventId(), k.responseId(), k.version(),
                k.actionId(), k.groupId(), k.questionIndex(), k.questionTitle(), k.questionType(), k.receivedAtMs(),
                optionTitle, optionIndex, selectionIndex);
    }
}
