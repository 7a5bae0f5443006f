package io.kzpipe.sink.row;

/**
 * A row the writer did not send because it cannot be a row of its table (found by the writer's check); it is
 * dead-lettered with {@code reason} while the rest of its batch loads.
 *
 * @param row    the row as it came from Kafka
 * @param reason dead-letter reason code (docs/DESIGN.md)
 * @param detail human-readable detail naming the column
 */
public record RejectedRow(Row row, String reason, String detail) {}
