package io.kzpipe.processor.topology;

import java.util.Locale;

/** Why an answer could not be typed (column {@code answer_rejects.reason}); codes from {@code docs/DESIGN.md}. */
public enum RejectReason {
    NOT_A_NUMBER, NOT_FINITE, INVALID_LOCATION, LATITUDE_OUT_OF_RANGE, LONGITUDE_OUT_OF_RANGE, INVALID_DATETIME, INVALID_OPTION, INVALID_TEXT, INVALID_MEDIA;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
