package io.kzpipe.model.record;

import java.util.List;

/**
 * The event types a Kaizala webhook can subscribe to, spelled as the API spells them (the complete set: no other
 * names exist). Webhook subscriptions (the puller's commands) and the API double check names against it.
 */
public final class KaizalaEventTypes {

    public static final List<String> ALL = List.of("ActionCreated", "ActionResponse", "SurveyCreated", "JobCreated",
            "SurveyResponse", "JobResponse", "TextMessageCreated", "AttachmentCreated", "Announcement", "MemberAdded",
            "MemberRemoved", "GroupAdded", "GroupRemoved");

    private KaizalaEventTypes() {}
}
