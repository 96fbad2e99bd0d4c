package org.routerlab.api.trace;

import java.util.Map;

/** Receives the records of a trace in the order they were written. Every method defaults to ignoring the record. */
public interface TraceVisitor {
    default void header(final Map<String, String> header) {
    }

    default void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped) {
    }

    default void counters(final long wallNanos, final long modeledNanos, final long[] values) {
    }

    default void swap(final long wallNanos, final long modeledNanos, final String what, final String from,
            final String to, final long pauseNanos, final long packetsLost, final String outcome) {
    }

    default void end(final Map<String, String> summary) {
    }
}
