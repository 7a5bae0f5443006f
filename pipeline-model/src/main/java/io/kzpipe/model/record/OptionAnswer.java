package io.kzpipe.model.record;

/** One selected option of a SingleOption/MultiOption question. {@code optionIndex} is the option's position among the question's offered options, -1 when not found; {@code selectionIndex} its position in the answer array. */
public record OptionAnswer(
        int schemaVersion,
        String rowId,
        String eventId,
        String responseId,
        long version,
        String actionId,
        String groupId,
        int questionIndex,
        String questionTitle,
        String questionType,
        long receivedAtMs,
        String optionTitle, int optionIndex, int selectionIndex) implements TypedRecord {
}
