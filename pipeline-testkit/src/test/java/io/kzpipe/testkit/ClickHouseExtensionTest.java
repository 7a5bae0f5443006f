package io.kzpipe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClickHouseExtensionTest {

    @Test
    void withoutAnyServerTheFailureSaysWhatToInstall() {
        assertThat(ClickHouseExtension.noClickHouse(List.of()).getMessage()).contains("no clickhouse-server on PATH")
                .contains("apt-get install -y clickhouse-server clickhouse-client")
                .contains("or set CLICKHOUSE_URL");
    }
}
