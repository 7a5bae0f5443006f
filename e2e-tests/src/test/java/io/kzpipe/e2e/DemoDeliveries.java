package io.kzpipe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The deliveries {@code ./pipeline demo} posts: {@code deploy/local/demo/deliveries.txt} (one {@code <file> <note>}
 * per line, in posting order; a file listed twice is a duplicate delivery) and the bodies it names, byte for byte.
 * The folder comes from the system property {@code e2e.demo.dir} (set by the POM), else {@code ../deploy/local/demo}.
 */
final class DemoDeliveries {

    /** One line of the manifest: the file name and the exact body. */
    record Delivery(String file, String body) {}

    private DemoDeliveries() {}

    static Path dir() {
        return Path.of(System.getProperty("e2e.demo.dir", "../deploy/local/demo"));
    }

    static List<Delivery> all() {
        List<Delivery> out = new ArrayList<>();
        for (String line : read(dir().resolve("deliveries.txt")).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String file = trimmed.split("\\s+", 2)[0];
            out.add(new Delivery(file, body(file)));
        }
        return out;
    }

    static String body(String file) {
        return read(dir().resolve(file));
    }

    private static String read(Path path) {
        try {
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path.toAbsolutePath(), e);
        }
    }
}
