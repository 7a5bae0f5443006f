package io.kzpipe.puller.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbackTokensTest {

    @Test
    void freshTokensAreUrlSafe256BitRandomAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String t = CallbackTokens.fresh();
            assertThat(t).hasSize(43).matches("[A-Za-z0-9_-]+");
            assertThat(seen.add(t)).isTrue();
        }
    }

    @Test
    void tokensAreAppendedAsLinesToAnOwnerOnlyFileAndRemovedAgain(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway/callback-tokens");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "existing"); // no trailing newline

        CallbackTokens.append(file, "t1");
        CallbackTokens.append(file, "t2");

        assertThat(Files.readAllLines(file)).containsExactly("existing", "t1", "t2");
        assertThat(CallbackTokens.remove(file, "t1")).isTrue();
        assertThat(CallbackTokens.remove(file, "nope")).isFalse();
        assertThat(Files.readAllLines(file)).containsExactly("existing", "t2");

        Path created = dir.resolve("new/tokens");
        CallbackTokens.append(created, "t3");
        assertThat(Files.readAllLines(created)).containsExactly("t3");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
                .isEqualTo("rw-------");
    }
}
