package io.kzpipe.puller.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MaskTest {

    @Test
    void aLongTokenShowsItsFirstFourCharactersOnly() {
        String token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_xyz";

        assertThat(Mask.token(token)).isEqualTo("AbCd****").doesNotContain(token.substring(4, 8));
    }

    @Test
    void aShortSecretShowsNothingAndNoneStaysEmpty() {
        assertThat(Mask.token("hunter2")).isEqualTo("****");
        assertThat(Mask.token("")).isEmpty();
        assertThat(Mask.token(null)).isEmpty();
    }

    @Test
    void settingsAndTokenStateNeverPrintTheirSecrets() {
        String secret = "app-secret-0123456789abcdef";
        String refresh = "refresh-token-0123456789abcdef";
        ApiSettings settings = new ApiSettings(java.net.URI.create("https://api.kaiza.la"), "app", secret, refresh, 100,
                ApiSettings.DEFAULT_TIMEOUT);
        TokenState state = TokenState.resolve(refresh, null);

        assertThat(settings.toString()).doesNotContain(secret).doesNotContain(refresh).contains("app-****");
        assertThat(state.toString()).doesNotContain(refresh).doesNotContain(state.configuredHash());
    }
}
