package io.kzpipe.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Every metric name the Pipeline health dashboard and the Prometheus alert rules read, with where it is used. */
final class MetricReferences {

    private MetricReferences() {
    }

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
        try {
            for (String file : PrometheusConfigTest.ruleFiles()) {
                JsonNode rules = Yaml.parse(DeployTree.read(DeployTree.PROMETHEUS.resolve(file)));
                for (JsonNode group : rules.path("groups")) {
                    for (JsonNode rule : group.path("rules")) {
                        String where = file + " / " + rule.path("alert").asText(rule.path("record").asText());
                        for (String name : PromQl.metricNames(rule.path("expr").asText())) {
                            refs.computeIfAbsent(name, k -> new TreeSet<>()).add(where);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return refs;
    }
}
