package io.kzpipe.processor.topology;

import java.util.Locale;
import java.util.Map;

/**
 * How a Kaizala question type string is typed. Webhook names, the Action SDK's spellings and the community
 * alias are all accepted; matching ignores case and surrounding blanks. Anything else, e.g.
 * {@code PhoneNumber} or {@code SingleSelectExternal}, is {@link #OTHER} and kept as raw JSON.
 */
enum QuestionType {
    SINGLE_OPTION, MULTI_OPTION, NUMERIC, LOCATION, TEXT, DATETIME, MEDIA, OTHER;

    private static final Map<String, QuestionType> BY_NAME = Map.ofEntries(Map.entry("singleoption", SINGLE_OPTION),
            Map.entry("singleselect", SINGLE_OPTION), Map.entry("multioption", MULTI_OPTION),
            Map.entry("multiselect", MULTI_OPTION), Map.entry("multipleoption", MULTI_OPTION),
            Map.entry("numeric", NUMERIC), Map.entry("location", LOCATION), Map.entry("text", TEXT),
            Map.entry("largetext", TEXT), Map.entry("datetime", DATETIME), Map.entry("date", DATETIME),
            Map.entry("dateonly", DATETIME), Map.entry("image", MEDIA), Map.entry("attachmentlist", MEDIA));

    static QuestionType of(String type) {
        if (type == null) {
            return OTHER;
        }
        return BY_NAME.getOrDefault(type.trim().toLowerCase(Locale.ROOT), OTHER);
    }
}
