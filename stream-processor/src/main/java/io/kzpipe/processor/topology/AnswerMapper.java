package io.kzpipe.processor.topology;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.record.AnswerKey;
import io.kzpipe.model.record.AnswerReject;
import io.kzpipe.model.record.DateTimeAnswer;
import io.kzpipe.model.record.LocationAnswer;
import io.kzpipe.model.record.MediaAnswer;
import io.kzpipe.model.record.NumericAnswer;
import io.kzpipe.model.record.OptionAnswer;
import io.kzpipe.model.record.OtherAnswer;
import io.kzpipe.model.record.TextAnswer;
import io.kzpipe.model.topic.TopicId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Types one answered question (its {@code answer} is neither missing nor null) into answer records, or
 * into exactly one {@link AnswerReject} when the value does not fit its question type. A reject never
 * affects the other answers of the response. Stateless and thread-safe.
 *
 * <p>Rules: options are a string or an array of strings (SingleOption: at most one); Numeric
 * a finite JSON number; Location {@code {lt, lg, n?, acc?}} within WGS84 ranges; Text a string; DateTime
 * and Date epoch milliseconds as a number or a digit-only string; Image and AttachmentList a string, one
 * {@code {mediaUrl, mediaFileName}} object (also {@code url}/{@code fileName}) or an array of them;
 * anything of another question type is kept as raw JSON. An empty selection or empty media list yields
 * nothing.
 */
final class AnswerMapper {

    /** Latest representable instant we accept as epoch ms: 9999-12-31T23:59:59.999Z. */
    static final long MAX_EPOCH_MS = 253_402_300_799_999L;

    private static final Pattern DIGITS = Pattern.compile("-?\\d{1,18}");

    private AnswerMapper() {}

    static void map(AnswerKey key, QuestionType type, JsonNode question, JsonNode answer, List<Output> out) {
        String outKey = key.responseId();
        switch (type) {
            case SINGLE_OPTION, MULTI_OPTION -> options(key, type == QuestionType.SINGLE_OPTION, question, answer, out);
            case NUMERIC -> numeric(key, answer, out);
            case LOCATION -> location(key, answer, out);
            case TEXT -> {
                if (answer.isTextual()) {
                    out.add(new Output(TopicId.ANSWERS_TEXT, outKey, TextAnswer.of(key, answer.textValue())));
                } else {
                    reject(key, answer, RejectReason.INVALID_TEXT, "expected a string, got " + kind(answer), out);
                }
            }
            case DATETIME -> {
                Long ms = epochMillis(answer);
                if (ms != null) {
                    out.add(new Output(TopicId.ANSWERS_DATETIME, outKey, DateTimeAnswer.of(key, ms)));
                } else {
                    reject(key, answer, RejectReason.INVALID_DATETIME,
                            "expected epoch milliseconds as a number or digit-only string, got " + kind(answer), out);
                }
            }
            case MEDIA -> media(key, answer, out);
            case OTHER ->
                out.add(new Output(TopicId.ANSWERS_OTHER, outKey, OtherAnswer.of(key, JsonFields.json(answer))));
            default -> throw new IllegalStateException("unhandled question type " + type);
        }
    }

    private static void options(AnswerKey key, boolean single, JsonNode question, JsonNode answer, List<Output> out) {
        List<String> selected = new ArrayList<>();
        if (answer.isTextual()) {
            selected.add(answer.textValue());
        } else if (answer.isArray()) {
            for (int i = 0; i < answer.size(); i++) {
                JsonNode el = answer.get(i);
                if (!el.isTextual()) {
                    reject(key, answer, RejectReason.INVALID_OPTION,
                            "selection " + i + " is " + kind(el) + ", expected a string", out);
                    return;
                }
                selected.add(el.textValue());
            }
            if (single && selected.size() > 1) {
                reject(key, answer, RejectReason.INVALID_OPTION,
                        "a single-option answer has " + selected.size() + " selections", out);
                return;
            }
        } else {
            reject(key, answer, RejectReason.INVALID_OPTION,
                    "expected a string or an array of strings, got " + kind(answer), out);
            return;
        }
        List<String> offered = offeredOptions(question);
        for (int i = 0; i < selected.size(); i++) {
            String title = selected.get(i);
            out.add(new Output(TopicId.ANSWERS_OPTION, key.responseId(),
                    OptionAnswer.of(key, i, title, offered.indexOf(title))));
        }
    }

    /** Titles of the question's offered options: {@code [{title}]} per the docs, plain strings tolerated. */
    static List<String> offeredOptions(JsonNode question) {
        JsonNode options = question.get("options");
        if (options == null || !options.isArray()) {
            return List.of();
        }
        List<String> titles = new ArrayList<>(options.size());
        for (JsonNode o : options) {
            titles.add(o.isTextual() ? o.textValue() : JsonFields.text(o, "title"));
        }
        return titles;
    }

