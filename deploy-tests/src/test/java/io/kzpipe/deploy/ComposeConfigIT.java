package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.gateway.config.GatewayConfig;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.model.topic.TopicId;
import io.kzpipe.processor.config.ProcessorConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The compose stack ({@code deploy/compose}) as Debian's docker-compose 1.29 reads it: valid with the
 * example env file plus secrets, refused without any one secret, and the invariants that keep it
 * production-like (pinned images, healthchecks, start order, memory limits, local-only ports).
 */
class ComposeConfigIT {

    private static final Set<String> LONG_RUNNING = Set.of("kafka", "clickhouse", "gateway", "processor", "sink",
            "puller", "prometheus", "grafana");
    private static final Pattern PINNED_IMAGE = Pattern.compile("[a-z0-9./-]+:[A-Za-z0-9._-]*\\d[A-Za-z0-9._-]*");

    private static JsonNode config;

    @BeforeAll
    static void renderConfig() {
        Tool.Result result = compose(secrets(), "config");
        assertThat(result.exitCode()).as("docker-compose config:\n%s", result.stderr()).isZero();
        config = Yaml.parse(result.stdout());
    }

    static Map<String, String> secrets() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : DeployTree.SECRETS) {
            env.put(name, "test-" + name.toLowerCase(java.util.Locale.ROOT));
        }
        return env;
    }

    static Tool.Result compose(Map<String, String> env, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "--env-file";
        all[1] = ".env.example";
        all[2] = "-f";
        all[3] = "compose.yaml";
        System.arraycopy(args, 0, all, 4, args.length);
        return Tool.DOCKER_COMPOSE.run(DeployTree.COMPOSE, env, all);
    }

    @Test
    void exampleEnvPlusSecretsPassesDockerComposeConfigQuiet() {
        Tool.Result result = compose(secrets(), "config", "-q");

        assertThat(result.exitCode()).as(result.both()).isZero();
        assertThat(result.both()).isBlank();
    }

    @Test
    void eachMissingSecretIsRefusedByName() {
        for (String missing : DeployTree.SECRETS) {
            Map<String, String> env = new HashMap<>(secrets());
            env.remove(missing);

            Tool.Result result = compose(env, "config", "-q");

            assertThat(result.exitCode()).as("config without %s", missing).isNotZero();
            assertThat(result.stderr()).contains("set " + missing + " in .env");
        }
    }

    @Test
    void everyServiceRunsAPinnedImage() {
        config.get("services").fields().forEachRemaining(e -> {
            String image = e.getValue().path("image").asText();
            assertThat(image).as("image of %s", e.getKey()).matches(PINNED_IMAGE).doesNotEndWith(":latest");
        });
        Map<String, String> env = DeployTree.envFile(DeployTree.COMPOSE.resolve(".env.example"));
        assertThat(service("gateway").path("image").asText())
                .isEqualTo("kaizala-pipeline/ingest-gateway:" + env.get("PIPELINE_VERSION"));
        assertThat(service("grafana").path("environment").path("GF_PLUGINS_PREINSTALL_SYNC").asText())
                .isEqualTo("grafana-clickhouse-datasource@" + env.get("GRAFANA_CLICKHOUSE_PLUGIN_VERSION"))
                .matches(".*@\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckRestartPolicyAndMemoryLimit() {
        assertThat(names(config.get("services"))).containsAll(LONG_RUNNING).contains("kafka-init");
        for (String name : LONG_RUNNING) {
            JsonNode s = service(name);
            assertThat(s.path("healthcheck").path("test").isArray()).as("healthcheck of %s", name).isTrue();
            assertThat(s.path("healthcheck").path("test").size()).as("healthcheck of %s", name).isGreaterThan(1);
            assertThat(s.path("restart").asText()).as("restart of %s", name).isEqualTo("unless-stopped");
            assertThat(s.path("deploy").path("resources").path("limits").path("memory").asText())
                    .as("memory limit of %s", name)
                    .isNotBlank();
        }
        assertThat(service("kafka-init").path("restart").asText()).isEqualTo("no");
    }

    @Test
    void eachServiceIsProbedOnItsManagementPortWhichIsPublished() {
        Map<String, String> management = Map.of("gateway", "GATEWAY_MANAGEMENT_PORT", "processor",
                "PROCESSOR_MANAGEMENT_PORT", "sink", "SINK_MANAGEMENT_PORT", "puller", "PULLER_MANAGEMENT_PORT");
        management.forEach((name, var) -> {
            JsonNode s = service(name);
            String port = s.path("environment").path(var).asText();
            assertThat(port).as("%s of %s", var, name).matches("\\d+");
            assertThat(s.path("healthcheck").path("test").toString()).as("healthcheck of %s", name)
                    .contains("http://127.0.0.1:" + port + "/health/ready");
            List<String> published = new ArrayList<>();
            // "host:published:target[/protocol]" as docker-compose config prints it, or {target: ...}
            s.path("ports").forEach(p -> published.add(p.path("target").asText(p.asText().replaceAll(".*:|/.*", ""))));
            assertThat(published).as("published ports of %s", name).contains(port);
        });
        assertThat(service("gateway").path("environment").path("GATEWAY_MANAGEMENT_PORT").asText())
                .isEqualTo(Integer.toString(GatewayConfig.DEFAULT_MANAGEMENT_PORT));
        assertThat(service("gateway").path("environment").path("GATEWAY_PORT").asText())
                .as("the webhook has a port of its own")
                .isEqualTo(Integer.toString(GatewayConfig.DEFAULT_PORT));
    }

    @Test
    void servicesStartOnlyAfterWhatTheyNeedIsHealthyOrDone() {
        Map<String, Map<String, String>> expected = Map.of("kafka-init", Map.of("kafka", "service_healthy"), "gateway",
                Map.of("kafka", "service_healthy", "kafka-init", "service_completed_successfully"), "processor",
                Map.of("kafka", "service_healthy", "kafka-init", "service_completed_successfully"), "puller",
                Map.of("kafka", "service_healthy", "kafka-init", "service_completed_successfully"), "sink",
                Map.of("kafka", "service_healthy", "kafka-init", "service_completed_successfully", "clickhouse",
                        "service_healthy"),
                "grafana", Map.of("clickhouse", "service_healthy", "prometheus", "service_healthy"));
        expected.forEach((name, deps) -> {
            Map<String, String> actual = new HashMap<>();
            service(name).path("depends_on")
                    .fields()
                    .forEachRemaining(d -> actual.put(d.getKey(), d.getValue().path("condition").asText()));
            assertThat(actual).as("depends_on of %s", name).isEqualTo(deps);
        });
    }

    @Test
    void portsArePublishedOnTheConfiguredInterfaceOnly() {
        String bind = DeployTree.envFile(DeployTree.COMPOSE.resolve(".env.example")).get("BIND_ADDRESS");
        assertThat(bind).isEqualTo("127.0.0.1");
        config.get("services")
                .fields()
                .forEachRemaining(e -> e.getValue()
                        .path("ports")
                        .forEach(p -> assertThat(p.asText()).as("port of %s", e.getKey()).startsWith(bind + ":")));
    }

    @Test
    void servicesGetTheSecretsAndSettingsTheirConfigReads() {
        assertThat(service("gateway").path("environment").path("KAIZALA_CALLBACK_TOKENS").asText())
                .isEqualTo(secrets().get("KAIZALA_CALLBACK_TOKENS"));
        assertThat(service("processor").path("environment").path("PII_HASH_SECRET").asText())
                .isEqualTo(secrets().get("PII_HASH_SECRET"));
        JsonNode sink = service("sink").path("environment");
        assertThat(sink.path("CLICKHOUSE_USER").asText()).isEqualTo("kaizala_sink");
        assertThat(sink.path("CLICKHOUSE_PASSWORD").asText()).isEqualTo(secrets().get("CLICKHOUSE_SINK_PASSWORD"));
        assertThat(sink.path("CLICKHOUSE_DATABASE").asText()).isEqualTo("kaizala");
        JsonNode clickhouse = service("clickhouse").path("environment");
        assertThat(clickhouse.path("KZ_SINK_USER_PASSWORD").asText())
                .isEqualTo(secrets().get("CLICKHOUSE_SINK_PASSWORD"));
        assertThat(clickhouse.path("KZ_GRAFANA_USER_PASSWORD").asText())
                .isEqualTo(secrets().get("CLICKHOUSE_GRAFANA_PASSWORD"));
        for (String name : List.of("gateway", "processor", "sink", "puller")) {
            JsonNode env = service(name).path("environment");
            assertThat(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()).as(name).isEqualTo("kafka:9092");
            assertThat(env.path("TOPIC_PARTITIONS").asText()).as(name).isEqualTo("3");
        }
    }

    @Test
    void processorAndSinkHaveAStaticGroupInstanceIdOfTheirOwn() {
        String processor = service("processor").path("environment").path("PROCESSOR_INSTANCE_ID").asText();
        String sink = service("sink").path("environment").path("SINK_INSTANCE_ID").asText();
        assertThat(processor).as("PROCESSOR_INSTANCE_ID").matches("[a-zA-Z0-9._-]{1,200}");
        assertThat(sink).as("SINK_INSTANCE_ID").matches("[a-zA-Z0-9._-]{1,200}");
        // one container per id: a replica count would start instances fencing each other
        assertThat(service("processor").at("/deploy/replicas").asInt(1)).isEqualTo(1);
        assertThat(service("sink").at("/deploy/replicas").asInt(1)).isEqualTo(1);
        // the puller's id is its producer's transactional.id: a second container would fence the first
        assertThat(service("puller").path("environment").path("PULLER_INSTANCE_ID").asText())
                .matches("[a-zA-Z0-9._-]{1,200}");
        assertThat(service("puller").at("/deploy/replicas").asInt(1)).isEqualTo(1);
    }

    @Test
    void thePullerIsOptionalAndReadsItsCredentialsFromSecretFilesOutsideGit() {
        JsonNode puller = service("puller");
        assertThat(puller.path("profiles").toString()).isEqualTo("[\"puller\"]");
        JsonNode env = puller.path("environment");
        assertThat(env.has("KAIZALA_APPLICATION_SECRET")).as("no secret in the environment").isFalse();
        assertThat(env.has("KAIZALA_REFRESH_TOKEN")).as("no secret in the environment").isFalse();
        Map<String, String> mounted = new HashMap<>();
        puller.path("secrets").forEach(ref -> {
            String name = ref.path("source").asText(ref.asText());
            mounted.put(name, ref.path("target").asText("/run/secrets/" + name));
        });
        for (String var : List.of("KAIZALA_APPLICATION_SECRET_FILE", "KAIZALA_REFRESH_TOKEN_FILE")) {
            assertThat(mounted.values()).as(var).contains(env.path(var).asText());
        }
        for (String name : mounted.keySet()) {
            assertThat(config.at("/secrets/" + name + "/file").asText()).as("file of secret %s", name)
                    .startsWith(DeployTree.COMPOSE.resolve("secrets").toString() + "/");
        }
        assertThat(DeployTree.read(DeployTree.COMPOSE.resolve(".gitignore"))).containsPattern("(?m)^secrets/$");
    }

    @Test
    void gatewayAndPullerShareTheTokensFileSoASubscribedTokenIsAcceptedWithoutARestart() {
        String file = service("gateway").path("environment").path("KAIZALA_CALLBACK_TOKENS_FILE").asText();
        assertThat(file).isEqualTo("/var/lib/kaizala/tokens/callback-tokens");
        for (String name : List.of("gateway", "puller")) {
            List<String> volumes = new ArrayList<>();
            service(name).path("volumes").forEach(v -> volumes.add(v.asText()));
            assertThat(volumes).as("volumes of %s", name)
                    .contains("gateway-tokens:/var/lib/kaizala/tokens:" + ("gateway".equals(name) ? "ro" : "rw"));
        }
        assertThat(DeployTree.read(DeployTree.COMPOSE.resolve("compose.yaml")))
                .as("the subscribe command line in compose.yaml")
                .contains("--tokens-file " + file);
        // a named volume starts with the image's content: both images have the empty file, owned by the service user
        for (String module : List.of("ingest-gateway", "kaizala-puller")) {
            assertThat(DeployTree.read(DeployTree.ROOT.resolve(module).resolve("Dockerfile"))).as(module)
                    .contains("install -o 10001 -g 10001 -m 600 /dev/null /var/lib/kaizala/tokens/callback-tokens");
        }
    }

    @Test
    void topicInitCreatesExactlyThePipelineTopics() {
        String script = DeployTree.read(DeployTree.COMPOSE.resolve("kafka/create-topics.sh"));
        Matcher m = Pattern.compile("(?m)^TOPIC_SUFFIXES=\"([^\"]*)\"").matcher(script);
        assertThat(m.find()).as("TOPIC_SUFFIXES line in create-topics.sh").isTrue();

        List<String> suffixes = Arrays.asList(m.group(1).trim().split("\\s+"));

        assertThat(suffixes)
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(TopicId.values()).map(TopicId::suffix).toList());
    }

    @Test
    void everyServiceAndKafkaInitDeriveTheTopicLimitsFromTheSameBodyLimit() {
        String script = DeployTree.read(DeployTree.COMPOSE.resolve("kafka/create-topics.sh"));
        assertThat(script).contains("BODY_TOPIC_SUFFIXES=\"raw dlq.gateway dlq.processor\"");
        assertThat(shellConstant(script, "RECORD_OVERHEAD_BYTES")).isEqualTo(RecordLimits.BODY_RECORD_OVERHEAD_BYTES);
        assertThat(shellConstant(script, "TYPED_EXPANSION")).isEqualTo(RecordLimits.TYPED_EXPANSION);
        assertThat(shellConstant(script, "TYPED_RECORD_OVERHEAD_BYTES"))
                .isEqualTo(RecordLimits.TYPED_RECORD_OVERHEAD_BYTES);
        assertThat(shellConstant(script, "KAFKA_DEFAULT_MAX_MESSAGE_BYTES"))
                .isEqualTo(RecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES);
        String body = service("kafka-init").path("environment").path("GATEWAY_MAX_BODY_BYTES").asText();
        for (String name : List.of("gateway", "processor", "sink", "puller")) {
            assertThat(service(name).path("environment").path("GATEWAY_MAX_BODY_BYTES").asText()).as(name)
                    .isEqualTo(body);
        }

        GatewayConfig gateway = GatewayConfig
                .fromEnv(Map.of("KAIZALA_CALLBACK_TOKENS", "t", "GATEWAY_MAX_BODY_BYTES", body));
        ProcessorConfig processor = ProcessorConfig.fromEnv(Map.of("GATEWAY_MAX_BODY_BYTES", body));
        long bodyBytes = Long.parseLong(body);

        // what create-topics.sh computes for the example .env, and what the services set when they create a topic
        assertThat(gateway.limits().bodyTopicConfigs()).containsEntry("max.message.bytes",
                Long.toString(Math.max(bodyBytes + RecordLimits.BODY_RECORD_OVERHEAD_BYTES,
                        RecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES)));
        assertThat(processor.typedTopicConfigs()).containsEntry("max.message.bytes",
                Long.toString(
                        Math.max(RecordLimits.TYPED_EXPANSION * bodyBytes + RecordLimits.TYPED_RECORD_OVERHEAD_BYTES,
                                RecordLimits.KAFKA_DEFAULT_MAX_MESSAGE_BYTES)));
        assertThat(processor.limits().bodyTopicConfigs()).isEqualTo(gateway.limits().bodyTopicConfigs());
    }

    private static int shellConstant(String script, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "=(\\d+)$").matcher(script);
        assertThat(m.find()).as("%s in create-topics.sh", name).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static JsonNode service(String name) {
        JsonNode s = config.path("services").path(name);
        assertThat(s.isMissingNode()).as("service %s", name).isFalse();
        return s;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
