package io.kzpipe.testkit;

import org.testcontainers.clickhouse.ClickHouseContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * ClickHouse in a Testcontainers container: a current LTS release, pinned ({@code TESTKIT_CLICKHOUSE_IMAGE}
 * overrides it), so the DDL is exercised on what production runs.
 */
final class ContainerClickHouse implements ClickHouseRuntime {

    static final String DEFAULT_IMAGE = "clickhouse/clickhouse-server:26.8.2.7";
    private static final int HTTP_PORT = 8123;

    private final ClickHouseContainer container;

    private ContainerClickHouse(ClickHouseContainer container) {
        this.container = container;
    }

    @SuppressWarnings("resource") // closed by close()
    static ContainerClickHouse start() {
        String image = Settings.getOrDefault("TESTKIT_CLICKHOUSE_IMAGE", DEFAULT_IMAGE);
        ClickHouseContainer container = new ClickHouseContainer(
                DockerImageName.parse(image).asCompatibleSubstituteFor("clickhouse/clickhouse-server"))
                .withEnv("TZ", "UTC");
        container.start();
        return new ContainerClickHouse(container);
    }

    @Override
    public String httpUrl() {
        return "http://" + container.getHost() + ":" + container.getMappedPort(HTTP_PORT);
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public String description() {
        return "Testcontainers " + container.getDockerImageName();
    }

    @Override
    public String diagnostics() {
        return "container logs: docker logs " + container.getContainerId();
    }

    @Override
    public boolean ownedByTests() {
        return true;
    }

    @Override
    public void close() {
        container.stop();
    }
}
