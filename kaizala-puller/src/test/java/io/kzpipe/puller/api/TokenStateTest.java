package io.kzpipe.puller.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenStateTest {

    @Test
    void withoutStoredStateTheConfiguredTokenIsUsed() {
        TokenState s = TokenState.resolve("configured", null);

        assertThat(s.refreshToken()).isEqualTo("configured");
        assertThat(s.configuredHash()).isEqualTo(TokenState.hash("configured")).hasSize(64);
        assertThat(s.endpointUrl()).isNull();
    }

    @Test
    void aRotatedTokenStoredForTheSameConfiguredTokenWins() {
        TokenState stored = TokenState.resolve("configured", null)
                .withRefreshToken("rotated")
                .withEndpointUrl("https://kms.example");

        assertThat(TokenState.resolve("configured", stored)).isEqualTo(stored);
    }

    @Test
    void anOperatorWhoChangesTheConfiguredTokenGetsItUsedEvenOverARotatedOne() {
        TokenState stored = TokenState.resolve("old", null)
                .withRefreshToken("rotated")
                .withEndpointUrl("https://kms.example");

        TokenState s = TokenState.resolve("new", stored);

        assertThat(s.refreshToken()).isEqualTo("new");
        assertThat(s.configuredHash()).isEqualTo(TokenState.hash("new"));
        assertThat(s.endpointUrl()).as("the endpoint is kept").isEqualTo("https://kms.example");
    }
}
