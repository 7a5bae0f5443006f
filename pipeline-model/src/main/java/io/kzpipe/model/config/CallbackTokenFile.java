package io.kzpipe.model.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The callback tokens file ({@code KAIZALA_CALLBACK_TOKENS_FILE}), the one definition of its format: one token per
 * line, surrounding whitespace ignored, blank lines and lines starting with {@code #} ignored (so a token cannot
 * start with {@code #}). The gateway reads it and re-reads it on change; {@code kaizala subscribe} appends the
 * token it registers (and removes it again when the registration fails). Never logs or returns a token in a message.
 */
public final class CallbackTokenFile {

    private CallbackTokenFile() {}

    /** The tokens of a file's text, in file order, without duplicates. */
    public static List<String> parse(String text) {
        List<String> tokens = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            String token = line.strip();
            if (!token.isEmpty() && !token.startsWith("#") && !tokens.contains(token)) {
                tokens.add(token);
            }
        }
        return List.copyOf(tokens);
    }

    /** The tokens of {@code file}. */
    public static List<String> read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * Adds {@code token} as a line of its own at the end of {@code file} (created with mode 600 when missing, its
     * parent directories too); nothing when the file already has it. One append of one line: a reader sees the
     * file before or after it, a reader that sees half a line ignores nothing it accepted before.
     *
     * @throws IllegalArgumentException when the token is blank, starts with {@code #} or spans lines
     */
    public static void append(Path file, String token) throws IOException {
        String value = token == null ? "" : token.strip();
        if (value.isEmpty() || value.startsWith("#") || value.contains("\n") || value.contains("\r")) {
            throw new IllegalArgumentException("a callback token is one non-blank line not starting with #");
        }
        createIfMissing(file);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (parse(text).contains(value)) {
            return;
        }
        String line = (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + value + "\n";
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /**
     * Removes every line that is {@code token} from {@code file}, keeping the others (comments included); false when
     * it had none (or the file does not exist). The new content replaces the file in one rename (a reader sees the
     * old or the new file, never a half-written one), readable by its owner only.
     */
    public static boolean remove(Path file, String token) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        String value = token == null ? "" : token.strip();
        List<String> kept = new ArrayList<>();
        boolean removed = false;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!value.isEmpty() && line.strip().equals(value)) {
                removed = true;
            } else {
                kept.add(line);
            }
        }
        if (removed) {
            Path temp = file.resolveSibling(file.getFileName() + ".partial");
            Files.deleteIfExists(temp);
            createIfMissing(temp);
            Files.write(temp, kept, StandardCharsets.UTF_8);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        return removed;
    }

    /** Creates an empty {@code file} readable by its owner only (mode 600) unless it exists. */
    public static void createIfMissing(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (Files.exists(file)) {
            return;
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            // created by someone else in between: theirs is as good
        } catch (UnsupportedOperationException e) {
            Files.createFile(file); // not a POSIX file system
        }
    }
}
