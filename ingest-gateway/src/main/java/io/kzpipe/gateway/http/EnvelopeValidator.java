package io.kzpipe.gateway.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a body is a Kaizala webhook envelope: one strict JSON object (RFC 8259, valid UTF-8, nested at
 * most {@code maxDepth} deep, nothing after it) with a non-empty string {@code eventId}, string
 * {@code eventType}, {@code objectId} and {@code objectType}, and an object {@code data}. Unknown fields are
 * fine. When a field appears twice the last one counts, as it does for Jackson's tree model downstream.
 *
 * <p>Checks run in this order, and the first failing one gives the reason: empty body, UTF-8, JSON syntax
 * (truncated, too deep, invalid), root type, envelope fields (all field problems are listed in the detail).
 * Streams through the body once with Jackson's parser without building a tree. Thread-safe.
 */
public final class EnvelopeValidator {

    private final JsonFactory factory;
    private final int maxDepth;

    public EnvelopeValidator(int maxDepth) {
        this.maxDepth = maxDepth;
        // only the depth limit is meant to bite; the body size limit already bounds everything else
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(maxDepth)
                        .maxNumberLength(Integer.MAX_VALUE)
                        .maxStringLength(Integer.MAX_VALUE)
                        .maxNameLength(Integer.MAX_VALUE)
                        .build())
                .build();
    }

    public Verdict validate(byte[] body) {
        if (isBlank(body)) {
            return Verdict.rejected(DeadLetterReason.EMPTY_BODY,
                    body.length == 0 ? "body is empty" : "body contains only whitespace");
        }
        Verdict encoding = Utf8Check.check(body);
        if (encoding != null) {
            return encoding;
        }
        try (JsonParser parser = factory.createParser(body)) {
            return parse(parser);
        } catch (JsonEOFException e) {
            return Verdict.rejected(DeadLetterReason.TRUNCATED_JSON,
                    "body ends before the JSON value is complete: " + e.getOriginalMessage());
        } catch (StreamConstraintsException e) {
            if (String.valueOf(e.getMessage()).contains("nesting depth")) {
                return Verdict.rejected(DeadLetterReason.TOO_DEEP, "JSON nesting deeper than " + maxDepth + " levels");
            }
            return Verdict.rejected(DeadLetterReason.INVALID_JSON, e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            return Verdict.rejected(DeadLetterReason.INVALID_JSON,
                    e.getOriginalMessage() + " at byte offset " + e.getLocation().getByteOffset());
        } catch (IOException e) {
            // cannot happen for an in-memory array; classify rather than fail the request
            return Verdict.rejected(DeadLetterReason.INVALID_JSON, e.toString());
        }
    }

    private Verdict parse(JsonParser p) throws IOException {
        JsonToken root = p.nextToken();
        if (root == null) {
            return Verdict.rejected(DeadLetterReason.EMPTY_BODY, "body contains no JSON value");
        }
        if (root != JsonToken.START_OBJECT) {
            p.skipChildren();
            Verdict trailing = requireEnd(p);
            return trailing != null
                    ? trailing
                    : Verdict.rejected(DeadLetterReason.NOT_AN_OBJECT, "body is " + describe(root) + ", not an object");
        }
        Field eventId = new Field();
        Field eventType = new Field();
        Field objectId = new Field();
        Field objectType = new Field();
        JsonToken data = null;
        String responseId = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "eventId" -> eventId.set(value, p);
                case "eventType" -> eventType.set(value, p);
                case "objectId" -> objectId.set(value, p);
                case "objectType" -> objectType.set(value, p);
                case "data" -> {
                    data = value;
                    responseId = null;
                    if (value == JsonToken.START_OBJECT) {
                        responseId = scanData(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        Verdict trailing = requireEnd(p);
        if (trailing != null) {
            return trailing;
        }
        List<String> problems = new ArrayList<>(2);
        DeadLetterReason reason = null;
        reason = check(eventId.token != null, eventId.isNonEmptyString(), "eventId", "a non-empty string",
                eventId.token, problems, reason);
        reason = check(eventType.token != null, eventType.isString(), "eventType", "a string", eventType.token,
                problems, reason);
        reason = check(objectId.token != null, objectId.isString(), "objectId", "a string", objectId.token, problems,
                reason);
        reason = check(objectType.token != null, objectType.isString(), "objectType", "a string", objectType.token,
                problems, reason);
        reason = check(data != null, data == JsonToken.START_OBJECT, "data", "an object", data, problems, reason);
        if (reason != null) {
            return Verdict.rejected(reason, String.join("; ", problems));
        }
        boolean keyByResponse = responseId != null && !responseId.isEmpty();
        return Verdict.accepted(eventId.text, keyByResponse ? responseId : eventId.text);
    }

    /** Reads the {@code data} object (the parser is on its START_OBJECT) and returns its string responseId. */
    private static String scanData(JsonParser p) throws IOException {
        String responseId = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("responseId".equals(name)) {
                responseId = value == JsonToken.VALUE_STRING ? p.getText() : null;
            }
            p.skipChildren();
        }
        return responseId;
    }

    private static Verdict requireEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            return Verdict.rejected(DeadLetterReason.INVALID_JSON,
                    "unexpected content after the JSON value at byte offset "
                            + p.currentTokenLocation().getByteOffset());
        }
        return null;
    }

    private static DeadLetterReason check(boolean present, boolean valid, String field, String expected,
            JsonToken actual, List<String> problems, DeadLetterReason first) {
        if (!present) {
            problems.add(field + " is missing");
            return first != null ? first : DeadLetterReason.MISSING_FIELD;
        }
        if (!valid) {
            // a string is only refused where it must be non-empty (eventId)
            boolean emptyString = actual == JsonToken.VALUE_STRING && expected.startsWith("a non-empty");
            String got = emptyString ? "an empty string" : describe(actual);
            problems.add(field + " must be " + expected + ", got " + got);
            return first != null ? first : DeadLetterReason.INVALID_FIELD;
        }
        return first;
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.name();
        };
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The last value seen for one top-level field. */
    private static final class Field {
        JsonToken token;
        String text;

        void set(JsonToken value, JsonParser p) throws IOException {
            token = value;
            text = value == JsonToken.VALUE_STRING ? p.getText() : null;
            p.skipChildren();
        }

        boolean isString() {
            return token == JsonToken.VALUE_STRING;
        }

        boolean isNonEmptyString() {
            return isString() && !text.isEmpty();
        }
    }
}
