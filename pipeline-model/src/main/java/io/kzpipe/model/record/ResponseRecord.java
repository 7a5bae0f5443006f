package io.kzpipe.model.record;

/**
 * One per version of an ActionResponse / SurveyResponse. {@code version} orders the versions of one
 * {@code responseId}: the highest wins in the {@code _latest} views (see {@link ResponseVersion}).
 */
public record ResponseRecord(int schemaVersion, String rowId, String eventId, String eventType, String responseId,
        String actionId, String groupId, String actionPackageId, String packageId, String responder, String responderId,
        String responderName, String responderProfilePic, boolean isAnonymous, boolean isUpdate, Long responseTimeMs,
        long version, int answerCount, long receivedAtMs) implements TypedRecord {

    /** Row id of one version of a response: {@code responseId:version}. */
    public static String rowId(String responseId, long version) {
        return responseId + ':' + version;
    }
}
