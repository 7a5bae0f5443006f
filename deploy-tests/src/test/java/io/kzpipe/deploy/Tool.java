package io.kzpipe.deploy;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A command-line validator the deploy checks run (docker-compose, kubectl, promtool). A missing tool fails
 * the test with what to install: these checks are never skipped.
 *
 * @param executable name looked up on {@code PATH}
 * @param install    how to get it, for the failure message
 */
record Tool(String executable, String install) {

    static final Tool DOCKER_COMPOSE = new Tool("docker-compose",
            "Debian's docker-compose 1.29: apt-get install -y --no-install-recommends docker-compose");
    static final Tool KUBECTL = new Tool("kubectl",
            "kubectl >= 1.27 with its built-in kustomize (the machine image has v1.32 at /usr/bin/kubectl; "
                    + "Debian's kubernetes-client 1.20 is too old)");
    static final Tool PROMTOOL = new Tool("promtool",
            "apt-get install -y --no-install-recommends prometheus (provides promtool)");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What a run printed and how it ended. */
    record Result(int exitCode, String stdout, String stderr) {
        String both() {
            return stdout + stderr;
        }
    }

    /** The tool's absolute path; fails the test when it is not on PATH. */
    Path path() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, executable);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("'" + executable + "' is not on PATH; this check needs it. Install " + install);
    }

    /** Runs the tool with {@code args} in {@code workDir} with exactly {@code env} (plus PATH and HOME). */
    Result run(Path workDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(path().toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("kz-tool", ".out");
            Path err = Files.createTempFile("kz-tool", ".err");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                Map<String, String> environment = builder.environment();
                environment.clear();
                environment.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
                environment.put("HOME", System.getProperty("java.io.tmpdir"));
                environment.putAll(env);
                Process process = builder.start();
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                    return fail(String.join(" ", command) + " did not finish within " + TIMEOUT);
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("cannot run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + executable);
        }
    }
}