    private static void numeric(AnswerKey key, JsonNode answer, List<Output> out) {
        if (!answer.isNumber()) {
            reject(key, answer, RejectReason.NOT_A_NUMBER, "expected a JSON number, got " + kind(answer), out);
            return;
        }
        double value = answer.doubleValue();
        if (!Double.isFinite(value)) {
            reject(key, answer, RejectReason.NOT_FINITE, "the number does not fit a 64-bit float", out);
            return;
        }
        out.add(new Output(TopicId.ANSWERS_NUMERIC, key.responseId(), NumericAnswer.of(key, value)));
    }

    private static void location(AnswerKey key, JsonNode answer, List<Output> out) {
        if (!answer.isObject()) {
            reject(key, answer, RejectReason.INVALID_LOCATION, "expected an object {lt, lg}, got " + kind(answer), out);
            return;
        }
        JsonNode lt = answer.get("lt");
        JsonNode lg = answer.get("lg");
        if (lt == null || lg == null || !lt.isNumber() || !lg.isNumber() || !Double.isFinite(lt.doubleValue())
                || !Double.isFinite(lg.doubleValue())) {
            reject(key, answer, RejectReason.INVALID_LOCATION, "lt and lg must be finite numbers", out);
            return;
        }
        double lat = lt.doubleValue();
        double lon = lg.doubleValue();
        if (lat < -90 || lat > 90) {
            reject(key, answer, RejectReason.LATITUDE_OUT_OF_RANGE, "latitude " + lat + " is outside [-90, 90]", out);
            return;
        }
        if (lon < -180 || lon > 180) {
            reject(key, answer, RejectReason.LONGITUDE_OUT_OF_RANGE, "longitude " + lon + " is outside [-180, 180]",
                    out);
            return;
        }
        JsonNode acc = answer.get("acc");
        Double accuracy = acc != null && acc.isNumber() && Double.isFinite(acc.doubleValue())
                ? acc.doubleValue()
                : null;
        out.add(new Output(TopicId.ANSWERS_LOCATION, key.responseId(),
                LocationAnswer.of(key, lat, lon, JsonFields.text(answer, "n"), accuracy)));
    }

    /** Epoch ms from a JSON number or a digit-only string within years 0000..9999, else {@code null}. */
    static Long epochMillis(JsonNode answer) {
        long ms;
        if (answer.isIntegralNumber() && answer.canConvertToLong()) {
            ms = answer.longValue();
        } else if (answer.isFloatingPointNumber() && Double.isFinite(answer.doubleValue())
                && Math.abs(answer.doubleValue()) <= MAX_EPOCH_MS) {
            ms = (long) Math.floor(answer.doubleValue());
        } else if (answer.isTextual() && DIGITS.matcher(answer.textValue().trim()).matches()) {
            ms = Long.parseLong(answer.textValue().trim());
        } else {
            return null;
        }
        return Math.abs(ms) <= MAX_EPOCH_MS ? ms : null;
    }

    private static void media(AnswerKey key, JsonNode answer, List<Output> out) {
        List<JsonNode> items = new ArrayList<>();
        if (answer.isArray()) {
            answer.forEach(items::add);
        } else if (answer.isTextual() || answer.isObject()) {
            items.add(answer);
        } else {
            reject(key, answer, RejectReason.INVALID_MEDIA,
                    "expected a string, an object or an array, got " + kind(answer), out);
            return;
        }
        List<String[]> media = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            if (item.isTextual()) {
                if (!item.textValue().isEmpty()) {
                    media.add(new String[]{item.textValue(), ""});
                }
            } else if (item.isObject()) {
                String url = JsonFields.firstText(item, "mediaUrl", "url");
                if (url.isEmpty()) {
                    reject(key, answer, RejectReason.INVALID_MEDIA, "attachment " + i + " has no mediaUrl", out);
                    return;
                }
                media.add(new String[]{url, JsonFields.firstText(item, "mediaFileName", "fileName")});
            } else {
                reject(key, answer, RejectReason.INVALID_MEDIA, "attachment " + i + " is " + kind(item), out);
                return;
            }
        }
        for (int i = 0; i < media.size(); i++) {
            out.add(new Output(TopicId.ANSWERS_MEDIA, key.responseId(),
                    MediaAnswer.of(key, i, media.get(i)[0], media.get(i)[1])));
        }
    }

    private static void reject(AnswerKey key, JsonNode answer, RejectReason reason, String detail, List<Output> out) {
        out.add(new Output(TopicId.ANSWER_REJECTS, key.responseId(),
                AnswerReject.of(key, JsonFields.json(answer), reason.code(), detail)));
    }

    /** The JSON kind of a node for details: {@code string}, {@code number}, {@code boolean}, {@code object}, ... */
    static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
