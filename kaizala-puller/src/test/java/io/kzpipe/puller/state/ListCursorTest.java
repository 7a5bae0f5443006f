package io.kzpipe.puller.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.kzpipe.puller.api.ActionRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListCursorTest {

    private static ActionRef a(String id, long t) {
        return new ActionRef(id, "Survey", t, ActionRef.UNKNOWN);
    }

    @Test
    void theCursorMovesToTheLastInstantAndRemembersEveryActionAtIt() {
        ListCursor c = ListCursor.at(100).after(List.of(a("x", 100), a("y", 200), a("z", 300), a("w", 300)));

        assertThat(c.fromMs()).isEqualTo(300);
        assertThat(c.seenAtFrom()).containsExactly("z", "w");
        assertThat(c.seen(a("z", 300))).isTrue();
        assertThat(c.seen(a("v", 300))).as("a new action at the same instant").isFalse();
        assertThat(c.seen(a("z", 301))).isFalse();
    }

    @Test
    void aPageStillAtTheSameInstantAddsToWhatWasSeenThere() {
        ListCursor c = ListCursor.at(300).after(List.of(a("z", 300))).after(List.of(a("z", 300), a("v", 300)));

        assertThat(c.fromMs()).isEqualTo(300);
        assertThat(c.seenAtFrom()).containsExactlyInAnyOrder("z", "v");
    }

    @Test
    void anActionWithoutATimeCountsAtTheCursorsInstant() {
        ActionRef noTime = a("n", ActionRef.UNKNOWN);
        ListCursor c = ListCursor.at(500).after(List.of(noTime));

        assertThat(c.fromMs()).isEqualTo(500);
        assertThat(c.seen(noTime)).isTrue();
    }

    @Test
    void anEmptyPageLeavesTheCursorAsItWas() {
        ListCursor c = new ListCursor(7, List.of("q"));

        assertThat(c.after(List.of())).isEqualTo(c);
    }
}
