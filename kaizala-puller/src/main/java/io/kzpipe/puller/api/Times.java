package io.kzpipe.puller.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Kaizala time value whatever its form, decided per value (the API mixes them, even within one list, docs/KAIZALA-API.md):
 * epoch seconds ({@code creationTime}, 10 digits), epoch milliseconds (webhook answers, 13 digits), as a JSON
 * number or a digit string, with or without a fraction; ISO-8601 with an offset ({@code sentAt}), without one (read
 * as UTC), or a bare date; and the .NET form {@code /Date(1700000000000)/}. A number below {@value #SECONDS_BELOW}
 * is seconds (that many milliseconds would be 1973; that many seconds is the year 5138), anything larger
 * milliseconds. Stateless.
 */
public final class Times {

    /** Numbers below this are epoch seconds, others epoch milliseconds. */
    public static final long SECONDS_BELOW = 100_000_000_000L;

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");
    private static final Pattern DOT_NET = Pattern.compile("/Date\\((-?\\d+)([+-]\\d{4})?\\)/");

    private Times() {}

    /** The instant of {@code node} (number or string), or empty when it is absent, null or not a time. */
    public static Optional<Instant> parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Optional.empty();
        }
        if (node.isNumber()) {
            try {
                return fromNumber(node.decimalValue());
            } catch (NumberFormatException e) {
                return Optional.empty(); // NaN or infinite
            }
        }
        return node.isTextual() ? parse(node.asText()) : Optional.empty();
    }

    /** The instant of a text value, or empty when it is blank or not a time. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String s = text.trim();
        if (NUMBER.matcher(s).matches()) {
            return fromNumber(new BigDecimal(s));
        }
        Matcher dotNet = DOT_NET.matcher(s);
        if (dotNet.matches()) {
            return Optional.of(Instant.ofEpochMilli(Long.parseLong(dotNet.group(1))));
        }
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException e) {
            // not with an offset: try without one below
        }
        try {
            return Optional.of(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            // not a local date-time either
        }
        try {
            return Optional.of(LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Epoch milliseconds of {@code node}, or {@code fallback}. */
    public static long millis(JsonNode node, long fallback) {
        return parse(node).map(Instant::toEpochMilli).orElse(fallback);
    }

    private static Optional<Instant> fromNumber(BigDecimal n) {
        try {
            BigDecimal millis = n.abs().compareTo(BigDecimal.valueOf(SECONDS_BELOW)) < 0 ? n.movePointRight(3) : n;
            return Optional.of(Instant.ofEpochMilli(millis.setScale(0, RoundingMode.FLOOR).longValueExact()));
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }
}
