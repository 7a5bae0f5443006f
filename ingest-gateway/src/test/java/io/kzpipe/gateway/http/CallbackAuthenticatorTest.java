package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackAuthenticatorTest {

    private final CallbackAuthenticator auth = new CallbackAuthenticator(List.of("current-token", "previous-token"));

    @Test
    void acceptsAnyConfiguredTokenSoTokensRotateWithoutDowntime() {
        assertThat(auth.isAuthorized("current-token")).isTrue();
        assertThat(auth.isAuthorized("previous-token")).isTrue();
    }

    @Test
    void refusesMissingEmptyWrongPrefixAndExtendedTokens() {
        assertThat(auth.isAuthorized(null)).isFalse();
        assertThat(auth.isAuthorized("")).isFalse();
        assertThat(auth.isAuthorized("current")).isFalse();
        assertThat(auth.isAuthorized("current-token ")).isFalse();
        assertThat(auth.isAuthorized("current-tokenX")).isFalse();
        assertThat(auth.isAuthorized("CURRENT-TOKEN")).isFalse();
    }

    @Test
    void withoutTokensEverythingIsAuthorized() {
        CallbackAuthenticator open = new CallbackAuthenticator(List.of());
        assertThat(open.isAuthorized(null)).isTrue();
        assertThat(open.isAuthorized("anything")).isTrue();
    }
}
