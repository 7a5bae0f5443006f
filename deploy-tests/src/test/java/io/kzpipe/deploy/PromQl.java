package io.kzpipe.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Metric names a PromQL expression reads. A small scanner, enough for dashboards and alert rules: string
 * literals, label matchers ({@code {...}}), range and subquery selectors ({@code [...]}) and grouping
 * clauses ({@code by (...)}, {@code without (...)}, {@code on (...)}, {@code ignoring (...)},
 * {@code group_left/right (...)}) are removed; what remains and is neither a function call, a keyword nor
 * a number is a metric name.
 */
final class PromQl {

    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern GROUPING = Pattern
            .compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "and", "or", "unless", "offset", "inf", "nan", "e");

    private PromQl() {}

    static Set<String> metricNames(String expr) {
        String e = STRINGS.matcher(expr).replaceAll("\"\"");
        e = e.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^\\]]*]", " ");
        e = GROUPING.matcher(e).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(e);
        while (m.find()) {
            String id = m.group();
            int next = m.end();
            while (next < e.length() && Character.isWhitespace(e.charAt(next))) {
                next++;
            }
            boolean call = next < e.length() && e.charAt(next) == '(';
            boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
            if (!call && !number && !KEYWORDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
                names.add(id);
            }
        }
        return names;
    }
}
