package io.kzpipe.model.record;

/**
 * One per version of a response that stopped being its current version: the stream processor writes it when
 * a newer version of {@code responseId} arrives ({@link ResponseVersion} orders versions), so readers can
 * drop the superseded version's rows without looking at the whole history of the response.
 *
 * <p>{@code version} is the superseded version and {@code rowId} its row id in {@code responses}
 * ({@link ResponseRecord#rowId}), so a re-delivered supersession collapses into the same row.
 * {@code eventId} is the id of the superseding event. {@code receivedAtMs} is the superseded version's
 * effective receive time (what its own rows carry), so the rows superseded inside a time range are found by
 * that range; {@code supersededAtMs} is the effective receive time of the version that replaced it.
 */
public record ResponseSupersession(int schemaVersion, String rowId, String eventId, String responseId, long version,
        long supersededBy, String actionId, String groupId, long receivedAtMs,
        long supersededAtMs) implements TypedRecord {

    /**
     * @param eventId        id of the event whose version replaced {@code version}
     * @param version        the superseded version
     * @param supersededBy   the new current version (greater than {@code version})
     * @param receivedAtMs   effective receive time of the superseded version
     * @param supersededAtMs effective receive time of the new version
     */
    public static ResponseSupersession of(String eventId, String responseId, long version, long supersededBy,
            String actionId, String groupId, long receivedAtMs, long supersededAtMs) {
        return new ResponseSupersession(SCHEMA_VERSION, ResponseRecord.rowId(responseId, version), eventId, responseId,
                version, supersededBy, actionId, groupId, receivedAtMs, supersededAtMs);
    }
}
