package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.MemorySegment;

/**
 * What arrives on one port's wire: a sequence of frames, read through a cursor. The current frame is
 * {@link #length()} bytes at {@link #offset()} in {@link #memory()}; the device DMAs it from there (no copy before
 * that). {@link #advance()} moves to the next frame, whether the current one was received or missed.
 *
 * <p>A <em>timed</em> source (a capture) also knows when each frame was recorded, relative to its first frame, so
 * that it can be replayed at its recorded timing. Single-threaded (the forwarding thread).
 */
abstract class TrafficSource implements AutoCloseable {
    /** Frames left, including the current one; {@link Long#MAX_VALUE} when the source never ends. */
    abstract long available();

    abstract MemorySegment memory();

    abstract long offset();

    abstract int length();

    abstract void advance();

    /** Skips {@code n} frames (they arrived but were missed). */
    void skip(final long n) {
        for (long i = 0; i < n; i++) {
            advance();
        }
    }

    /** Whether {@link #recordedTime} means anything. */
    boolean timed() {
        return false;
    }

    /**
     * Recorded time in nanoseconds, relative to the source's first frame, of the frame {@code ahead} frames after
     * the current one (loops of a replayed capture continue the timeline). Only for {@link #timed()} sources and
     * {@code ahead < available()}.
     */
    long recordedTime(final long ahead) {
        throw new UnsupportedOperationException("not a timed source");
    }

    @Override
    public void close() {
    }
}
