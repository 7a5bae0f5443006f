package io.kzpipe.model.record;

/** A MemberAdded or MemberRemoved event; {@code role} is Kaizala's {@code type} (Member, Admin). */
public record MembershipRecord(int schemaVersion, String rowId, String eventId, String eventType, String groupId,
        String member, String memberId, String memberName, String role, String fromUser,
        long receivedAtMs) implements TypedRecord {}
