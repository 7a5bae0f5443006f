package io.kzpipe.puller.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Callback tokens (the {@code kz-callback-token} Kaizala sends with every event, docs/KAIZALA-API.md): fresh ones from
 * {@link SecureRandom}, and the gateway's token file ({@code KAIZALA_CALLBACK_TOKENS_FILE}: one token per line,
 * re-read by the gateway when it changes). A file this class creates is readable by its owner only.
 */
public final class CallbackTokens {

    /** 32 random bytes = 256 bits, as 43 URL-safe Base64 characters (no padding). */
    static final int TOKEN_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private CallbackTokens() {}

    public static String fresh() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Appends {@code token} as a line of {@code file}, creating it (and its directory) when missing. */
    public static void append(Path file, String token) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!Files.exists(file)) {
            Files.createFile(file);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: its default permissions stay
            }
        }
        String existing = Files.readString(file, StandardCharsets.UTF_8);
        String sep = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n";
        Files.writeString(file, sep + token + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Removes every line equal to {@code token} from {@code file}; false when it had none. */
    public static boolean remove(Path file, String token) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        List<String> kept = new ArrayList<>();
        boolean removed = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.trim().equals(token)) {
                removed = true;
            } else {
                kept.add(line);
            }
        }
        if (removed) {
            Files.write(file, kept, StandardCharsets.UTF_8);
        }
        return removed;
    }
}
