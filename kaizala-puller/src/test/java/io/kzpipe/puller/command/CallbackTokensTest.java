package io.kzpipe.puller.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

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
}
