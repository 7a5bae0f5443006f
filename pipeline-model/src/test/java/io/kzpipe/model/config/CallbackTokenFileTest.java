package io.kzpipe.model.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbackTokenFileTest {

    @TempDir
    Path dir;

    @Test
    void oneTokenPerLineWithoutBlanksCommentsSpacesOrRepeats() {
        assertThat(CallbackTokenFile.parse("# local token\n  first \n\n\tsecond\r\n# old: third\nfirst\nlast"))
                .containsExactly("first", "second", "last");
        assertThat(CallbackTokenFile.parse("")).isEmpty();
        assertThat(CallbackTokenFile.parse("#only a comment\n   \n")).isEmpty();
    }

    @Test
    void appendCreatesAPrivateFileAndAddsEachTokenOnce() throws Exception {
        Path file = dir.resolve("gateway/callback-tokens");
        CallbackTokenFile.append(file, "t-1");
        CallbackTokenFile.append(file, " t-2 ");
        CallbackTokenFile.append(file, "t-1");
        assertThat(Files.readString(file)).isEqualTo("t-1\nt-2\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void appendStartsANewLineWhenTheLastOneHasNoNewline() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# edited by hand\nkept", StandardCharsets.UTF_8);
        CallbackTokenFile.append(file, "added");
        assertThat(CallbackTokenFile.read(file)).containsExactly("kept", "added");
    }

    @Test
    void removeDropsEveryLineOfTheTokenKeepsTheRestAndReplacesTheFileInOneRename() throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, "# keep me\nfirst\n gone \nsecond\ngone\n", StandardCharsets.UTF_8);
        Object inode = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        assertThat(CallbackTokenFile.remove(file, "gone")).isTrue();

        assertThat(Files.readString(file)).isEqualTo("# keep me\nfirst\nsecond\n");
        assertThat(Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey())
                .as("a new file renamed into place")
                .isNotEqualTo(inode);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(CallbackTokenFile.remove(file, "gone")).isFalse();
        assertThat(CallbackTokenFile.remove(dir.resolve("missing"), "x")).isFalse();
        assertThat(dir.resolve("tokens.partial")).doesNotExist();
    }

    @Test
    void refusesTokensTheFormatCannotHold() {
        Path file = dir.resolve("tokens");
        for (String bad : new String[]{"", "  ", "#hash", "two\nlines", null}) {
            assertThatThrownBy(() -> CallbackTokenFile.append(file, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("a callback token is one non-blank line not starting with #");
        }
        assertThat(file).doesNotExist();
    }
}
