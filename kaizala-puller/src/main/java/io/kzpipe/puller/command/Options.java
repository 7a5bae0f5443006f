package io.kzpipe.puller.command;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name value} options of a command line (flags without a value: {@code --name} alone). Refuses unknown
 * options and missing values, naming them.
 */
public final class Options {

    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param withValue option names (without {@code --}) that take a value
     * @param flags     option names that take none
     * @throws IllegalArgumentException naming an unknown option or a missing value
     */
    public static Options parse(List<String> args, Set<String> withValue, Set<String> flags) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a.startsWith("--") ? a.substring(2) : null;
            String inline = null;
            if (name != null && name.contains("=")) {
                inline = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            if (name != null && flags.contains(name) && inline == null) {
                values.put(name, "true");
            } else if (name != null && withValue.contains(name)) {
                String v = inline != null ? inline : i + 1 < args.size() ? args.get(++i) : null;
                if (v == null || v.isBlank()) {
                    throw new IllegalArgumentException("--" + name + " needs a value");
                }
                values.put(name, v);
            } else {
                throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        return new Options(values);
    }

    public String get(String name) {
        return values.get(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The value of {@code name}. @throws IllegalArgumentException when it is missing */
    public String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }
}
