package org.routerlab.api.engine;

/**
 * When a run ends: after {@code durationNanos} of wall time, or once the traffic source has offered
 * {@code maxPackets} packets and they have all been handled, whichever comes first. Zero means no limit.
 */
public record RunLimits(long durationNanos, long maxPackets) {
    public RunLimits {
        if (durationNanos < 0 || maxPackets < 0) {
            throw new IllegalArgumentException("durationNanos=" + durationNanos + " maxPackets=" + maxPackets);
        }
    }

    public static RunLimits unlimited() {
        return new RunLimits(0, 0);
    }
}
