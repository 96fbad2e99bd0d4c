package org.routerlab.nic.ixgbevf.internal;

/**
 * A capture file that cannot be replayed, with the byte offset where reading failed and why. An
 * {@link IllegalArgumentException} so that the router reports it like any bad setting (exit code 2). The message
 * reads {@code FILE: offset N: cause}.
 */
final class CaptureFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient String file;
    private final long offset;
    private final String cause;

    CaptureFormatException(final String file, final long offset, final String cause) {
        super(file + ": offset " + offset + ": " + cause);
        this.file = file;
        this.offset = offset;
        this.cause = cause;
    }

    String file() { return file; }

    long offset() { return offset; }

    String reason() { return cause; }
}
