package org.routerlab.api.trace;

import java.util.Map;

/** Receives the records of a trace in the order they were written. Every method defaults to ignoring the record. */
public interface TraceVisitor {
    default void header(final Map<String, String> header) {
    }

    default void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped) {
    }

    /**
     * A schema-2 burst record ({@code rxRing}, {@code txRing} -1 when absent); {@code platformDeltas} is reused for
     * the next record. The default passes the schema-1 fields to the other {@code burst}.
     */
    default void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped, final int rxRing, final int txRing,
            final long[] platformDeltas) {
        burst(wallNanos, modeledNanos, port, received, transmitted, dropped);
    }

    /** The packet records of one burst; {@code records} is reused for the next block, so copy what you keep. */
    default void packets(final long wallNanos, final long modeledNanos, final PacketRecords records) {
    }

    /** Completed transmissions of one port; {@code latencies} is reused, so copy what you keep. */
    default void completions(final long wallNanos, final long modeledNanos, final int port, final long[] latencies,
            final int count) {
    }

    default void counters(final long wallNanos, final long modeledNanos, final long[] values) {
    }

    default void swap(final long wallNanos, final long modeledNanos, final String what, final String from,
            final String to, final long pauseNanos, final long packetsLost, final String outcome) {
    }

    default void end(final Map<String, String> summary) {
    }
}
