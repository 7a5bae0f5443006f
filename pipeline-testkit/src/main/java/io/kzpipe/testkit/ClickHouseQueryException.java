package io.kzpipe.testkit;

/**
 * ClickHouse answered a query with an HTTP error, or could not be reached, or the in-process engine
 * ({@link ChDb}) rejected a query. Carries the engine's own text.
 */
public final class ClickHouseQueryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int statusCode;
    private final String serverMessage;

    ClickHouseQueryException(int statusCode, String sql, String serverMessage, String diagnostics, Throwable cause) {
        super((statusCode > 0 ? "ClickHouse HTTP " + statusCode : "ClickHouse unreachable") + " for `" + abbreviate(sql)
                + "`: " + serverMessage + (diagnostics.isEmpty() ? "" : " [" + diagnostics + "]"), cause);
        this.statusCode = statusCode;
        this.serverMessage = serverMessage;
    }

    /** An engine without HTTP (e.g. {@code chDB}) rejected {@code sql} with {@code engineMessage}; the status is 0. */
    ClickHouseQueryException(String engine, String sql, String engineMessage) {
        super(engine + " failed `" + abbreviate(sql) + "`: " + engineMessage);
        this.statusCode = 0;
        this.serverMessage = engineMessage;
    }

    /** The HTTP status, or 0 when no response arrived or the engine has no HTTP ({@link ChDb}). */
    public int statusCode() {
        return statusCode;
    }

    /** The error text ClickHouse sent (e.g. {@code Code: 62, e.displayText() = DB::Exception: Syntax error ...}). */
    public String serverMessage() {
        return serverMessage;
    }

    private static String abbreviate(String sql) {
        String oneLine = sql.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }
}
