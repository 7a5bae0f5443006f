package io.kzpipe.puller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PullSourceTest {

    @Test
    void aGroupSourcePullsTheDefaultTypesOrThoseNamed() {
        PullSource all = PullSource.parse("group:g-1");
        PullSource some = PullSource.parse(" group:g-1:Survey+Poll ");

        assertThat(all.id()).isEqualTo("group:g-1");
        assertThat(all.groupId()).isEqualTo("g-1");
        assertThat(all.lists()).containsExactly("Survey", "Job");
        assertThat(all.isPackage()).isFalse();
        assertThat(some.id()).isEqualTo("group:g-1:Survey+Poll");
        assertThat(some.lists()).containsExactly("Survey", "Poll");
    }

    @Test
    void aPackageSourceHasOneList() {
        PullSource p = PullSource.parse("package:g-1:com.example.form");

        assertThat(p.isPackage()).isTrue();
        assertThat(p.packageId()).isEqualTo("com.example.form");
        assertThat(p.lists()).containsExactly("package");
    }

    @ParameterizedTest
    @ValueSource(strings = {"g-1", "group:", "group::Survey", "group:g:", "group:g:Sur vey", "package:g", "x:g:y",
            "group:g:Survey:Job"})
    void malformedSpecsAreRefusedWithTheExpectedForm(String spec) {
        assertThatThrownBy(() -> PullSource.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(spec.trim().isEmpty() ? "" : "group:<groupId>");
    }

    @Test
    void eventTypesOfActionTypes() {
        assertThat(PullSource.eventType("Survey")).isEqualTo("SurveyResponse");
        assertThat(PullSource.eventType("Job")).isEqualTo("JobResponse");
        assertThat(PullSource.eventType("Poll")).isEqualTo("ActionResponse");
        assertThat(PullSource.eventType(null)).isEqualTo("ActionResponse");
    }
}
