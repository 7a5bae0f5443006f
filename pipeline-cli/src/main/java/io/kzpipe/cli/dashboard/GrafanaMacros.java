package io.kzpipe.cli.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Expands a ClickHouse panel's SQL the way Grafana and the grafana-clickhouse-datasource plugin (v4) do
 * before it reaches ClickHouse, for the subset the dashboards may use:
 * <ol>
 *   <li>{@code $__conditionalAll(condition, $var)} (plugin, front end): {@code 1=1} when {@code var} is All,
 *       else the condition;</li>
 *   <li>template variables {@code ${var:singlequote}}, {@code ${var}}, {@code $var} (Grafana): values quoted
 *       and comma-separated; All is only allowed inside {@code $__conditionalAll};</li>
 *   <li>{@code $__timeFilter(col)}, {@code $__fromTime}, {@code $__toTime}, {@code $__interval_s} (plugin,
 *       back end), expanded exactly as the plugin's {@code pkg/macros} writes them.</li>
 * </ol>
 * Anything else starting with {@code $} is refused, in particular {@code $__timeInterval} and the
 * {@code _ms} macros: they expand to {@code toStartOfInterval} / {@code DateTime64}, which ClickHouse 18.16 lacks.
 *
 * <p>Used by {@code ./pipeline report} (every variable All, the whole time range) and by the deploy tests, which
 * run the dashboards' SQL under several selections. Immutable and thread-safe.
 *
 * @param from            start of the dashboard time range
 * @param to              end of the dashboard time range
 * @param intervalSeconds Grafana's interval for the panel ({@code $__interval_s}; values below 1 count as 1)
 * @param variables       selected values per variable; a variable that is absent means All
 */
public record GrafanaMacros(Instant from, Instant to, long intervalSeconds, Map<String, List<String>> variables) {

    private static final String CONDITIONAL_ALL = "$__conditionalAll(";
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)(?::(\\w+))?}|\\$(?!__)(\\w+)");
    private static final Pattern VARIABLE_ARGUMENT = Pattern.compile("\\$\\{?(\\w+)");
    private static final Pattern TIME_FILTER = Pattern.compile("\\$__timeFilter\\(([^()]*)\\)");
    // whole names only: $__fromTime_ms and the like stay, and are refused
    private static final Pattern FROM_TIME = Pattern.compile("\\$__fromTime(?!\\w)");
    private static final Pattern TO_TIME = Pattern.compile("\\$__toTime(?!\\w)");
    private static final Pattern INTERVAL_S = Pattern.compile("\\$__interval_s(?!\\w)");

    /** Checks the arguments and copies the selection. */
    public GrafanaMacros {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        variables = Map.copyOf(variables);
    }

    /** Every variable at All. */
    public static GrafanaMacros allSelected(Instant from, Instant to, long intervalSeconds) {
        return new GrafanaMacros(from, to, intervalSeconds, Map.of());
    }

    /**
     * The SQL ClickHouse receives for {@code sql}.
     *
     * @throws IllegalArgumentException for a macro, variable format or use of a variable this class does not
     *                                  support (the message names it), or a malformed {@code $__conditionalAll}
     */
    public String expand(String sql) {
        String q = conditionalAll(sql);
        q = variables(q);
        q = TIME_FILTER.matcher(q)
                .replaceAll(m -> Matcher.quoteReplacement(m.group(1).strip() + " >= toDateTime(" + from.getEpochSecond()
                        + ") AND " + m.group(1).strip() + " <= toDateTime(" + to.getEpochSecond() + ")"));
        q = FROM_TIME.matcher(q).replaceAll("toDateTime(" + from.getEpochSecond() + ")");
        q = TO_TIME.matcher(q).replaceAll("toDateTime(" + to.getEpochSecond() + ")");
        q = INTERVAL_S.matcher(q).replaceAll(Long.toString(Math.max(1, intervalSeconds)));
        int dollar = q.indexOf('$');
        if (dollar >= 0) {
            throw new IllegalArgumentException("unsupported macro or variable at '"
                    + q.substring(dollar, Math.min(q.length(), dollar + 30)) + "' in:\n" + sql);
        }
        return q;
    }

    /** The plugin's applyConditionalAll: innermost-last, arguments split at top-level commas. */
    private String conditionalAll(String sql) {
        String q = sql;
        int at = q.lastIndexOf(CONDITIONAL_ALL);
        while (at >= 0) {
            int open = at + CONDITIONAL_ALL.length() - 1;
            int depth = 0;
            int argStart = open + 1;
            int end = -1;
            List<String> args = new ArrayList<>();
            for (int i = open; i < q.length() && end < 0; i++) {
                char c = q.charAt(i);
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    depth--;
                }
                if (c == ',' && depth == 1) {
                    args.add(q.substring(argStart, i));
                    argStart = i + 1;
                } else if (depth == 0) {
                    args.add(q.substring(argStart, i));
                    end = i + 1;
                }
            }
            if (end < 0 || args.size() != 2) {
                throw new IllegalArgumentException("$__conditionalAll needs (condition, $variable): " + sql);
            }
            Matcher var = VARIABLE_ARGUMENT.matcher(args.get(1).strip());
            if (!var.lookingAt()) {
                throw new IllegalArgumentException(
                        "second argument of $__conditionalAll is not a variable: " + args.get(1));
            }
            String phrase = variables.containsKey(var.group(1)) ? args.get(0) : "1=1";
            q = q.substring(0, at) + phrase + q.substring(end);
            at = q.lastIndexOf(CONDITIONAL_ALL);
        }
        return q;
    }

    private String variables(String sql) {
        return VARIABLE.matcher(sql).replaceAll(m -> {
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String format = m.group(2);
            if (format != null && !format.equals("singlequote")) {
                throw new IllegalArgumentException("unsupported variable format :" + format + " in " + sql);
            }
            List<String> values = variables.get(name);
            if (values == null) {
                throw new IllegalArgumentException("variable $" + name + " is used outside $__conditionalAll: "
                        + "with All selected Grafana would expand it to every value (or nothing)");
            }
            boolean quote = format != null || values.size() > 1;
            return Matcher.quoteReplacement(values.stream()
                    .map(v -> quote ? "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'" : v)
                    .collect(Collectors.joining(",")));
        });
    }
}
