package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CallbackAuthenticatorTest {

    private final CallbackAuthenticator auth = CallbackAuthenticator
            .requiring(List.of("current-token", "previous-token"));

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
    void replacingTheTokensAcceptsTheNewSetOnlyAndAnEmptySetAcceptsNothing() {
        auth.replaceTokens(List.of("previous-token", "new-token"));
        assertThat(auth.isAuthorized("new-token")).isTrue();
        assertThat(auth.isAuthorized("previous-token")).isTrue();
        assertThat(auth.isAuthorized("current-token")).as("removed").isFalse();

        auth.replaceTokens(List.of());
        assertThat(auth.isAuthorized("new-token")).isFalse();
        assertThat(auth.isAuthorized(null)).isFalse();
        assertThat(auth.isAuthorized("")).isFalse();
    }

    @Test
    void requiringNoTokenYetAcceptsNothing() {
        CallbackAuthenticator none = CallbackAuthenticator.requiring(List.of());
        assertThat(none.isAuthorized(null)).isFalse();
        assertThat(none.isAuthorized("anything")).isFalse();
    }

    @Test
    void withAuthenticationOffEverythingIsAuthorizedAndThereIsNothingToReplace() {
        CallbackAuthenticator open = CallbackAuthenticator.open();
        assertThat(open.isAuthorized(null)).isTrue();
        assertThat(open.isAuthorized("anything")).isTrue();
        assertThatThrownBy(() -> open.replaceTokens(List.of("t"))).isInstanceOf(IllegalStateException.class);
    }
}
