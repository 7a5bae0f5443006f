package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.cli.dashboard.Dashboards;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsMetricNamesButNotFunctionsLabelsOrKeywords() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, outcome) "
                + "(rate(kz_gateway_publish_duration_seconds_bucket{topic=\"raw\",result=~\"ok|x\"}[$__rate_interval])))"))
                .containsExactly("kz_gateway_publish_duration_seconds_bucket");
        assertThat(PromQl.metricNames("sum(rate(a_total[5m])) / sum(rate(b_count[5m])) > 0.5 and on (job) up == 1"))
                .containsExactly("a_total", "b_count", "up");
        assertThat(PromQl.metricNames("max(kz_sink_backing_off) == 1e3")).containsExactly("kz_sink_backing_off");
        assertThat(PromQl.metricNames("sum by (reason) (rate(x_total{reason!=\"a{b}\"}[1h] offset 5m))"))
                .containsExactly("x_total");
    }

    @Test
    void everyDashboardAndRuleExpressionNamesAtLeastOneMetric() throws Exception {
        assertThat(Dashboards.prometheusQueries()).isNotEmpty()
                .allSatisfy(q -> assertThat(PromQl.metricNames(q.text())).as(q.toString()).isNotEmpty());
        assertThat(MetricReferences.fromRules()).isNotEmpty();
    }
}
