package io.kzpipe.testkit;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the JVM's handlers for the deadly signals across a native call that might replace them (x86-64 Linux).
 * HotSpot turns SIGSEGV and friends into NullPointerExceptions, stack overflow checks and safepoints; a native
 * library that installs its own handlers, or resets them to the default, makes the JVM hang or die silently
 * at its next implicit null check. {@link #snapshot()} records the current dispositions,
 * {@link #restoreChanged()} puts back any that changed since.
 *
 * <p>With chDB's opt-out ({@code chdb_set_signal_handlers_enabled(0)}) the pinned chDB build changes none of
 * them, so this is a no-op there; it is the safety net for another build that does. Other threads can still
 * fault between the change and the restore, which is why the opt-out comes first.
 */
final class SignalGuard {

    private static final int[] SIGNALS = {4, 5, 6, 7, 8, 11, 20, 31};
    private static final String[] NAMES = {"SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGSEGV", "SIGTSTP",
            "SIGSYS"};
    /**
     * glibc's {@code struct sigaction} on x86-64 is 152 bytes, {@code sa_handler} first. Only the handler is
     * compared: the pinned chDB adds {@code SA_ONSTACK} to the JVM's SIGSEGV entry (harmless: JVM threads have
     * no alternate stack), and most of {@code sa_mask} comes back uninitialized from glibc.
     */
    private static final int SIGACTION_BYTES = 256;

    /** The one libc function this needs. */
    interface LibC extends Library {
        int sigaction(int signal, Pointer action, Pointer oldAction);
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private final Memory[] saved = new Memory[SIGNALS.length];

    private SignalGuard() {
        for (int i = 0; i < SIGNALS.length; i++) {
            saved[i] = current(SIGNALS[i]);
        }
    }

    static SignalGuard snapshot() {
        return new SignalGuard();
    }

    /** Restores every disposition whose handler differs from the snapshot; returns the names of those signals. */
    List<String> restoreChanged() {
        List<String> restored = new ArrayList<>();
        for (int i = 0; i < SIGNALS.length; i++) {
            if (current(SIGNALS[i]).getLong(0) != saved[i].getLong(0)) {
                Holder.LIBC.sigaction(SIGNALS[i], saved[i], null);
                restored.add(NAMES[i]);
            }
        }
        return restored;
    }

    private static Memory current(int signal) {
        Memory action = new Memory(SIGACTION_BYTES);
        action.clear();
        if (Holder.LIBC.sigaction(signal, null, action) != 0) {
            throw new IllegalStateException("sigaction(" + signal + ") failed: errno " + Native.getLastError());
        }
        return action;
    }
}
