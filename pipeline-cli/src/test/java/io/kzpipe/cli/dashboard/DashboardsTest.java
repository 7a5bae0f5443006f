package io.kzpipe.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardsTest {

    private static final JsonNode NESTED = Dashboards.loadResource("dashboards/nested.json");

    @Test
    void panelsIncludeThoseNestedInCollapsedRowsInDashboardOrder() {
        assertThat(Dashboards.panels(NESTED)).extracting(p -> p.path("title").asText())
                .containsExactly("Open row", "Count", "Rate", "Closed row", "Nested table", "Mixed", "Notes");
    }

    @Test
    void targetsTakeTheirOwnDatasourceElseThePanels() {
        List<JsonNode> panels = Dashboards.panels(NESTED);

        assertThat(Dashboards.targets(panels.get(1))).singleElement().satisfies(t -> {
            assertThat(t.refId()).isEqualTo("A");
            assertThat(t.datasourceUid()).isEqualTo(Dashboards.CLICKHOUSE_UID);
            assertThat(t.text()).startsWith("SELECT count()");
            assertThat(t.isClickHouse()).isTrue();
            assertThat(t.hidden()).isFalse();
        });
        assertThat(Dashboards.targets(panels.get(2))).singleElement()
                .satisfies(t -> assertThat(t.isClickHouse()).isFalse())
                .satisfies(t -> assertThat(t.text()).startsWith("sum(rate("));
        assertThat(Dashboards.targets(panels.get(4))).extracting(Dashboards.Target::refId, Dashboards.Target::hidden)
                .containsExactly(tuple("A", false), tuple("B", true));
        assertThat(Dashboards.targets(panels.get(5))).extracting(Dashboards.Target::datasourceUid)
                .containsExactly(Dashboards.CLICKHOUSE_UID, Dashboards.PROMETHEUS_UID);
        assertThat(Dashboards.targets(panels.get(6))).isEmpty();
    }

    @Test
    void queriesListPanelTargetsThenQueryVariables() {
        assertThat(Dashboards.queries(NESTED)).extracting(Dashboards.Query::toString)
                .containsExactly("Nested panels / panel 'Count' A", "Nested panels / panel 'Rate' A",
                        "Nested panels / panel 'Nested table' A", "Nested panels / panel 'Nested table' B",
                        "Nested panels / panel 'Mixed' A", "Nested panels / panel 'Mixed' B",
                        "Nested panels / variable 'group'", "Nested panels / variable 'job'");
        assertThat(Dashboards.queries(NESTED).get(7).text()).isEqualTo("label_values(up, job)");
    }

    @Test
    void aDirectoryOfDashboardsIsReadByFileName(@TempDir Path dir) throws IOException {
        String json = new String(DashboardsTest.class.getResourceAsStream("/dashboards/nested.json").readAllBytes(),
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("b.json"), json);
        Files.writeString(dir.resolve("a.json"), json.replace("Nested panels", "First"));
        Files.writeString(dir.resolve("notes.txt"), "not a dashboard");

        assertThat(Dashboards.files(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("a.json", "b.json");
        assertThat(Dashboards.load(dir.resolve("a.json")).path("title").asText()).isEqualTo("First");
        assertThat(Dashboards.clickHouseQueries(dir)).hasSize(10)
                .allSatisfy(q -> assertThat(q.datasourceUid()).isEqualTo(Dashboards.CLICKHOUSE_UID));
        assertThat(Dashboards.prometheusQueries(dir)).extracting(Dashboards.Query::dashboard)
                .containsExactly("First", "First", "First", "Nested panels", "Nested panels", "Nested panels");
    }

    @Test
    void theBundledDashboardIsTheRepositorysFileCopiedAtBuildTime() {
        JsonNode d = Dashboards.loadResource("io/kzpipe/cli/dashboards/kaizala-responses.json");

        assertThat(d).isEqualTo(Dashboards.load(Dashboards.repositoryDirectory().resolve("kaizala-responses.json")));
        assertThat(d.path("title").asText()).isEqualTo("Kaizala responses");
        assertThat(Dashboards.panels(d)).anySatisfy(
                p -> assertThat(Dashboards.targets(p)).anySatisfy(t -> assertThat(t.isClickHouse()).isTrue()));
        assertThatThrownBy(() -> Dashboards.loadResource("no/such.json")).hasMessageContaining("no/such.json");
    }

    @Test
    void theRepositorysDashboardsAreFoundFromTheWorkingDirectory() {
        assertThat(Dashboards.repositoryDirectory()).endsWith(Path.of("deploy", "grafana", "dashboards"));
        assertThat(Dashboards.files()).extracting(p -> p.getFileName().toString()).contains("kaizala-responses.json");
        assertThat(Dashboards.clickHouseQueries()).isNotEmpty()
                .allSatisfy(q -> assertThat(q.datasourceUid()).isEqualTo(Dashboards.CLICKHOUSE_UID));
        assertThat(Dashboards.queries()).containsAll(Dashboards.prometheusQueries());
    }
}
