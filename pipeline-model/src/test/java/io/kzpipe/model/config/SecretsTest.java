package io.kzpipe.model.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {

    @Test
    void aSecretIsMaskedAndAnEmptyOneStaysVisiblyEmpty() {
        assertThat(Secrets.mask("hunter2")).isEqualTo("****");
        assertThat(Secrets.mask("")).isEmpty();
        assertThat(Secrets.mask(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssl.keystore.password", "SASL_PASSWORD", "client.secret", "access.token",
            "sasl.jaas.config", "aws.credentials", "ssl.key"})
    void keysThatHoldSecretsAreRecognised(String key) {
        assertThat(Secrets.isSecretKey(key)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"bootstrap.servers", "linger.ms", "ssl.keystore.type", "security.protocol",
            "key.serializer", "ssl.keystore.location"})
    void ordinarySettingsAreNotSecrets(String key) {
        assertThat(Secrets.isSecretKey(key)).isFalse();
    }

    @Test
    void maskAllHidesOnlyTheSecretValues() {
        Map<String, String> masked = Secrets.maskAll(Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config",
                "org.apache.kafka...PlainLoginModule required password=\"p\";", "ssl.truststore.password", "changeit"));

        assertThat(masked).containsExactly(Map.entry("sasl.jaas.config", "****"),
                Map.entry("security.protocol", "SASL_SSL"), Map.entry("ssl.truststore.password", "****"));
        assertThat(masked.toString()).doesNotContain("changeit").doesNotContain("password=\"p\"");
    }
}
