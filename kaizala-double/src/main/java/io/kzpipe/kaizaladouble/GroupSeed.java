package io.kzpipe.kaizaladouble;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link KaizalaDouble#seed(GroupSeed)} creates: {@code actions} actions of one type in group {@code groupId},
 * each with {@code responsesPerAction} responses, sent between {@code from} and {@code to} (whole seconds, ascending;
 * every fifth action shares the previous one's instant, so list pages overlap on an instant). The same seed value
 * gives the same ids, times and answers; responses are generated when read, so 10,000+ cost little memory.
 *
 * @param groupId            the group (any string; Kaizala uses GUIDs)
 * @param actions            how many actions (>= 1)
 * @param responsesPerAction responses per action (>= 0)
 * @param from               the first action's time
 * @param to                 the last action's time (>= from)
 * @param seed               the generator seed
 * @param actionType         {@code Survey} (pushed as SurveyResponse) or another action type label (pushed as
 *                           ActionResponse); every action gets the same survey-style questions
 * @param packageId          the action package the actions are instances of (for {@code ?Id=<packageId>}), or null
 */
public record GroupSeed(String groupId, int actions, int responsesPerAction, Instant from, Instant to, long seed,
        String actionType, String packageId) {

    public static final String SURVEY = "Survey";

    public GroupSeed {
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(actionType, "actionType");
        if (actions < 1 || responsesPerAction < 0 || to.isBefore(from)) {
            throw new IllegalArgumentException("need actions >= 1, responsesPerAction >= 0 and from <= to");
        }
    }

    /** Survey actions, no package. */
    public static GroupSeed of(String groupId, int actions, int responsesPerAction, Instant from, Instant to,
            long seed) {
        return new GroupSeed(groupId, actions, responsesPerAction, from, to, seed, SURVEY, null);
    }

    /** About {@code totalResponses} responses (rounded up to whole actions of 50) over the 30 days before {@code now}. */
    public static GroupSeed ofTotal(String groupId, int totalResponses, Instant now, long seed) {
        int actions = Math.max(1, (totalResponses + 49) / 50);
        int perAction = totalResponses == 0 ? 0 : (totalResponses + actions - 1) / actions;
        return of(groupId, actions, perAction, now.minus(Duration.ofDays(30)), now.minus(Duration.ofHours(1)), seed);
    }

    public GroupSeed withActionType(String type) {
        return new GroupSeed(groupId, actions, responsesPerAction, from, to, seed, type, packageId);
    }

    public GroupSeed withPackageId(String id) {
        return new GroupSeed(groupId, actions, responsesPerAction, from, to, seed, actionType, id);
    }
}
