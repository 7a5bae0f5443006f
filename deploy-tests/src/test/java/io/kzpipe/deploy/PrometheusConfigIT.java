package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/prometheus} passes {@code promtool}, scrapes the services (and the puller) where compose runs them
 * (service names, container ports of docs/DESIGN.md), and loads the rule files from where compose mounts them.
 */
class PrometheusConfigIT {

    @Test
    void promtoolAcceptsTheConfig() {
        Tool.Result result = Tool.PROMTOOL.run(DeployTree.PROMETHEUS, Map.of(), "check", "config", "prometheus.yml");

        assertThat(result.exitCode()).as(result.both()).isZero();
    }

    @Test
    void promtoolAcceptsEveryRuleFile() {
        List<String> files = DeployTree.ruleFiles();
        assertThat(files).isNotEmpty();
        for (String file : files) {
            Tool.Result result = Tool.PROMTOOL.run(DeployTree.PROMETHEUS, Map.of(), "check", "rules", file);
            assertThat(result.exitCode()).as(result.both()).isZero();
            assertThat(result.stdout()).contains("SUCCESS");
        }
    }

    @Test
    void scrapesEveryServiceOnItsManagementPort() {
        JsonNode config = Yaml.parse(DeployTree.read(DeployTree.PROMETHEUS.resolve("prometheus.yml")));
        List<String> targets = new ArrayList<>();
        for (JsonNode job : config.path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                sc.path("targets").forEach(t -> targets.add(job.path("job_name").asText() + "=" + t.asText()));
            }
        }
        assertThat(targets).contains("ingest-gateway=gateway:8083", "stream-processor=processor:8081",
                "sink-clickhouse=sink:8082", "kaizala-puller=puller:8084");
        assertThat(config.path("rule_files").get(0).asText()).isEqualTo("/etc/prometheus/rules/*.yml");
        assertThat(DeployTree.read(DeployTree.COMPOSE.resolve("compose.yaml")))
                .contains("../prometheus/rules:/etc/prometheus/rules:ro")
                .contains("../prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    }
}
