package io.kzpipe.puller.command;

import io.kzpipe.model.config.SettingException;
import io.kzpipe.puller.api.ApiException;
import java.io.IOException;
import java.io.PrintStream;

/** Runs a command body and turns its failures into an exit status and one message on {@code err}. */
final class CommandRunner {

    /** A command's work. */
    @FunctionalInterface
    interface Body {
        void run() throws IOException, InterruptedException;
    }

    private CommandRunner() {}

    /** 0 when {@code body} ran; 2 for bad arguments or settings; 1 when Kaizala, Kafka or a file failed. */
    static int run(String command, PrintStream err, Body body) {
        try {
            body.run();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(command + ": " + e.getMessage());
            return 2;
        } catch (SettingException e) {
            err.println(command + ": " + e.getMessage());
            return 2;
        } catch (ApiException e) {
            err.println(command + ": Kaizala: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println(command + ": " + e);
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println(command + ": interrupted");
            return 1;
        }
    }
}
