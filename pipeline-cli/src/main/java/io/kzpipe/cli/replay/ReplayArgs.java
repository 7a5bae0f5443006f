package io.kzpipe.cli.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The arguments of {@code replay}: which dead letters ({@code --stage}, {@code --reason}, {@code --from},
 * {@code --to}, {@code --id}, or {@code --all}) and whether to only count them ({@code --dry-run}). Criteria of
 * different kinds must all hold; values of one kind (repeated, or comma-separated) are alternatives. The time
 * range is the original gateway receive time, {@code from} inclusive and {@code to} exclusive. Immutable.
 *
 * @param stages  {@code gateway}, {@code processor}; empty = both
 * @param reasons reason codes; empty = any
 * @param from    earliest receive time, or {@code null}
 * @param to      receive time before which, or {@code null}
 * @param ids     {@code dead_letters.row_id}s; empty = any
 * @param dryRun  count, send nothing
 */
public record ReplayArgs(Set<String> stages, Set<String> reasons, Instant from, Instant to, Set<String> ids,
        boolean dryRun) {

    /** Stages whose dead letters are in Kafka and can be replayed. */
    public static final Set<String> STAGES = Set.of("gateway", "processor");

    public static final String USAGE = """
            usage: replay (--all | [--stage gateway|processor] [--reason CODE] [--from TIME] [--to TIME] [--id ROW_ID])
                          [--dry-run]
              Sends dead letters of the Kafka dead-letter topics through the pipeline again: their exact bytes to the
              raw topic, header kz-replay-of = their dead_letters.row_id. Options of one kind may repeat or take a
              comma-separated list; different kinds must all match. TIME: 2026-12-01T10:00:00Z or 2026-12-01 (UTC),
              the original receive time, --from inclusive, --to exclusive. --dry-run: counts by stage and reason,
              sends nothing.""";

    public ReplayArgs {
        stages = Set.copyOf(stages);
        reasons = Set.copyOf(reasons);
        ids = Set.copyOf(ids);
    }

    /**
     * Parses the arguments.
     *
     * @throws IllegalArgumentException naming the wrong argument: unknown option, missing or invalid value, an
     *                                  empty range, or no criterion at all (replaying everything needs {@code --all})
     */
    public static ReplayArgs parse(List<String> args) {
        Set<String> stages = new LinkedHashSet<>();
        Set<String> reasons = new LinkedHashSet<>();
        Set<String> ids = new LinkedHashSet<>();
        Instant from = null;
        Instant to = null;
        boolean dryRun = false;
        boolean all = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String option = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            boolean takesValue = switch (option) {
                case "--stage", "--reason", "--from", "--to", "--id" -> true;
                case "--dry-run", "--all" -> false;
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'");
            };
            String value = null;
            if (takesValue) {
                if (arg.contains("=")) {
                    value = arg.substring(arg.indexOf('=') + 1);
                } else if (i + 1 < args.size()) {
                    value = args.get(++i);
                }
                if (value == null || value.isBlank()) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
            } else if (arg.contains("=")) {
                throw new IllegalArgumentException(option + " takes no value");
            }
            switch (option) {
                case "--stage" -> {
                    for (String s : values(value)) {
                        String stage = s.toLowerCase(Locale.ROOT);
                        if (!STAGES.contains(stage)) {
                            throw new IllegalArgumentException("--stage must be gateway or processor, got '" + s + "'"
                                    + (stage.equals("sink")
                                            ? " (sink dead letters are not in Kafka: see docs/OPERATIONS.md)"
                                            : ""));
                        }
                        stages.add(stage);
                    }
                }
                case "--reason" -> reasons.addAll(values(value));
                case "--id" -> ids.addAll(values(value));
                case "--from" -> from = instant(option, value);
                case "--to" -> to = instant(option, value);
                case "--dry-run" -> dryRun = true;
                default -> all = true;
            }
        }
        if (from != null && to != null && !from.isBefore(to)) {
            throw new IllegalArgumentException("--from " + from + " is not before --to " + to + ": nothing to select");
        }
        boolean criteria = !stages.isEmpty() || !reasons.isEmpty() || !ids.isEmpty() || from != null || to != null;
        if (!criteria && !all) {
            throw new IllegalArgumentException(
                    "say which dead letters: --stage, --reason, --from, --to, --id, or --all");
        }
        if (criteria && all) {
            throw new IllegalArgumentException("--all selects everything; leave it out when giving criteria");
        }
        return new ReplayArgs(stages, reasons, from, to, ids, dryRun);
    }

    /** Whether a dead letter of this stage, reason, receive time and row id is selected. */
    public boolean selects(String stage, String reason, long receivedAtMs, String rowId) {
        return (stages.isEmpty() || stages.contains(stage)) && (reasons.isEmpty() || reasons.contains(reason))
                && (from == null || receivedAtMs >= from.toEpochMilli())
                && (to == null || receivedAtMs < to.toEpochMilli()) && (ids.isEmpty() || ids.contains(rowId));
    }

    private static List<String> values(String value) {
        return List.of(value.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static Instant instant(String option, String value) {
        try {
            return value.length() == 10
                    ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " must be a UTC time like 2026-12-01T10:00:00Z or a date like "
                    + "2026-12-01, got '" + value + "'");
        }
    }
}
