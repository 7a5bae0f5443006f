package io.kzpipe.testkit;

/** ClickHouse answered a query with an HTTP error, or could not be reached. Carries the server's own text. */
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

    /** The HTTP status, or 0 when no response arrived. */
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
