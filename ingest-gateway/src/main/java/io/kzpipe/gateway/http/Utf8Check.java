package io.kzpipe.gateway.http;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 check with the JDK's decoder (it refuses overlong forms, surrogates and code points above
 * U+10FFFF, which Jackson's parser lets through in places). Decodes into a small per-thread buffer, so it
 * allocates nothing per call.
 */
final class Utf8Check {

    private static final ThreadLocal<CharsetDecoder> DECODER = ThreadLocal
            .withInitial(() -> StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT));
    private static final ThreadLocal<CharBuffer> SCRATCH = ThreadLocal.withInitial(() -> CharBuffer.allocate(4096));

    private Utf8Check() {}

    /** {@code null} when {@code body} is valid UTF-8, else why not. */
    static Verdict check(byte[] body) {
        CharsetDecoder decoder = DECODER.get().reset();
        CharBuffer out = SCRATCH.get();
        ByteBuffer in = ByteBuffer.wrap(body);
        while (true) {
            out.clear();
            // endOfInput=false: an incomplete sequence at the very end is left unread instead of reported malformed
            CoderResult result = decoder.decode(in, out, false);
            if (result.isOverflow()) {
                continue;
            }
            if (result.isUnderflow()) {
                if (in.hasRemaining()) {
                    return Verdict.rejected(DeadLetterReason.TRUNCATED_JSON,
                            "body ends inside a multi-byte UTF-8 sequence at byte offset " + in.position());
                }
                return null;
            }
            return Verdict.rejected(DeadLetterReason.INVALID_UTF8,
                    "malformed UTF-8 sequence at byte offset " + in.position());
        }
    }
}
