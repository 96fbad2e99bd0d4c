package org.routerlab.api.trace;

import java.util.Locale;

/** How much a run records. Each level includes the ones before it. */
public enum TraceLevel {
    /** Nothing is written. */
    OFF,
    /** The run header, periodic counter snapshots and the run footer. */
    SUMMARY,
    /** Plus one record per received burst. */
    BURST,
    /** Plus one record per packet. */
    PACKET;

    /** Parses {@code off|summary|burst|packet}. */
    public static TraceLevel parse(final String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trace.level=" + text + " (expected off, summary, burst or packet)");
        }
    }

    public boolean includes(final TraceLevel other) {
        return compareTo(other) >= 0;
    }
}
