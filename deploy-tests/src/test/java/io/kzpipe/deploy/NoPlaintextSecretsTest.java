package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No password, token or key is written in the deploy tree: the example env file leaves every secret empty,
 * compose requires each one from {@code .env} (git-ignored), Kubernetes reads them from a Secret whose
 * example holds placeholders only, ClickHouse and Grafana read them from their environment.
 */
class NoPlaintextSecretsTest {

    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|secret|token).*");
    /** A YAML/env assignment of a secret-looking key: {@code key: value} or {@code KEY=value}. */
    private static final Pattern ASSIGNMENT = Pattern
            .compile("(?m)^[ \\t]*-?[ \\t]*([A-Za-z0-9_.]+)[ \\t]*[:=][ \\t]*(.*)$");

    @Test
    void exampleEnvFileLeavesEverySecretEmpty() {
        Map<String, String> env = DeployTree.envFile(DeployTree.COMPOSE.resolve(".env.example"));

        assertThat(env.keySet()).containsAll(DeployTree.SECRETS);
        env.forEach((key, value) -> {
            if (SECRET_NAME.matcher(key).matches()) {
                assertThat(value).as("%s in .env.example", key).isEmpty();
            }
        });
        assertThat(DeployTree.read(DeployTree.COMPOSE.resolve(".gitignore")).lines()).contains(".env");
    }

    @Test
    void composeTakesEverySecretFromTheEnvironmentAsARequiredVariable() {
        String compose = DeployTree.read(DeployTree.COMPOSE.resolve("compose.yaml"));
        for (String secret : DeployTree.SECRETS) {
            assertThat(compose).contains("${" + secret + ":?set " + secret + " in .env}");
        }
        for (String value : secretValues(compose)) {
            assertThat(value).as("secret value in compose.yaml").matches("\\$\\{[A-Z_]+:\\?[^}]*}");
        }
    }

    @Test
    void noFileOfTheComposeKubernetesGrafanaOrPrometheusTreeHoldsASecretValue() throws IOException {
        List<String> offenders = new ArrayList<>();
        List<Path> all = new ArrayList<>();
        for (Path dir : List.of(DeployTree.COMPOSE, DeployTree.K8S, DeployTree.GRAFANA, DeployTree.PROMETHEUS)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).forEach(all::add);
            }
        }
        for (Path file : all) {
            String name = file.getFileName().toString();
            if (name.equals(".env.example") || name.equals(".env")) {
                continue; // the example is checked above; .env is the operator's own, git-ignored file
            }
            String text = DeployTree.read(file);
            for (String value : secretValues(text)) {
                if (!isReference(value)) {
                    offenders.add(DeployTree.ROOT.relativize(file) + ": " + value);
                }
            }
            Matcher xmlPassword = Pattern.compile("<password>([^<]+)</password>").matcher(text);
            while (xmlPassword.find()) {
                offenders.add(DeployTree.ROOT.relativize(file) + ": <password>" + xmlPassword.group(1));
            }
        }
        assertThat(offenders).as("literal secrets").isEmpty();
    }

    @Test
    void kubernetesExampleSecretHoldsPlaceholdersOnly() {
        Map<String, String> secrets = DeployTree
                .envFile(DeployTree.K8S.resolve("overlays/example/secrets.example.env"));

        assertThat(secrets).containsOnlyKeys("KAIZALA_CALLBACK_TOKENS", "PII_HASH_SECRET", "CLICKHOUSE_SINK_PASSWORD");
        assertThat(secrets.values()).allSatisfy(v -> assertThat(v).startsWith("REPLACE_WITH_"));
        Map<String, String> puller = DeployTree
                .envFile(DeployTree.K8S.resolve("overlays/example/puller-credentials.example.env"));
        assertThat(puller).containsOnlyKeys("KAIZALA_APPLICATION_SECRET", "KAIZALA_REFRESH_TOKEN");
        assertThat(puller.values()).allSatisfy(v -> assertThat(v).startsWith("REPLACE_WITH_"));
        assertThat(DeployTree.read(DeployTree.K8S.resolve("overlays/example/callback-tokens.example"))
                .lines()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))).as("callback-tokens.example")
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l).startsWith("REPLACE_WITH_"));
    }

    /** Values assigned to secret-looking keys (empty values and key-name references excluded). */
    private static List<String> secretValues(String text) {
        List<String> values = new ArrayList<>();
        Matcher m = ASSIGNMENT.matcher(text);
        while (m.find()) {
            String key = m.group(1);
            String value = m.group(2).strip();
            if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
                value = value.substring(1, value.length() - 1);
            }
            if (SECRET_NAME.matcher(key).matches() && !value.isEmpty()
            // NAME_FILE: /path names the file that holds the secret (a mounted Secret, compose secrets)
                    && !(key.endsWith("_FILE") && value.startsWith("/")) && !value.startsWith("#")
                    && !key.equalsIgnoreCase("key") && !key.equalsIgnoreCase("secretName")
                    && !key.equalsIgnoreCase("name")) {
                values.add(value);
            }
        }
        return values;
    }

    /**
     * An indirection instead of a value (env interpolation, a placeholder, a YAML block start) or a flag
     * such as {@code automountServiceAccountToken: false}.
     */
    private static boolean isReference(String value) {
        return value.matches("\\$\\{[A-Za-z_]+(:\\?[^}]*)?}") || value.startsWith("REPLACE_WITH_") || value.equals("|")
                || value.equals("|-") || value.equals("true") || value.equals("false");
    }
}
