package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocalClickHouseServerTest {

    @Test
    void configUsesTheOldRootElementPrivatePortsAndDirectoriesAndUtc() {
        String config = LocalClickHouseServer.config(Path.of("/tmp/ch home"), 18123, 19000);

        assertThat(config).contains("<yandex>", "<http_port>18123</http_port>", "<tcp_port>19000</tcp_port>",
                "<listen_host>127.0.0.1</listen_host>", "<path>/tmp/ch home/data/</path>", "<timezone>UTC</timezone>",
                "<log>/tmp/ch home/log/server.log</log>");
    }

    @Test
    void usersProfileLeavesLowCardinalityAloneAndAllowsLoopbackOnly() {
        String users = LocalClickHouseServer.users();

        assertThat(users).doesNotContain("low_cardinality").contains("<ip>127.0.0.1</ip>", "<ip>::1</ip>")
                .doesNotContain("<ip>::/0</ip>");
    }
}
