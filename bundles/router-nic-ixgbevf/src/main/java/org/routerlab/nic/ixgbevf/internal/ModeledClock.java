package org.routerlab.nic.ixgbevf.internal;

import org.routerlab.api.platform.PlatformOp;

/**
 * The modeled clock of one session: every operation of the driver, device and platform charges its cost here, so
 * a run's time is a deterministic function of what it did, independent of the host.
 *
 * <ul>
 *   <li><b>Busy time</b> is the modeled CPU time of the forwarding core: the sum of every charge during the run.
 *       It is published as {@link PlatformOp#MODELED_NANOS}; modeled Mpps = packets ÷ busy time.</li>
 *   <li><b>The timeline</b> ({@link #now()}) is busy time plus idle time. Paced traffic (a rate, a capture's
 *       recorded timing) arrives on the timeline. When every port polled empty in a row, the core would sleep until
 *       the next arrival: the timeline jumps there, and the jump is idle, not busy.</li>
 *   <li><b>Setup time</b> (boot-time hypercalls of the swiotlb fixup, coherent ring allocation) is kept apart: it is
 *       real work of the guest but not of the forwarding run.</li>
 * </ul>
 * In {@code cost.mode=spin} the clock also burns busy time for real at every {@link #publish()}: the wall clock then
 * advances at least as fast as the modeled one. Single-threaded (the forwarding thread), except that readers may
 * read the published counter.
 */
final class ModeledClock {
    private final OpCounts counters;
    private final boolean spin;
    private final int ports;
    private long busyPicos;
    private long setupPicos;
    private long idleNanos;
    private long publishedNanos;
    private long wallStart;
    private boolean wallStarted;
    private int idlePolls;
    private long earliestArrival = Long.MAX_VALUE;

    /**
     * @param ports how many ports poll this clock per cycle (an idle jump needs all of them idle in a row)
     * @param spin burn busy time for real
     */
    ModeledClock(final OpCounts counters, final int ports, final boolean spin) {
        this.counters = counters;
        this.ports = Math.max(1, ports);
        this.spin = spin;
    }

    /** Charges {@code picos} of busy time. */
    void charge(final long picos) {
        busyPicos += picos;
    }

    /** Charges boot-time work, outside the run's busy time. */
    void chargeSetup(final long picos) {
        setupPicos += picos;
    }

    long busyPicos() { return busyPicos; }

    long busyNanos() { return busyPicos / 1000; }

    long setupNanos() { return setupPicos / 1000; }

    long setupPicos() { return setupPicos; }

    long idleNanos() { return idleNanos; }

    /** The modeled timeline in nanoseconds since the run started: busy plus idle time. */
    long now() {
        return busyPicos / 1000 + idleNanos;
    }

    boolean spinning() { return spin; }

    /** A poll that found work: ends an idle streak. */
    void busyPoll() {
        idlePolls = 0;
        earliestArrival = Long.MAX_VALUE;
    }

    /**
     * A poll that found nothing and whose next arrival is at {@code nextArrival} on the timeline
     * ({@link Long#MAX_VALUE} when none is scheduled). After every port polled idle in a row, the timeline jumps to
     * the earliest next arrival.
     */
    void idlePoll(final long nextArrival) {
        if (nextArrival < earliestArrival) {
            earliestArrival = nextArrival;
        }
        if (++idlePolls >= ports) {
            final long now = now();
            if (earliestArrival != Long.MAX_VALUE && earliestArrival > now) {
                idleNanos += earliestArrival - now;
            }
            idlePolls = 0;
            earliestArrival = Long.MAX_VALUE;
        }
    }

    /**
     * Publishes busy time to {@link PlatformOp#MODELED_NANOS} with every pending operation count (called once per
     * poll, not per charge) and, in spin mode, waits until the wall clock has caught up with it.
     */
    void publish() {
        final long nanos = busyPicos / 1000;
        if (nanos != publishedNanos) {
            counters.add(PlatformOp.MODELED_NANOS, nanos - publishedNanos);
            publishedNanos = nanos;
        }
        counters.publish();
        if (spin) {
            burn(nanos);
        }
    }

    private void burn(final long nanos) {
        final long wall = System.nanoTime();
        if (!wallStarted) {
            wallStart = wall - nanos; // System.nanoTime() may be negative: a flag, not a sentinel
            wallStarted = true;
            return;
        }
        final long target = wallStart + nanos;
        while (System.nanoTime() < target) {
            Thread.onSpinWait();
        }
    }
}
