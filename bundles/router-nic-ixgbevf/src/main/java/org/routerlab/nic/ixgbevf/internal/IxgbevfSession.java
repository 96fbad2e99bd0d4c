package org.routerlab.nic.ixgbevf.internal;

import java.util.ArrayList;
import java.util.List;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opened ixgbevf backend: the VFs, their traffic sources and the shared guest platform. On close it checks what
 * the run left behind — buffers neither in a ring nor free (leaked), DMA faults — and logs it, then releases the
 * memory. The cost profile can be swapped while running ({@link #changePlatform}).
 */
final class IxgbevfSession implements NicSession {
    private static final Logger LOG = LoggerFactory.getLogger(IxgbevfSession.class);

    /** Replaced by a profile swap (forwarding thread); read by status readers on other threads. */
    private volatile XenPvPlatform platform;
    private final List<IxgbevfPort> ports;
    private final List<TrafficSource> sources;
    private final OfferBudget budget;
    private long leaked = -1;
    private boolean closed;

    IxgbevfSession(final XenPvPlatform platform, final List<IxgbevfPort> ports, final List<TrafficSource> sources,
            final OfferBudget budget) {
        this.platform = platform;
        this.ports = List.copyOf(ports);
        this.sources = List.copyOf(sources);
        this.budget = budget;
    }

    @Override
    public List<NicPort> ports() {
        return new ArrayList<>(ports);
    }

    @Override
    public DmaPlatform platform() {
        return platform;
    }

    /** The platform with its model internals (tests). */
    XenPvPlatform model() {
        return platform;
    }

    List<IxgbevfPort> modelPorts() {
        return ports;
    }

    /** {@inheritDoc} The cost profile ({@code profile}) can. */
    @Override
    public boolean canChangePlatform(final String key) {
        return ConfigKeys.PROFILE.equals(key);
    }

    /**
     * {@inheritDoc} Switches to a platform of the new profile built as a fresh run with it would build it (same
     * guest geometry, seed and settings, the run's {@code cost.*} prices; {@link XenPvPlatform#successor}), which
     * continues the old platform's counters, modeled clock and fault trace: a run's totals span every phase and the
     * timeline never jumps back. The ports are re-pointed to it, then the old platform is quiesced (deferred IOTLB
     * invalidations flushed, charged) and its memory released. Swapping to the profile in use changes nothing.
     *
     * @throws IllegalArgumentException for an unknown profile (the message lists them); the session is unchanged
     * @throws IllegalStateException when a buffer is still allocated, mapped or in a ring; the session is unchanged
     */
    @Override
    public void changePlatform(final String key, final String value) {
        if (!canChangePlatform(key)) {
            NicSession.super.changePlatform(key, value);
            return;
        }
        final XenPvPlatform old = platform;
        final CostProfile costs = old.costs().as(value);
        if (costs.kind() == old.costs().kind()) {
            return;
        }
        for (final IxgbevfPort port : ports) {
            if (port.rxHeld() != 0 || port.txInFlight() != 0) {
                throw new IllegalStateException("port " + port.info().name() + " still holds " + port.rxHeld()
                        + " rx and " + port.txInFlight() + " tx buffers");
            }
        }
        final long begin = System.nanoTime();
        final XenPvPlatform next = old.successor(costs);
        final long built = System.nanoTime();
        for (final IxgbevfPort port : ports) {
            port.repoint(next);
        }
        platform = next;
        old.quiesce();
        old.close();
        final long end = System.nanoTime();
        LOG.info("ixgbevf: profile {} -> {} at modeled {} ns (platform built in {} us, old released in {} us)",
                old.costs().name(), costs.name(), next.clock().now(), (built - begin) / 1000, (end - built) / 1000);
    }

    @Override
    public boolean drained() {
        boolean exhausted = budget.exhausted();
        if (!exhausted) {
            exhausted = true;
            for (final IxgbevfPort port : ports) {
                exhausted &= port.sourceExhausted();
            }
        }
        if (!exhausted) {
            return false;
        }
        for (final IxgbevfPort port : ports) {
            if (!port.idle()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long packetsOffered() {
        long sum = 0;
        for (final IxgbevfPort port : ports) {
            sum += port.offered();
        }
        return sum;
    }

    @Override
    public long modeledNanos() {
        return platform.counters().get(PlatformOp.MODELED_NANOS);
    }

    /** {@inheritDoc} The clock's timeline: busy plus idle time (what rx stamps use). */
    @Override
    public long modeledTime() {
        return platform.clock().now();
    }

    /**
     * Buffers that are allocated but neither posted on an rx ring nor in a tx ring (in flight): lost track of by
     * whoever held them. Meaningful after the strategy detached, when nobody else may hold one; computed at close.
     */
    long buffersLeaked() {
        long inRings = 0;
        for (final IxgbevfPort port : ports) {
            inRings += port.rxHeld() + port.txInFlight();
        }
        return platform.allocatedBuffers() - inRings;
    }

    /** {@link #buffersLeaked()} as it was when the session closed, or -1 before. */
    long leakedAtClose() {
        return leaked;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final IxgbevfPort port : ports) {
            port.publishCounters();
        }
        platform.quiesce();
        leaked = buffersLeaked();
        if (leaked != 0) {
            LOG.warn("ixgbevf: {} buffers leaked (allocated, in no ring, not free) at shutdown", leaked);
        }
        final FaultLog faults = platform.faults();
        if (faults.total() != 0) {
            final List<String> lines = faults.lines();
            LOG.warn("ixgbevf: {} DMA faults; the last {}:\n  {}", faults.total(), Math.min(lines.size(), 8),
                    String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
        }
        LOG.debug("ixgbevf: modeled busy {} ns, idle {} ns, setup {} ns", platform.clock().busyNanos(),
                platform.clock().idleNanos(), platform.clock().setupNanos());
        for (final TrafficSource s : sources) {
            s.close();
        }
        platform.close();
    }
}
