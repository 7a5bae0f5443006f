package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.model.kafka.RecordLimits;
import io.kzpipe.processor.config.ProcessorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests as {@code kubectl kustomize} renders them (base and example overlay), checked
 * for what operators rely on: probes, requests and limits, PodDisruptionBudgets, the gateway's HPA, pinned
 * images, processor replicas within the partition count, ConfigMap/Secret wiring that resolves, and the
 * Grafana ConfigMaps carrying exactly the dashboard files compose mounts.
 */
class KustomizeIT {

    private static final List<String> SERVICES = List.of("ingest-gateway", "stream-processor", "sink-clickhouse");
    /** The optional puller component, which the example overlay includes. */
    private static final String PULLER = "kaizala-puller";

    private static List<String> servicesOf(String dir) {
        List<String> services = new ArrayList<>(SERVICES);
        if (!"base".equals(dir)) {
            services.add(PULLER);
        }
        return services;
    }

    static List<JsonNode> render(String dir) {
        Tool.Result result = Tool.KUBECTL.run(DeployTree.K8S, Map.of(), "kustomize", dir);
        assertThat(result.exitCode()).as("kubectl kustomize %s:\n%s", dir, result.stderr()).isZero();
        return Yaml.documents(result.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void everyDeploymentHasProbesResourcesAPdbAndAPinnedImage(String dir) {
        List<JsonNode> docs = render(dir);

        assertThat(deployments(docs)).extracting(d -> d.at("/metadata/name").asText())
                .containsExactlyInAnyOrderElementsOf(servicesOf(dir));
        for (JsonNode d : deployments(docs)) {
            String name = d.at("/metadata/name").asText();
            JsonNode podLabels = d.at("/spec/template/metadata/labels");
            assertThat(d.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).as(name).isTrue();
            for (JsonNode c : d.at("/spec/template/spec/containers")) {
                assertThat(c.at("/livenessProbe/httpGet/path").asText()).as("liveness of %s", name)
                        .isEqualTo("/health/live");
                assertThat(c.at("/readinessProbe/httpGet/path").asText()).as("readiness of %s", name)
                        .isEqualTo("/health/ready");
                // health and metrics on the management port of every service (the gateway's http port is the webhook)
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    assertThat(c.at("/" + probe + "/httpGet/port").asText()).as("%s port of %s", probe, name)
                            .isEqualTo("management");
                }
                String managementPort = containerPort(c, "management");
                assertThat(d.at("/spec/template/metadata/annotations").path("prometheus.io/port").asText())
                        .as("scraped port of %s", name)
                        .isEqualTo(managementPort);
                for (String kind : List.of("requests", "limits")) {
                    for (String resource : List.of("cpu", "memory")) {
                        assertThat(c.at("/resources/" + kind + "/" + resource).asText())
                                .as("%s.%s of %s", kind, resource, name)
                                .isNotBlank();
                    }
                }
                String image = c.path("image").asText();
                assertThat(image).as("image of %s", name)
                        .matches(".+:[A-Za-z0-9._-]*\\d[A-Za-z0-9._-]*")
                        .doesNotEndWith(":latest");
                assertThat(c.path("imagePullPolicy").asText()).as(name).isNotEqualTo("Always");
                assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(name).isFalse();
            }
            assertThat(ofKind(docs, "PodDisruptionBudget")).as("PodDisruptionBudget selecting %s", name)
                    .anySatisfy(pdb -> assertThat(selects(pdb.at("/spec/selector/matchLabels"), podLabels)).isTrue());
            assertThat(ofKind(docs, "Service")).as("Service selecting %s", name)
                    .anySatisfy(svc -> assertThat(selects(svc.at("/spec/selector"), podLabels)).isTrue());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void gatewayScalesOnCpuAndTheProcessorNeverExceedsThePartitionCount(String dir) {
        List<JsonNode> docs = render(dir);

        List<JsonNode> hpas = ofKind(docs, "HorizontalPodAutoscaler");
        assertThat(hpas).hasSize(1);
        JsonNode hpa = hpas.get(0);
        assertThat(hpa.at("/spec/scaleTargetRef/name").asText()).isEqualTo("ingest-gateway");
        assertThat(hpa.at("/spec/minReplicas").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(hpa.at("/spec/metrics/0/resource/name").asText()).isEqualTo("cpu");

        JsonNode processor = deployment(docs, "stream-processor");
        int partitions = Integer.parseInt(configFor(docs, processor).at("/data/TOPIC_PARTITIONS").asText());
        assertThat(processor.at("/spec/replicas").asInt()).as("processor replicas vs TOPIC_PARTITIONS")
                .isBetween(1, partitions);
        assertThat(deployment(docs, "sink-clickhouse").at("/spec/replicas").asInt()).isBetween(1, partitions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void everyServiceReadsTheSameBodyLimitAndDerivesItsRecordLimitFromIt(String dir) {
        List<JsonNode> docs = render(dir);

        Set<String> values = new HashSet<>();
        for (JsonNode d : deployments(docs)) {
            Map<String, String> env = new HashMap<>();
            configFor(docs, d).path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            for (JsonNode e : d.at("/spec/template/spec/containers/0/env")) {
                if (e.has("value")) {
                    env.put(e.path("name").asText(), e.path("value").asText());
                }
            }
            values.add(env.get(RecordLimits.MAX_BODY_VAR));
            if ("stream-processor".equals(d.at("/metadata/name").asText())) {
                ProcessorConfig processor = ProcessorConfig.fromEnv(env);
                assertThat(processor.maxRecordBytes()).isEqualTo(processor.limits().typedRecordBytes());
            }
        }
        assertThat(values).as("GATEWAY_MAX_BODY_BYTES of the three services").singleElement().isNotNull();
    }

    /**
     * Static group membership needs an id per instance that survives its restarts and is unique in the group: the
     * pod name of a StatefulSet (a Deployment's pod names change on every roll-out, so every rolled pod would join
     * as a new member and the old one would hold its partitions until its session timed out).
     */
    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void processorAndSinkAreStatefulSetsWhosePodNameIsTheirGroupInstanceId(String dir) {
        List<JsonNode> docs = render(dir);

        for (Map.Entry<String, String> e : Map
                .of("stream-processor", "PROCESSOR_INSTANCE_ID", "sink-clickhouse", "SINK_INSTANCE_ID")
                .entrySet()) {
            JsonNode set = named(docs, "StatefulSet", e.getKey())
                    .orElseThrow(() -> new AssertionError(e.getKey() + " is not a StatefulSet"));
            assertThat(ofKind(docs, "Service")).as("the Service governing %s", e.getKey())
                    .anySatisfy(svc -> assertThat(svc.at("/metadata/name").asText())
                            .isEqualTo(set.at("/spec/serviceName").asText()));
            assertThat(set.at("/spec/updateStrategy/type").asText()).isEqualTo("RollingUpdate");
            List<JsonNode> ids = new ArrayList<>();
            set.at("/spec/template/spec/containers/0/env").forEach(env -> {
                if (e.getValue().equals(env.path("name").asText())) {
                    ids.add(env);
                }
            });
            assertThat(ids).as("%s of %s", e.getValue(), e.getKey())
                    .singleElement()
                    .satisfies(env -> assertThat(env.at("/valueFrom/fieldRef/fieldPath").asText())
                            .isEqualTo("metadata.name"));
            JsonNode config = configFor(docs, set);
            assertThat(config.at("/data").has(e.getValue())).as("no shared %s in the ConfigMap", e.getValue())
                    .isFalse();
        }
    }

    @Test
    void overlaySecretAndConfigMapReferencesResolve() {
        List<JsonNode> docs = render("overlays/example");

        for (JsonNode d : deployments(docs)) {
            String name = d.at("/metadata/name").asText();
            assertThat(d.at("/metadata/namespace").asText()).isEqualTo("kaizala");
            for (JsonNode from : d.at("/spec/template/spec/containers/0/envFrom")) {
                String ref = from.at("/configMapRef/name").asText();
                assertThat(named(docs, "ConfigMap", ref)).as("%s needs ConfigMap %s", name, ref).isPresent();
            }
            for (JsonNode env : d.at("/spec/template/spec/containers/0/env")) {
                JsonNode ref = env.at("/valueFrom/secretKeyRef");
                if (!ref.isMissingNode()) {
                    JsonNode secret = named(docs, "Secret", ref.path("name").asText())
                            .orElseThrow(() -> new AssertionError(name + " refers to missing Secret " + ref));
                    assertThat(secret.at("/data").has(ref.path("key").asText())).as("%s needs %s", name, ref).isTrue();
                }
            }
            for (JsonNode volume : d.at("/spec/template/spec/volumes")) {
                JsonNode ref = volume.path("secret");
                if (!ref.isMissingNode()) {
                    JsonNode secret = named(docs, "Secret", ref.path("secretName").asText())
                            .orElseThrow(() -> new AssertionError(name + " mounts missing Secret " + ref));
                    for (JsonNode item : ref.path("items")) {
                        assertThat(secret.at("/data").has(item.path("key").asText())).as("%s mounts %s", name, item)
                                .isTrue();
                    }
                }
            }
        }
        assertThat(deployment(docs, "stream-processor").at("/spec/template/spec/containers/0/image").asText())
                .startsWith("registry.example.com/");
    }

    /**
     * One puller: one call budget per connector, and its state advances in transactions whose id is the pod name (a
     * second pod would fence the first). Its secrets are files of a mounted Secret, never environment values.
     */
    @Test
    void thePullerIsOneStatefulSetPodWhoseNameIsItsTransactionalIdWithItsSecretsAsFiles() {
        List<JsonNode> docs = render("overlays/example");
        JsonNode set = named(docs, "StatefulSet", PULLER).orElseThrow(() -> new AssertionError("no puller"));
        assertThat(set.at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(set.at("/spec/podManagementPolicy").asText("OrderedReady")).isEqualTo("OrderedReady");
        JsonNode container = set.at("/spec/template/spec/containers/0");
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertThat(env.get("PULLER_INSTANCE_ID").at("/valueFrom/fieldRef/fieldPath").asText())
                .isEqualTo("metadata.name");
        assertThat(env.get("PULLER_MANAGEMENT_PORT").path("value").asText())
                .isEqualTo(containerPort(container, "management"));
        assertThat(env).doesNotContainKeys("KAIZALA_APPLICATION_SECRET", "KAIZALA_REFRESH_TOKEN");
        JsonNode secret = mountedSecret(docs, set, env.get("KAIZALA_APPLICATION_SECRET_FILE").path("value").asText());
        for (String key : List.of("KAIZALA_APPLICATION_SECRET", "KAIZALA_REFRESH_TOKEN")) {
            assertThat(env.get(key + "_FILE").path("value").asText()).endsWith("/" + key);
            assertThat(secret.at("/data").has(key)).as(key).isTrue();
        }
        JsonNode config = named(docs, "ConfigMap", container.at("/envFrom/1/configMapRef/name").asText()).orElseThrow();
        assertThat(config.at("/data/PULLER_SOURCES").asText()).startsWith("group:");
        assertThat(config.at("/data/KAIZALA_API_URL").asText()).startsWith("https://");
    }

    /**
     * The gateway's tokens file is a mounted Secret (a directory, never subPath: the kubelet updates only those), with
     * a stable name, so that a token added to the Secret reaches the running gateway without a roll-out.
     */
    @Test
    void theGatewayReadsItsCallbackTokensFromASecretMountedAsAFileThatUpdatesInPlace() {
        List<JsonNode> docs = render("overlays/example");
        JsonNode gateway = deployment(docs, "ingest-gateway");
        String file = null;
        for (JsonNode e : gateway.at("/spec/template/spec/containers/0/env")) {
            if ("KAIZALA_CALLBACK_TOKENS_FILE".equals(e.path("name").asText())) {
                file = e.path("value").asText();
            }
        }
        assertThat(file).isNotNull();
        JsonNode secret = mountedSecret(docs, gateway, file);
        assertThat(secret.at("/metadata/name").asText()).isEqualTo("kaizala-callback-tokens");
        assertThat(secret.at("/data").has(Path.of(file).getFileName().toString())).isTrue();
        for (JsonNode mount : gateway.at("/spec/template/spec/containers/0/volumeMounts")) {
            assertThat(mount.has("subPath")).as("subPath mounts are never updated").isFalse();
        }
    }

    /** The Secret mounted (as a directory) where {@code file} is, in the first container of {@code workload}. */
    private static JsonNode mountedSecret(List<JsonNode> docs, JsonNode workload, String file) {
        JsonNode spec = workload.at("/spec/template/spec");
        for (JsonNode mount : spec.at("/containers/0/volumeMounts")) {
            if (Path.of(file).getParent().equals(Path.of(mount.path("mountPath").asText()))) {
                for (JsonNode volume : spec.path("volumes")) {
                    if (volume.path("name").asText().equals(mount.path("name").asText())) {
                        String secret = volume.at("/secret/secretName").asText();
                        return named(docs, "Secret", secret)
                                .orElseThrow(() -> new AssertionError("no Secret " + secret));
                    }
                }
            }
        }
        throw new AssertionError("no Secret volume mounted at the directory of " + file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void imageTagsAreThePipelineVersionOfTheComposeStack(String dir) {
        String version = DeployTree.envFile(DeployTree.COMPOSE.resolve(".env.example")).get("PIPELINE_VERSION");
        for (JsonNode d : deployments(render(dir))) {
            assertThat(d.at("/spec/template/spec/containers/0/image").asText()).endsWith(":" + version);
        }
    }

    @Test
    void grafanaConfigMapsCarryExactlyTheDashboardFilesComposeMounts() throws IOException {
        List<JsonNode> docs = render("base");
        JsonNode dashboards = named(docs, "ConfigMap", "kaizala-grafana-dashboards").orElseThrow();
        JsonNode datasources = named(docs, "ConfigMap", "kaizala-grafana-datasources").orElseThrow();

        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(DeployTree.DASHBOARDS)) {
            s.filter(p -> p.toString().endsWith(".json")).forEach(p -> files.add(p.getFileName().toString()));
        }
        List<String> keys = new ArrayList<>();
        dashboards.path("data").fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyInAnyOrderElementsOf(files);
        for (String file : files) {
            assertThat(dashboards.at("/data/" + file).asText()).as(file)
                    .isEqualTo(DeployTree.read(DeployTree.DASHBOARDS.resolve(file)));
        }
        assertThat(dashboards.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(datasources.at("/data/datasources.yaml").asText())
                .isEqualTo(DeployTree.read(DeployTree.GRAFANA.resolve("provisioning/datasources/datasources.yaml")));
        assertThat(datasources.at("/metadata/labels/grafana_datasource").asText()).isEqualTo("1");
    }

    /** The number of the container port named {@code name}. */
    private static String containerPort(JsonNode container, String name) {
        for (JsonNode p : container.path("ports")) {
            if (name.equals(p.path("name").asText())) {
                return p.path("containerPort").asText();
            }
        }
        throw new AssertionError("no container port named " + name + " in " + container.path("name").asText());
    }

    private static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    /** The workloads of the three services: the gateway's Deployment, the processor's and sink's StatefulSets. */
    private static List<JsonNode> deployments(List<JsonNode> docs) {
        List<JsonNode> out = new ArrayList<>(ofKind(docs, "Deployment"));
        out.addAll(ofKind(docs, "StatefulSet"));
        return out;
    }

    private static JsonNode deployment(List<JsonNode> docs, String name) {
        return deployments(docs).stream()
                .filter(d -> name.equals(d.at("/metadata/name").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Deployment or StatefulSet " + name));
    }

    private static Optional<JsonNode> named(List<JsonNode> docs, String kind, String name) {
        return ofKind(docs, kind).stream().filter(d -> name.equals(d.at("/metadata/name").asText())).findFirst();
    }

    /** The ConfigMap a Deployment's container takes its environment from (envFrom); fails when it is missing. */
    private static JsonNode configFor(List<JsonNode> docs, JsonNode deployment) {
        String ref = deployment.at("/spec/template/spec/containers/0/envFrom/0/configMapRef/name").asText();
        return named(docs, "ConfigMap", ref).orElseThrow(() -> new AssertionError(
                deployment.at("/metadata/name").asText() + " refers to missing ConfigMap '" + ref + "'"));
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }
}
