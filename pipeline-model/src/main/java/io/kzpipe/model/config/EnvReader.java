package io.kzpipe.model.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads settings from an environment map and collects every problem instead of stopping at the first, so a
 * service can report all bad values at start-up. Typical use:
 *
 * <pre>{@code
 * EnvReader env = new EnvReader(System.getenv());
 * int port = env.intIn("GATEWAY_PORT", 8080, 1, 65535);
 * env.throwIfProblems();   // SettingException listing every problem
 * }</pre>
 *
 * <p>Empty values count as unset. Not thread-safe; used once per start-up.
 */
public final class EnvReader {

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** The raw value, or {@code null} when unset or blank. */
    public String raw(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    public String string(String name, String defaultValue) {
        String v = raw(name);
        return v == null ? defaultValue : v;
    }

    /**
     * A secret given as {@code NAME}, or in a file named by {@code NAME_FILE} (a mounted Kubernetes or Docker secret:
     * the file's content without surrounding whitespace); {@code null} when neither is set. Both set, an unreadable or
     * an empty file are problems. A problem never quotes the value.
     */
    public String secret(String name) {
        String direct = raw(name);
        String file = raw(name + "_FILE");
        if (file == null) {
            return direct;
        }
        if (direct != null) {
            problem(name, "and " + name + "_FILE are both set; set one of them");
            return direct;
        }
        try {
            String value = Files.readString(Path.of(file)).strip();
            if (value.isEmpty()) {
                problem(name + "_FILE", "names an empty file: " + file);
                return null;
            }
            return value;
        } catch (IOException | InvalidPathException e) {
            problem(name + "_FILE", "cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    public int intIn(String name, int defaultValue, int min, int max) {
        return (int) longIn(name, defaultValue, min, max);
    }

    public long longIn(String name, long defaultValue, long min, long max) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            long n = Long.parseLong(v.replace("_", ""));
            if (n < min || n > max) {
                problem(name, "must be between " + min + " and " + max + ", got " + v);
                return defaultValue;
            }
            return n;
        } catch (NumberFormatException e) {
            problem(name, "must be an integer, got '" + v + "'");
            return defaultValue;
        }
    }

    public boolean bool(String name, boolean defaultValue) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> {
                return true;
            }
            case "false", "no", "0", "off" -> {
                return false;
            }
            default -> {
                problem(name, "must be true or false, got '" + v + "'");
                return defaultValue;
            }
        }
    }

    /**
     * A duration given as ISO-8601 ({@code PT2S}, {@code P3D}) or as a number with a unit suffix
     * ({@code 500ms}, {@code 2s}, {@code 5m}, {@code 72h}, {@code 3d}), within [min, max].
     */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        String v = raw(name);
        if (v == null) {
            return defaultValue;
        }
        Duration d = parseDuration(v);
        if (d == null) {
            problem(name, "must be a duration like 500ms, 2s, 5m, 72h, 3d or PT2S, got '" + v + "'");
            return defaultValue;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem(name, "must be between " + min + " and " + max + ", got " + v);
            return defaultValue;
        }
        return d;
    }

    static Duration parseDuration(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            int i = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == 0) {
                return null;
            }
            long n = Long.parseLong(s.substring(0, i));
            return switch (s.substring(i)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> null;
            };
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * A Kafka client identity such as a {@code group.instance.id} or {@code transactional.id}: 1-200 letters, digits,
     * '.', '_' or '-' (Kafka allows 249 of these characters); {@code defaultValue} when unset.
     */
    public String clientId(String name, String defaultValue) {
        String v = string(name, defaultValue);
        if (v != null && !v.matches("[a-zA-Z0-9._-]{1,200}")) {
            problem(name, "'" + v + "' must be 1-200 letters, digits, '.', '_' or '-'");
        }
        return v;
    }

    /** Comma-separated list; blank entries dropped. */
    public List<String> list(String name) {
        String v = raw(name);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Client settings passed through by prefix: {@code KAFKA_PRODUCER_LINGER_MS=5} with prefix
     * {@code KAFKA_PRODUCER_} becomes {@code linger.ms=5}.
     */
    public Map<String, String> passThrough(String prefix) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length() && v != null && !v.isBlank()) {
                out.put(k.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'), v.trim());
            }
        });
        return Collections.unmodifiableMap(out);
    }

    /** Records a problem with {@code name}; reported by {@link #throwIfProblems()}. */
    public void problem(String name, String message) {
        problems.add(name + " " + message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    public void throwIfProblems() {
        if (!problems.isEmpty()) {
            throw new SettingException(problems);
        }
    }
}
