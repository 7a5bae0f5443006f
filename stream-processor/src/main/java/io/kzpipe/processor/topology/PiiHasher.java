package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces phone numbers with a keyed hash so that dashboards can count people without storing numbers.
 *
 * <p>Output format: {@code hmac:} followed by the 64 lowercase hex digits of HMAC-SHA256(secret, number),
 * where the number is trimmed and a leading run of {@code +} is collapsed to one (Kaizala's JobResponse
 * sample has {@code ++}). The same number always gives the same hash under the same secret; without the
 * secret the number cannot be recovered or confirmed by guessing. Empty values stay empty (an anonymous
 * response must not look like one person). Values that already start with {@code hmac:} are not hashed
 * twice.
 *
 * <p>{@link #scrub(ObjectNode)} rewrites the fields in the parsed payload itself, so every typed record and
 * {@code events.raw_json} only ever see the hashes: {@code fromUser}, {@code data.responder},
 * {@code data.member}, {@code data.assignedTo[]}, {@code data.responseDetails.response.assignee}. Names,
 * profile pictures and PhoneNumber answers are not hashed.
 *
 * <p>Not thread-safe ({@link Mac} is stateful): one instance per stream task.
 */
public final class PiiHasher {

    public static final String PREFIX = "hmac:";
    private static final String ALGORITHM = "HmacSHA256";

    private final Mac mac;

    public PiiHasher(String secret) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** The hash of {@code phone}; {@code ""} for empty input. */
    public String hash(String phone) {
        String normalized = normalize(phone);
        if (normalized.isEmpty() || normalized.startsWith(PREFIX)) {
            return normalized;
        }
        byte[] digest = mac.doFinal(normalized.getBytes(StandardCharsets.UTF_8));
        return PREFIX + HexFormat.of().formatHex(digest);
    }

    static String normalize(String phone) {
        if (phone == null) {
            return "";
        }
        String s = phone.trim();
        int plus = 0;
        while (plus < s.length() && s.charAt(plus) == '+') {
            plus++;
        }
        return plus > 1 ? s.substring(plus - 1) : s;
    }

    /** Hashes every phone-number field of a Kaizala payload in place. */
    public void scrub(ObjectNode root) {
        hashField(root, "fromUser");
        JsonNode data = root.get("data");
        if (data instanceof ObjectNode d) {
            hashField(d, "responder");
            hashField(d, "member");
            if (d.get("assignedTo") instanceof ArrayNode assigned) {
                for (int i = 0; i < assigned.size(); i++) {
                    JsonNode v = assigned.get(i);
                    if (v.isTextual() || v.isNumber()) {
                        assigned.set(i, assigned.textNode(hash(v.asText())));
                    }
                }
            }
            if (d.get("responseDetails") instanceof ObjectNode details
                    && details.get("response") instanceof ObjectNode response) {
                hashField(response, "assignee");
            }
        }
    }

    private void hashField(ObjectNode node, String field) {
        JsonNode v = node.get(field);
        if (v != null && v.isTextual()) {
            node.put(field, hash(v.textValue()));
        } else if (v != null && v.isNumber()) {
            // a number-typed phone still identifies a person
            node.put(field, hash(v.asText()));
        }
    }
}
