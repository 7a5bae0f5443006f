package io.kzpipe.model.topic;

/**
 * The {@link PipelineHeaders#DLQ_DETAIL} the gateway and the puller write: at most {@value #MAX_CHARS} characters
 * (then an ellipsis), never cutting a surrogate pair in half. Stateless.
 */
public final class DeadLetterDetail {

    /** Longest detail written, in characters (the ellipsis not counted). */
    public static final int MAX_CHARS = 300;

    private DeadLetterDetail() {}

    public static String shorten(String detail) {
        if (detail.length() <= MAX_CHARS) {
            return detail;
        }
        int end = Character.isHighSurrogate(detail.charAt(MAX_CHARS - 1)) ? MAX_CHARS - 1 : MAX_CHARS;
        return detail.substring(0, end) + "…";
    }
}
