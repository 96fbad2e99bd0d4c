package org.routerlab.nic.emulated.internal;

import java.util.ArrayList;
import java.util.List;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.platform.DmaPlatform;

/** The opened emulated backend: its ports, their generators and the shared platform. */
final class EmulatedNicSession implements NicSession {
    /**
     * The packets all ports may still offer, when the run is bounded by a packet count; shared by the ports so
     * the total is exact. Single-threaded.
     */
    static final class OfferBudget {
        private final long limit;
        private long taken;

        OfferBudget(final long limit) {
            this.limit = limit;
        }

        /** Grants up to {@code wanted} arrivals. */
        int take(final int wanted) {
            if (limit == 0 || wanted <= 0) {
                return wanted;
            }
            final int granted = (int) Math.min(wanted, limit - taken);
            taken += granted;
            return granted;
        }

        boolean exhausted() {
            return limit != 0 && taken == limit;
        }
    }

    private final EmulatedPlatform platform;
    private final List<EmulatedPort> ports;
    private final List<TrafficGenerator> generators;
    private final OfferBudget budget;
    private boolean closed;

    EmulatedNicSession(final EmulatedPlatform platform, final List<EmulatedPort> ports,
            final List<TrafficGenerator> generators, final OfferBudget budget) {
        this.platform = platform;
        this.ports = List.copyOf(ports);
        this.generators = List.copyOf(generators);
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

    @Override
    public boolean drained() {
        if (!budget.exhausted()) {
            return false;
        }
        for (final EmulatedPort port : ports) {
            if (!port.idle()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long packetsOffered() {
        long sum = 0;
        for (final EmulatedPort port : ports) {
            sum += port.offered();
        }
        return sum;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final TrafficGenerator g : generators) {
            g.close();
        }
        platform.close();
    }
}
