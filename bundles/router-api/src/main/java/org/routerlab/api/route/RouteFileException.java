package org.routerlab.api.route;

import java.nio.file.Path;

/** A route file that cannot be loaded, with the file, the 1-based line (0 when not line-specific) and the cause. */
public final class RouteFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final int line;
    private final String reason;

    public RouteFileException(final Path file, final int line, final String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public Path file() { return file; }
    public int line() { return line; }
    public String reason() { return reason; }
}
