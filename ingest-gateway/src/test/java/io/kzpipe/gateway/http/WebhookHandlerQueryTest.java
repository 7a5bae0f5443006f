package io.kzpipe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WebhookHandlerQueryTest {

    @Test
    void findsAndUrlDecodesTheFirstValidationToken() {
        assertThat(WebhookHandler.validationToken("validationToken=abc")).isEqualTo("abc");
        assertThat(WebhookHandler.validationToken("x=1&validationToken=a%2Bb+c%26d&validationToken=second"))
                .isEqualTo("a+b c&d");
        assertThat(WebhookHandler.validationToken("validationToken=%E2%82%AC")).isEqualTo("€");
        assertThat(WebhookHandler.validationToken("validationToken")).isEmpty();
        assertThat(WebhookHandler.validationToken("validationToken=")).isEmpty();
    }

    @Test
    void ignoresOtherParametersThatMerelyStartAlike() {
        assertThat(WebhookHandler.validationToken(null)).isNull();
        assertThat(WebhookHandler.validationToken("")).isNull();
        assertThat(WebhookHandler.validationToken("validationTokenX=1&xvalidationToken=2")).isNull();
    }

    @Test
    void badPercentEncodingIsABadRequest() {
        assertThatThrownBy(() -> WebhookHandler.validationToken("validationToken=%ZZ"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(400));
    }
}
