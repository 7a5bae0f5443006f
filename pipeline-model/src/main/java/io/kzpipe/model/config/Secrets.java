package io.kzpipe.model.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Masks secret values for logging: a config's {@code toString()} never shows a password or token. */
public final class Secrets {

    public static final String MASK = "****";

    private Secrets() {}

    public static String mask(String value) {
        return value == null || value.isEmpty() ? "" : MASK;
    }

    /** True for keys that look like they hold a secret (password, secret, token, sasl.jaas.config, ...). */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token") || k.contains("jaas")
                || k.contains("credential") || k.endsWith(".key");
    }

    /** A copy of client settings with secret-looking values masked. */
    public static Map<String, String> maskAll(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>();
        settings.forEach((k, v) -> out.put(k, isSecretKey(k) ? mask(v) : v));
        return out;
    }
}
