package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The local broker's classpath POM (deploy/local/kafka/pom.xml) stands apart from the reactor so that `./pipeline up`
 * resolves the broker without building the services; its Kafka version must still be the one the services are
 * built and tested with (the parent POM's), or the local run would test another broker than CI.
 */
class LocalBrokerPomTest {

    @Test
    void theLocalBrokerRunsTheKafkaVersionOfTheParentPom() {
        String parent = kafkaVersion(DeployTree.read(DeployTree.ROOT.resolve("pom.xml")));
        String broker = kafkaVersion(DeployTree.read(DeployTree.DEPLOY.resolve("local/kafka/pom.xml")));

        assertThat(broker).as("kafka.version of deploy/local/kafka/pom.xml").isEqualTo(parent);
    }

    private static String kafkaVersion(String pom) {
        Matcher m = Pattern.compile("<kafka\\.version>([^<]+)</kafka\\.version>").matcher(pom);
        assertThat(m.find()).as("a <kafka.version> property").isTrue();
        return m.group(1);
    }
}
