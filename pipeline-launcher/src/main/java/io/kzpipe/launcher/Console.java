package io.kzpipe.launcher;

import java.io.PrintStream;

/**
 * The launcher's output, in the shape {@code ./pipeline} has always printed: {@code ==>} steps, indented
 * {@code ok} lines and notes on stdout, warnings and errors on stderr; colours only in a terminal.
 */
public final class Console {

    private final PrintStream out;
    private final PrintStream err;
    private final String bold;
    private final String green;
    private final String yellow;
    private final String red;
    private final String dim;
    private final String off;

    public Console(PrintStream out, PrintStream err, boolean styled) {
        this.out = out;
        this.err = err;
        this.bold = styled ? "\u001b[1m" : "";
        this.green = styled ? "\u001b[32m" : "";
        this.yellow = styled ? "\u001b[33m" : "";
        this.red = styled ? "\u001b[31m" : "";
        this.dim = styled ? "\u001b[2m" : "";
        this.off = styled ? "\u001b[0m" : "";
    }

    public PrintStream out() {
        return out;
    }

    public void step(String text) {
        out.println(bold + "==>" + off + " " + text);
        out.flush();
    }

    public void ok(String text) {
        out.println("    " + green + "ok" + off + "  " + text);
        out.flush();
    }

    public void note(String text) {
        out.println("    " + dim + text + off);
        out.flush();
    }

    public void warn(String text) {
        out.flush();
        err.println("    " + yellow + "warning:" + off + " " + text);
    }

    public void error(String text) {
        out.flush();
        err.println(red + "error:" + off + " " + text);
    }

    /** A dot on stderr: a long wait is visibly alive. */
    public void tick() {
        err.print('.');
        err.flush();
    }

    public void endTicks() {
        err.println();
    }

    /** The last lines of a log, indented, on stderr (for failure messages). */
    public void logTail(java.nio.file.Path log, int lines) {
        if (java.nio.file.Files.isRegularFile(log)) {
            err.println("    last lines of " + log + ":");
            Processes.tail(log, lines).lines().forEach(line -> err.println("      | " + line));
        }
    }

    /** Bold text (the summary's headline). */
    public String bold(String text) {
        return bold + text + off;
    }

    public String dim(String text) {
        return dim + text + off;
    }

    /** "3.4 s" since {@code startNanos}. */
    public static String elapsed(long startNanos) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        return ms / 1000 + "." + ms % 1000 / 100 + " s";
    }

    /** A failure that ends the command with exit status 1 after its message was printed as an error. */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        public Failure(String message) {
            this(message, 1);
        }

        public Failure(String message, int status) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
