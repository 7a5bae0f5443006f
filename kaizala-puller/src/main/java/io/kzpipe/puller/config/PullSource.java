package io.kzpipe.puller.config;

import java.util.Arrays;
import java.util.List;

/**
 * One thing the puller pulls ({@code PULLER_SOURCES}, comma-separated):
 * <ul>
 *   <li>{@code group:<groupId>}: the group's actions of the {@link #DEFAULT_TYPES};</li>
 *   <li>{@code group:<groupId>:Survey+Job}: of the listed action types;</li>
 *   <li>{@code package:<groupId>:<actionPackageId>}: the instances of one action package in the group.</li>
 * </ul>
 * The source's {@link #id()} is the spec as written; it is the {@code kz-pulled} header of what it publishes and the
 * key of its state.
 *
 * @param actionTypes for a group source, the types listed one by one (the list call takes one type); empty for a
 *                    package source
 * @param packageId   for a package source, the action package; {@code null} for a group source
 */
public record PullSource(String id, String groupId, List<String> actionTypes, String packageId) {

    /** Types of a group source that names none: the two whose responses have their own webhook event. */
    public static final List<String> DEFAULT_TYPES = List.of("Survey", "Job");

    public PullSource {
        actionTypes = List.copyOf(actionTypes);
    }

    /**
     * Parses one spec.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static PullSource parse(String spec) {
        String s = spec.trim();
        String[] parts = s.split(":", -1);
        boolean blankPart = Arrays.stream(parts).anyMatch(String::isBlank);
        if (parts.length >= 2 && parts.length <= 3 && !blankPart && parts[0].equals("group")) {
            List<String> types = parts.length == 3 ? List.of(parts[2].split("\\+")) : DEFAULT_TYPES;
            if (types.stream().anyMatch(t -> !t.matches("[A-Za-z]+"))) {
                throw new IllegalArgumentException(
                        "'" + spec + "': action types are words joined by '+', e.g. " + "group:<groupId>:Survey+Job");
            }
            return new PullSource(s, parts[1], types, null);
        }
        if (parts.length == 3 && !blankPart && parts[0].equals("package")) {
            return new PullSource(s, parts[1], List.of(), parts[2]);
        }
        throw new IllegalArgumentException("'" + spec + "' is not group:<groupId>, group:<groupId>:<Type>+<Type> or "
                + "package:<groupId>:<actionPackageId>");
    }

    public boolean isPackage() {
        return packageId != null;
    }

    /**
     * The lists to page through: one per action type for a group source, the package for a package source; the name
     * keys the list's cursor within the source's state.
     */
    public List<String> lists() {
        return isPackage() ? List.of("package") : actionTypes;
    }

    /**
     * The webhook event type a response of this source would have had (docs/KAIZALA-API.md): {@code SurveyResponse} for a
     * Survey, {@code JobResponse} for a Job, {@code ActionResponse} for anything else (custom packages included).
     */
    public static String eventType(String actionType) {
        return switch (actionType == null ? "" : actionType) {
            case "Survey" -> "SurveyResponse";
            case "Job" -> "JobResponse";
            default -> "ActionResponse";
        };
    }
}
