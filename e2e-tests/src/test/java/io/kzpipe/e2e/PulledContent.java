package io.kzpipe.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line per response, the same from the double's items and from the {@code _latest} views, so both sides compare
 * as one checksum: {@code responseId | ResponseTime ms | is_update | single option | multi options | units | comment}
 * (the double's survey form: questions 0-3 and the hidden ResponseTime, 6).
 */
final class PulledContent {

    private static final int RESPONSE_TIME_QUESTION = 6;

    private PulledContent() {}

    /** The lines of the double's current items, sorted. */
    static List<String> fromItems(List<JsonNode> items) {
        Map<String, String> lines = new TreeMap<>();
        for (JsonNode item : items) {
            JsonNode qs = item.get("responseWithQuestions");
            JsonNode single = qs.get(0).get("answer");
            List<String> multi = new ArrayList<>();
            qs.get(1).get("answer").forEach(o -> multi.add(o.asText()));
            lines.put(item.get("responseId").asText(),
                    String.join(" | ", item.get("responseId").asText(),
                            qs.get(RESPONSE_TIME_QUESTION).get("answer").asText(),
                            item.get("isUpdateResponse").asBoolean() ? "1" : "0",
                            single.isArray() ? single.get(0).asText() : single.asText(), String.join(",", multi),
                            qs.get(2).get("answer").asText(), qs.get(3).get("answer").asText()));
        }
        return List.copyOf(lines.values());
    }

    /** The lines of the group's responses in the {@code _latest} views, sorted. */
    static List<String> fromClickHouse(PipelineStack stack, String groupId) {
        String where = " WHERE group_id = '" + groupId + "'";
        Map<String, String[]> parts = new TreeMap<>();
        for (String row : stack.rows("SELECT response_id, toString(response_time_ms), toString(is_update)"
                + " FROM {db}.responses_latest" + where)) {
            String[] c = row.split(" \\| ", -1);
            parts.put(c[0], new String[]{c[0], c[1], c[2], "", "", "", ""});
        }
        for (String row : stack.rows("SELECT response_id, question_index, option_title FROM {db}.answers_option_latest"
                + where + " ORDER BY response_id, question_index, option_index")) {
            String[] c = row.split(" \\| ", -1);
            String[] p = parts.get(c[0]);
            int slot = "0".equals(c[1]) ? 3 : 4;
            p[slot] = p[slot].isEmpty() ? c[2] : p[slot] + "," + c[2];
        }
        for (String row : stack
                .rows("SELECT response_id, toString(toInt64(value)) FROM {db}.answers_numeric_latest" + where)) {
            String[] c = row.split(" \\| ", -1);
            parts.get(c[0])[5] = c[1];
        }
        for (String row : stack.rows("SELECT response_id, text FROM {db}.answers_text_latest" + where)) {
            String[] c = row.split(" \\| ", -1);
            parts.get(c[0])[6] = c[1];
        }
        return parts.values().stream().map(p -> String.join(" | ", p)).toList();
    }

    /** SHA-256 of the lines, one per line. */
    static String checksum(List<String> lines) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            lines.forEach(l -> sha.update((l + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
