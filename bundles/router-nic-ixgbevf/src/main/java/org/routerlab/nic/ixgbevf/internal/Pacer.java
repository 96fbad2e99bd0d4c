package org.routerlab.nic.ixgbevf.internal;

import java.util.Locale;

/**
 * When frames arrive on a port's wire, on the modeled timeline ({@link ModeledClock#now()}):
 * <ul>
 *   <li>{@code asap}: a poll's worth of frames at every poll (the router is never idle, never overrun by more than
 *       it asks for);</li>
 *   <li>{@code rate}: frame {@code k} arrives at {@code k × 10⁹ / rate} ns;</li>
 *   <li>{@code recorded}: a capture's frames at their recorded times.</li>
 * </ul>
 * Pacing is on the modeled timeline, not the wall clock, so a paced run is as deterministic as an unpaced one (and
 * in {@code cost.mode=spin} the timeline follows the wall clock). Immutable.
 */
final class Pacer {
    enum Mode {
        ASAP, RATE, RECORDED;

        static Mode parse(final String key, final String value) {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + "=" + value + " must be recorded, rate or asap");
            }
        }
    }

    /** Most frames a {@code recorded} poll looks ahead. */
    static final long MAX_RECORDED_PER_POLL = 1 << 16;

    private final Mode mode;
    private final long rate;

    /** @param rate frames per second, for {@link Mode#RATE} */
    Pacer(final Mode mode, final long rate) {
        if (mode == Mode.RATE && rate <= 0) {
            throw new IllegalArgumentException("rate=" + rate + ": pacing at a rate needs rate > 0");
        }
        this.mode = mode;
        this.rate = rate;
    }

    Mode mode() { return mode; }

    /**
     * Frames due at {@code now} that have not been offered yet, at most {@code source.available()}.
     *
     * @param offered frames offered so far
     * @param pollQuota what an {@code asap} poll takes
     */
    long due(final long now, final long offered, final TrafficSource source, final int pollQuota) {
        final long available = source.available();
        final long due = switch (mode) {
            case ASAP -> pollQuota;
            case RATE -> Math.max(0, arrivedBy(now) - offered);
            case RECORDED -> {
                // Bounded per poll: what is due beyond the bound is offered at the next poll (and missed there if
                // the ring is full), so a core far behind a looping capture does not stall in one poll.
                final long limit = Math.min(available, MAX_RECORDED_PER_POLL);
                long n = 0;
                while (n < limit && source.recordedTime(n) <= now) {
                    n++;
                }
                yield n;
            }
        };
        return Math.min(due, available);
    }

    /** Timeline time of the next frame after {@code offered}, or {@link Long#MAX_VALUE} if none will come. */
    long nextArrival(final long now, final long offered, final TrafficSource source) {
        if (source.available() == 0) {
            return Long.MAX_VALUE;
        }
        return switch (mode) {
            case ASAP -> now;
            case RATE -> arrivalOf(offered);
            case RECORDED -> source.recordedTime(0);
        };
    }

    /** Arrival time of frame {@code k} (0-based) in {@code rate} mode. */
    long arrivalOf(final long k) {
        final long hi = Math.multiplyHigh(k, 1_000_000_000L);
        if (hi == 0 && k >= 0 && k * 1_000_000_000L >= 0) {
            final long product = k * 1_000_000_000L;
            return product / rate + (product % rate == 0 ? 0 : 1);
        }
        return (long) Math.ceil(k * 1e9 / rate);
    }

    /** Frames (count) whose arrival time is at or before {@code now} in {@code rate} mode. */
    private long arrivedBy(final long now) {
        if (now < 0) {
            return 0;
        }
        final long hi = Math.multiplyHigh(now, rate);
        final long product = now * rate;
        if (hi == 0 && product >= 0) {
            return product / 1_000_000_000L + 1;
        }
        return (long) (now * (double) rate / 1e9) + 1;
    }
}
