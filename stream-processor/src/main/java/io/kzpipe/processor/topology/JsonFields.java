package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * Lenient reads of Kaizala payload fields. Kaizala adds, omits and mistypes fields, so a
 * missing or null field is an empty value, never an exception; the mappers decide what is fatal.
 */
final class JsonFields {

    private JsonFields() {}

    /** True when {@code node} is absent or JSON null. */
    static boolean isAbsent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /**
     * A scalar field as a string: strings as they are, numbers and booleans as their JSON text, anything
     * else (absent, null, object, array) as {@code ""}.
     */
    static String text(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null) {
            return "";
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        return n.isValueNode() && !n.isNull() ? n.asText() : "";
    }

    /** The first non-empty of {@code fields}, or {@code ""}. */
    static String firstText(JsonNode parent, String... fields) {
        for (String f : fields) {
            String v = text(parent, f);
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    /** {@code true} for JSON {@code true} or the string {@code "true"} (any case); otherwise {@code false}. */
    static boolean bool(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.isTextual() && "true".equals(n.textValue().trim().toLowerCase(Locale.ROOT));
    }

    /** Like {@link #bool} but {@code null} when the field is absent or not a boolean-like value. */
    static Boolean optionalBool(JsonNode parent, String field) {
        JsonNode n = parent == null ? null : parent.get(field);
        if (n == null || !(n.isBoolean() || n.isTextual())) {
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        String v = n.textValue().trim().toLowerCase(Locale.ROOT);
        return "true".equals(v) ? Boolean.TRUE : "false".equals(v) ? Boolean.FALSE : null;
    }

    /** Compact JSON text of {@code node} ({@code "null"} for absent), for raw-answer columns. */
    static String json(JsonNode node) {
        return node == null || node.isMissingNode() ? "null" : node.toString();
    }
}
