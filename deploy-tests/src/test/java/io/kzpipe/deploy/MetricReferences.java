package io.kzpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kzpipe.cli.dashboard.Dashboards;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Every metric name the Pipeline health dashboard and the Prometheus alert rules read, with where it is used. */
final class MetricReferences {

    private MetricReferences() {}

    /** Metric name → the panels and rules that read it. */
    static Map<String, Set<String>> all() {
        Map<String, Set<String>> refs = new TreeMap<>(fromRules());
        for (Dashboards.Query q : Dashboards.prometheusQueries()) {
            for (String name : PromQl.metricNames(q.text())) {
                refs.computeIfAbsent(name, k -> new TreeSet<>()).add(q.toString());
            }
        }
        return refs;
    }

    static Map<String, Set<String>> fromRules() {
        Map<String, Set<String>> refs = new TreeMap<>();
        ruleExpressions().forEach((where, expr) -> {
            for (String name : PromQl.metricNames(expr)) {
                refs.computeIfAbsent(name, k -> new TreeSet<>()).add(where);
            }
        });
        return refs;
    }

    /** {@code file / alert} → expression of every rule in {@code deploy/prometheus/rules}. */
    static Map<String, String> ruleExpressions() {
        Map<String, String> expressions = new TreeMap<>();
        for (String file : DeployTree.ruleFiles()) {
            JsonNode rules = Yaml.parse(DeployTree.read(DeployTree.PROMETHEUS.resolve(file)));
            for (JsonNode group : rules.path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    expressions.put(file + " / " + rule.path("alert").asText(rule.path("record").asText()),
                            rule.path("expr").asText());
                }
            }
        }
        return expressions;
    }
}
