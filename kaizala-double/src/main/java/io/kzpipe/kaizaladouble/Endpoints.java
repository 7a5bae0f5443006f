package io.kzpipe.kaizaladouble;

import java.util.ArrayList;
import java.util.List;

/**
 * The data endpoints, served as {@code {url}/ep/{name}}. One is current (named in every token answer); a move
 * makes a new one current, and every earlier one answers 308 from then on. Thread-safe.
 */
final class Endpoints {

    private final List<String> names = new ArrayList<>(List.of("e1"));

    synchronized String current() {
        return names.get(names.size() - 1);
    }

    /** Makes a new endpoint current; its name. */
    synchronized String move() {
        names.add("e" + (names.size() + 1));
        return current();
    }

    synchronized boolean known(String name) {
        return names.contains(name);
    }
}
