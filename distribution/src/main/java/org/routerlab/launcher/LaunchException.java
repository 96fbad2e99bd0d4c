package org.routerlab.launcher;

/** A launch that cannot go on: the message is the one line printed after {@code router: }, with the exit code. */
public class LaunchException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Exit code for bad arguments and configuration errors. */
    public static final int USAGE = 2;
    /** Exit code for runtime failures (broken installation, a bundle that does not start). */
    public static final int FAILURE = 1;

    private final int exitCode;

    public LaunchException(final int exitCode, final String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public LaunchException(final int exitCode, final String message, final Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
