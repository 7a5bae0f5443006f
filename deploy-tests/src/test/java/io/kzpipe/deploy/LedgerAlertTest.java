package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.dashboard.Dashboards;
import io.kzpipe.cli.report.Reconcile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ledger's SQL lives once, in the "Ledger by minute" panel of the "Pipeline health" dashboard: the
 * "Unbalanced minutes" panel and the provisioned Grafana alert rule are derived from it, exactly.
 */
class LedgerAlertTest {

    private static final String ALERTS = "provisioning/alerting/ledger.yaml";

    static JsonNode pipelineHealth() {
        return Dashboards.load(DeployTree.DASHBOARDS.resolve("pipeline-health.json"));
    }

    /** The SQL of the dashboard's panel titled {@code title} (its one target). */
    static String panelSql(String title) {
        List<JsonNode> panels = Dashboards.panels(pipelineHealth())
                .stream()
                .filter(p -> title.equals(p.path("title").asText()))
                .toList();
        assertThat(panels).as(title).hasSize(1);
        List<Dashboards.Target> targets = Dashboards.targets(panels.get(0));
        assertThat(targets).as(title).hasSize(1).allSatisfy(t -> assertThat(t.isClickHouse()).isTrue());
        return targets.get(0).text();
    }

    @Test
    void theUnbalancedMinutesPanelCountsTheLedgerPanelsUnbalancedRows() {
        String ledger = Reconcile.ledgerSql(pipelineHealth());
        assertThat(ledger).isEqualTo(panelSql(Reconcile.PANEL_TITLE));
        assertThat(panelSql("Unbalanced minutes")).isEqualTo("SELECT count() AS unbalanced_minutes\nFROM (\n" + ledger
                + "\n)\nWHERE " + Reconcile.STATUS_COLUMN + " = '" + Reconcile.STATUS_UNBALANCED + "'");
    }

    @Test
    void theAlertRuleRunsTheUnbalancedMinutesQueryOnTheClickHouseDatasourceAndFiresAboveZero() {
        JsonNode groups = Yaml.parse(DeployTree.read(DeployTree.GRAFANA.resolve(ALERTS))).path("groups");
        assertThat(groups).hasSize(1);
        JsonNode rule = groups.get(0).path("rules").get(0);
        assertThat(rule.path("uid").asText()).isEqualTo("kz-ledger-unbalanced");
        JsonNode query = rule.path("data").get(0);
        assertThat(query.path("datasourceUid").asText()).isEqualTo(Dashboards.CLICKHOUSE_UID);
        assertThat(query.at("/model/rawSql").asText()).isEqualTo(panelSql("Unbalanced minutes"));
        assertThat(query.at("/relativeTimeRange/to").asInt()).isZero();
        assertThat(rule.path("condition").asText()).isEqualTo("C");
        JsonNode threshold = rule.path("data").get(2).path("model");
        assertThat(threshold.path("type").asText()).isEqualTo("threshold");
        assertThat(threshold.at("/conditions/0/evaluator/type").asText()).isEqualTo("gt");
        assertThat(threshold.at("/conditions/0/evaluator/params/0").asInt()).isZero();
        assertThat(rule.path("noDataState").asText()).isEqualTo("OK");
        assertThat(rule.path("execErrState").asText()).isEqualTo("Error");
    }

    @Test
    void composeAndKustomizeLoadTheAlertRule() {
        assertThat(DeployTree.read(DeployTree.COMPOSE.resolve("compose.yaml")))
                .contains("- ../grafana/provisioning:/etc/grafana/provisioning:ro");
        assertThat(DeployTree.read(DeployTree.GRAFANA.resolve("kustomization.yaml")))
                .contains("      - " + ALERTS + "\n", "grafana_alert: \"1\"");
    }
}
