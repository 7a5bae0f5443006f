package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The service Dockerfiles (no Docker engine here, so read, not built): pinned base images that agree with
 * the compose env file, the jar and lib/ layout of the parent POM's {@code service} profile, the right main
 * class, an unprivileged user and the documented port.
 */
class DockerfilesTest {

    @ParameterizedTest
    @CsvSource({"ingest-gateway,io.kzpipe.gateway.Main,8080 8083", "stream-processor,io.kzpipe.processor.Main,8081",
            "sink-clickhouse,io.kzpipe.sink.Main,8082", "kaizala-puller,io.kzpipe.puller.Main,8084"})
    void dockerfileBuildsTheServiceJarOnPinnedBasesAndRunsItUnprivileged(String module, String mainClass, String port) {
        String dockerfile = DeployTree.read(DeployTree.ROOT.resolve(module).resolve("Dockerfile"));
        Map<String, String> env = DeployTree.envFile(DeployTree.COMPOSE.resolve(".env.example"));

        assertThat(arg(dockerfile, "MAVEN_BUILD_IMAGE")).isEqualTo(env.get("MAVEN_BUILD_IMAGE")).matches(".+:\\d[^:]*");
        assertThat(arg(dockerfile, "JRE_IMAGE")).isEqualTo(env.get("JRE_IMAGE")).matches(".+:\\d[^:]*");
        assertThat(dockerfile).contains("mvn -B -q -pl " + module + " -am package")
                .contains("COPY --from=build /src/" + module + "/target/lib/ /app/lib/")
                .contains("COPY --from=build /src/" + module + "/target/" + module + ".jar /app/" + module + ".jar")
                .contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/" + module + ".jar\"]")
                .contains("EXPOSE " + port)
                .containsPattern("(?m)^USER 10001:10001$");
        assertThat(dockerfile.lastIndexOf("USER 10001")).isGreaterThan(dockerfile.lastIndexOf("FROM "));

        String pom = DeployTree.read(DeployTree.ROOT.resolve(module).resolve("pom.xml"));
        assertThat(pom).contains("<service.main-class>" + mainClass + "</service.main-class>");
        assertThat(
                Files.isRegularFile(DeployTree.ROOT.resolve(module).resolve("src/main/resources/service.properties")))
                .as("%s activates the service profile (target/%s.jar + target/lib)", module, module)
                .isTrue();
        assertThat(DeployTree.read(DeployTree.ROOT.resolve(module).resolve("Dockerfile.dockerignore")))
                .contains("**/target", ".git");
        assertThat(DeployTree.read(DeployTree.COMPOSE.resolve("compose.yaml")))
                .contains("dockerfile: " + module + "/Dockerfile");
    }

    private static String arg(String dockerfile, String name) {
        Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)$").matcher(dockerfile);
        assertThat(m.find()).as("ARG %s with a default", name).isTrue();
        return m.group(1);
    }
}
