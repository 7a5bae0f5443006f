package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README and docs/ point at each other: every relative Markdown link resolves (the file exists; an {@code #anchor}
 * names a heading of it); every section of README or of a doc named in a source, script, deploy file or document
 * (as {@code README "Scaling"}: the file, then the heading's start in quotes on one line) is a heading of it; and
 * the main settings README lists have the names and defaults of the full tables of docs/CONFIGURATION.md. Markdown
 * is parsed with commonmark, so links in code blocks and code spans are not links.
 */
class DocsLinksTest {

    private static final Parser PARSER = Parser.builder().build();

    /** {@code README "Scaling"}, {@code docs/DESIGN.md, "Ledger"}, {@code README \"Puller\"} in a Java string. */
    private static final Pattern NAMED_SECTION = Pattern
            .compile("(README(?:\\.md)?|docs/[A-Z][A-Z-]*\\.md)[ ,(]+\\\\?\"([^\"\\\\\\n]+)\\\\?\"");

    /** A settings row: {@code | `NAME` ... | default | meaning |}. */
    private static final Pattern SETTING_ROW = Pattern.compile("^\\| (`[A-Z][^|]*) \\| ([^|]*) \\|");

    private static final long LARGEST_SCANNED_FILE = 2L * 1024 * 1024;

    @Test
    void everyRelativeLinkOfTheMarkdownFilesResolves() {
        List<String> broken = new ArrayList<>();
        for (Path doc : files(DeployTree.ROOT, ".md")) {
            broken.addAll(brokenLinks(doc));
        }
        assertThat(broken).as("Markdown links whose file or heading does not exist").isEmpty();
    }

    @Test
    void everySectionNamedInTheTreeIsAHeadingOfItsFile() {
        List<String> missing = new ArrayList<>();
        for (Path file : files(DeployTree.ROOT, "")) {
            Matcher m = NAMED_SECTION.matcher(text(file));
            while (m.find()) {
                Path doc = DeployTree.ROOT.resolve(m.group(1).startsWith("README") ? "README.md" : m.group(1));
                String section = m.group(2);
                if (!Files.isRegularFile(doc) || headings(doc).stream().noneMatch(h -> h.startsWith(section))) {
                    missing.add(DeployTree.ROOT.relativize(file) + ": " + m.group());
                }
            }
        }
        assertThat(missing).as("sections named in the tree that are no heading of that file").isEmpty();
    }

    @Test
    void theSettingsReadmeListsAgreeWithTheConfigurationDoc() {
        Map<String, Set<String>> documented = new HashMap<>();
        settingRows(DeployTree.ROOT.resolve("docs/CONFIGURATION.md"))
                .forEach(row -> documented.computeIfAbsent(row[0], k -> new LinkedHashSet<>()).add(row[1]));
        List<String[]> readme = settingRows(DeployTree.ROOT.resolve("README.md"));
        assertThat(readme).as("settings rows in README").hasSizeGreaterThan(20);
        List<String> disagree = new ArrayList<>();
        for (String[] row : readme) {
            Set<String> defaults = documented.get(row[0]);
            if (defaults == null || !defaults.equals(Set.of(row[1]))) {
                disagree.add(row[0] + " | " + row[1] + " (docs/CONFIGURATION.md: " + defaults + ")");
            }
        }
        assertThat(disagree).as("README settings whose name or default differs from docs/CONFIGURATION.md").isEmpty();
    }

    @Test
    void aMissingFileOrHeadingIsReported(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.md"), "# Other doc\n\n## Section `two` (here)\n");
        Files.writeString(dir.resolve("a.md"),
                String.join("\n", "# A", "[ok](b.md#section-two-here) [ok too](#a) [web](https://example.org/x.md)",
                        "[gone](missing.md) [no heading](b.md#section-three) [no local heading](#b)",
                        "`[in code](nowhere.md)`", "```", "[in a block](nowhere.md)", "```", ""));
        assertThat(brokenLinks(dir.resolve("a.md"))).containsExactly("a.md: missing.md (no such file)",
                "a.md: b.md#section-three (no such heading)", "a.md: #b (no such heading)");
    }

    @Test
    void anchorsAreMadeAsGitHubMakesThem() {
        assertThat(anchor("Topics (io.kzpipe.model.topic.TopicId, Topics)"))
                .isEqualTo("topics-iokzpipemodeltopictopicid-topics");
        assertThat(anchor("Health and metrics (SINK_MANAGEMENT_PORT)"))
                .isEqualTo("health-and-metrics-sink_management_port");
        assertThat(anchor("ClickHouse sink: refused rows, re-loading, stopping"))
                .isEqualTo("clickhouse-sink-refused-rows-re-loading-stopping");
    }

    /** The relative links of {@code doc} that do not resolve, as {@code doc-name: target (why)}. */
    private static List<String> brokenLinks(Path doc) {
        List<String> broken = new ArrayList<>();
        for (String target : links(doc)) {
            if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                continue; // https:, mailto: ...: not ours to check offline
            }
            int hash = target.indexOf('#');
            String path = hash < 0 ? target : target.substring(0, hash);
            Path file = path.isEmpty() ? doc : doc.resolveSibling(path).normalize();
            String name = doc.getFileName() + ": " + target;
            if (!Files.exists(file)) {
                broken.add(name + " (no such file)");
            } else if (hash >= 0 && file.toString().endsWith(".md")
                    && !anchors(file).contains(target.substring(hash + 1))) {
                broken.add(name + " (no such heading)");
            }
        }
        return broken;
    }

    private static List<String> links(Path doc) {
        List<String> targets = new ArrayList<>();
        PARSER.parse(text(doc)).accept(new AbstractVisitor() {
            @Override
            public void visit(Link link) {
                targets.add(link.getDestination());
                visitChildren(link);
            }
        });
        return targets;
    }

    /** The text of every heading of {@code doc}, code spans without their backticks. */
    private static List<String> headings(Path doc) {
        List<String> headings = new ArrayList<>();
        PARSER.parse(text(doc)).accept(new AbstractVisitor() {
            @Override
            public void visit(Heading heading) {
                headings.add(plainText(heading));
            }
        });
        return headings;
    }

    /** The anchors GitHub gives the headings of {@code doc}: a repeated one gets {@code -1}, {@code -2}, ... */
    private static Set<String> anchors(Path doc) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String heading : headings(doc)) {
            String a = anchor(heading);
            int n = seen.merge(a, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? a : a + "-" + n);
        }
        return anchors;
    }

    /**
     * GitHub's rule (no library has it; it is three steps): lower case, drop everything but letters, digits,
     * marks, connector punctuation ({@code _}), spaces and hyphens, then each space becomes a hyphen.
     */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "").replace(' ', '-');
    }

    private static String plainText(Node node) {
        StringBuilder sb = new StringBuilder();
        node.accept(new AbstractVisitor() {
            @Override
            public void visit(Text text) {
                sb.append(text.getLiteral());
            }

            @Override
            public void visit(Code code) {
                sb.append(code.getLiteral());
            }
        });
        return sb.toString().strip();
    }

    /** {@code [name cell, default cell]} of every settings table row of {@code doc}. */
    private static List<String[]> settingRows(Path doc) {
        return text(doc).lines()
                .map(SETTING_ROW::matcher)
                .filter(Matcher::find)
                .map(m -> new String[]{m.group(1).strip(), m.group(2).strip()})
                .toList();
    }

    /** Text files below {@code root} whose name ends with {@code suffix}, outside build output and dot folders. */
    private static List<Path> files(Path root, String suffix) {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().endsWith(suffix))
                    .filter(f -> isScanned(root.relativize(f), f))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isScanned(Path relative, Path file) {
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            String dir = relative.getName(i).toString();
            if (dir.startsWith(".") || dir.equals("target") || dir.equals("node_modules")) {
                return false;
            }
        }
        try {
            return Files.size(file) <= LARGEST_SCANNED_FILE;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file as UTF-8; bytes that are not UTF-8 (a binary file) become U+FFFD and match nothing. */
    private static String text(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
