package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the code and the docs cite lives in the repository: a clone has no reference notes beside it, so no source,
 * script or document may point to them (the project's own account of the Kaizala API is docs/KAIZALA-API.md).
 */
class NoOutsideReferencesTest {

    /** The names of the notes this project was started from, assembled so this file does not match itself. */
    private static final Pattern OUTSIDE = Pattern.compile(String.join("|", "\\b" + "FACTS" + "(\\.md|\\s+§)",
            "\\b" + "ENVIRONMENT" + "\\.md", "\\b" + "CONVENTIONS" + "(\\.md|\\s+[0-9§])", "\\.\\./" + "shared/"));

    private static final List<String> CHECKED = List.of(".java", ".md", ".sh", ".xml", ".yaml", ".yml", ".sql");

    @Test
    void noFileCitesNotesOutsideTheRepository() throws IOException {
        List<String> hits;
        try (Stream<Path> files = Files.walk(DeployTree.ROOT)) {
            hits = files.filter(Files::isRegularFile)
                    .filter(NoOutsideReferencesTest::isSource)
                    .flatMap(f -> DeployTree.read(f)
                            .lines()
                            .filter(line -> OUTSIDE.matcher(line).find())
                            .map(line -> DeployTree.ROOT.relativize(f) + ": " + line.strip()))
                    .toList();
        }
        assertThat(hits).as("references to files outside the repository").isEmpty();
    }

    private static boolean isSource(Path file) {
        String path = DeployTree.ROOT.relativize(file).toString();
        return CHECKED.stream().anyMatch(path::endsWith)
                && Stream.of(path.split("/")).noneMatch(p -> p.equals("target") || p.startsWith("."));
    }
}
