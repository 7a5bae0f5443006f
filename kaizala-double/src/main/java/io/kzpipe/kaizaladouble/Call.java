package io.kzpipe.kaizaladouble;

import java.time.Instant;

/**
 * One API call the double answered (the {@code /_double} controls are not logged).
 *
 * @param time   when it arrived
 * @param method HTTP method
 * @param path   the path without the query, e.g. {@code /ep/e1/v1/groups/g/actions}
 * @param query  the raw query string, or {@code ""}
 * @param status the HTTP status answered (429 and 308 included)
 */
public record Call(Instant time, String method, String path, String query, int status) {}
