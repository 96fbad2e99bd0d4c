package org.routerlab.core.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.engine.RouterCounter;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceSink;

/**
 * The data path, in the shape of DPDK's l3fwd: per cycle, refill rx rings, then for each port receive a burst,
 * validate, look up in bulk, rewrite MACs and TTL, transmit per egress port in bursts, and reap tx completions.
 * Every packet received is transmitted or dropped with exactly one {@link DropReason}.
 *
 * <p>Runs on one thread, which owns everything here; it allocates nothing per packet and never calls the service
 * registry. Plug-ins are held as the concrete objects selected at start. The control plane talks to it only through
 * {@link #requestStop()} and the counters.
 */
final class ForwardingLoop {
    private static final int TTL_EXCEEDED = DropReason.TTL_EXCEEDED.id();
    private static final int LOCAL = DropReason.LOCAL.id();
    private static final int NO_ROUTE = DropReason.NO_ROUTE.id();
    private static final int BAD_NEXT_HOP = DropReason.BAD_NEXT_HOP.id();
    private static final int BLACKHOLE = DropReason.BLACKHOLE.id();
    private static final int UNREACHABLE = DropReason.UNREACHABLE.id();
    private static final int NO_NEIGHBOUR = DropReason.NO_NEIGHBOUR.id();
    private static final int DMA_ERROR = DropReason.DMA_ERROR.id();
    private static final int TX_FULL = DropReason.TX_FULL.id();
    private static final long SNAPSHOT_INTERVAL_NANOS = 1_000_000_000L;
    private static final int DRAIN_ATTEMPTS = 100_000;

    private final NicSession session;
    private final NicPort[] ports;
    private final long[] portMac;
    private final int portCount;
    private final DmaStrategy strategy;
    /** Replaced by the control plane (RCU-style); read once per burst. */
    private volatile RoutingState routing;
    private final int[] localAddresses;
    private final EngineCounters counters;
    private TraceSink trace;
    private boolean traceBursts;
    private final MemorySegment memory;
    private final int burst;
    private final long durationNanos;
    private final boolean boundedByPackets;

    private final PacketView view = new PacketView();
    private final PacketBatch rx;
    private final PacketBatch dropped;
    private final PacketBatch unsent;
    private final PacketBatch completed;
    private final PacketBatch[] tx;
    private final int[] addresses;
    private final int[] lookedUp;
    private final int[] slotOf;
    private final long[] burstDrops = new long[DropReason.count()];
    private final long[] snapshot = new long[RouterCounter.SIZE];

    private volatile boolean stopRequested;
    private volatile long startNanos;
    private volatile long endNanos;
    private long nextSnapshotNanos;

    ForwardingLoop(final NicSession session, final DmaStrategy strategy, final RoutingState routing,
            final EngineCounters counters, final TraceSink trace, final int burst,
            final long durationNanos, final boolean boundedByPackets) {
        this.session = session;
        final List<NicPort> list = session.ports();
        this.ports = list.toArray(new NicPort[0]);
        this.portCount = ports.length;
        this.portMac = new long[portCount];
        int addressCount = 0;
        for (final NicPort p : ports) {
            addressCount += p.info().addresses().size();
        }
        this.localAddresses = new int[addressCount];
        int a = 0;
        for (int i = 0; i < portCount; i++) {
            portMac[i] = ports[i].info().mac();
            for (final PortInfo.InterfaceAddress address : ports[i].info().addresses()) {
                localAddresses[a++] = address.address();
            }
        }
        this.strategy = strategy;
        this.routing = routing;
        this.counters = counters;
        this.trace = trace;
        this.traceBursts = trace.level().includes(TraceLevel.BURST);
        this.memory = session.platform().memory();
        this.burst = burst;
        this.durationNanos = durationNanos;
        this.boundedByPackets = boundedByPackets;
        this.rx = new PacketBatch(burst);
        this.dropped = new PacketBatch(burst);
        this.unsent = new PacketBatch(burst);
        this.completed = new PacketBatch(Math.max(burst, 256));
        this.tx = new PacketBatch[portCount];
        for (int i = 0; i < portCount; i++) {
            tx[i] = new PacketBatch(burst);
        }
        this.addresses = new int[burst];
        this.lookedUp = new int[burst];
        this.slotOf = new int[burst];
    }

    /** Sets the trace sink; called on the forwarding thread before {@link #run()} (the sink belongs to it). */
    void trace(final TraceSink sink) {
        this.trace = sink;
        this.traceBursts = sink.level().includes(TraceLevel.BURST);
    }

    RoutingState routing() {
        return routing;
    }

    /** Publishes {@code next} for the following bursts and returns the state it replaces. Control plane. */
    RoutingState publish(final RoutingState next) {
        final RoutingState previous = routing;
        routing = next;
        return previous;
    }

    /**
     * Waits until no burst can still be using a state replaced before this call: two cycle boundaries have passed
     * (a burst in progress at publish time belongs to the first), or the loop has ended.
     */
    void awaitGracePeriod() throws InterruptedException {
        final long start = counters.get(RouterCounter.CYCLES);
        while (endNanos == 0 && startNanos != 0 && counters.get(RouterCounter.CYCLES) < start + 2) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    boolean ended() {
        return endNanos != 0;
    }

    void requestStop() {
        stopRequested = true;
    }

    /** Wall nanoseconds the loop has run (so far, or in total once it ended). */
    long wallNanos() {
        final long start = startNanos;
        if (start == 0) {
            return 0;
        }
        final long end = endNanos;
        return (end != 0 ? end : System.nanoTime()) - start;
    }

    /**
     * Attaches the strategy, forwards until stopped or a limit is reached, drains the tx rings and detaches the
     * strategy. Exceptions from plug-ins propagate (the caller records the failure).
     */
    void run() {
        strategy.attach(new DmaContext(session.platform(), session.ports()));
        final long start = System.nanoTime();
        startNanos = start;
        nextSnapshotNanos = start + SNAPSHOT_INTERVAL_NANOS;
        final long deadline = durationNanos > 0 ? start + durationNanos : Long.MAX_VALUE;
        try {
            while (!stopRequested) {
                cycle();
                final long now = System.nanoTime();
                if (now >= nextSnapshotNanos) {
                    snapshot(now);
                    nextSnapshotNanos = now + SNAPSHOT_INTERVAL_NANOS;
                }
                if (now >= deadline || (boundedByPackets && session.drained())) {
                    break;
                }
            }
            drainTransmissions();
        } finally {
            endNanos = System.nanoTime();
            strategy.detach();
            snapshot(endNanos);
        }
    }

    private void cycle() {
        final NicPort[] ports = this.ports;
        final DmaStrategy strategy = this.strategy;
        for (int p = 0; p < portCount; p++) {
            strategy.refill(ports[p]);
        }
        for (int p = 0; p < portCount; p++) {
            final NicPort port = ports[p];
            final PacketBatch rx = this.rx;
            rx.clear();
            final int n = port.rxBurst(rx, burst);
            if (n > 0) {
                strategy.onReceive(port, rx);
                forward(p, rx, n);
            }
        }
        reapCompletions();
        counters.add(RouterCounter.CYCLES, 1);
    }

    /** Validates, looks up, rewrites and transmits one received burst. */
    private void forward(final int ingress, final PacketBatch rx, final int n) {
        final PacketView view = this.view;
        final MemorySegment memory = this.memory;
        final int[] addresses = this.addresses;
        final long[] burstDrops = this.burstDrops;
        long bytes = 0;
        int candidates = 0;
        for (int i = 0; i < n; i++) {
            final int length = rx.length(i);
            bytes += length;
            view.wrap(memory, rx.offset(i), length);
            int reason = PacketValidator.validate(view);
            if (reason == PacketValidator.VALID) {
                final int destination = view.destinationAddress();
                if (isLocal(destination)) {
                    reason = LOCAL;
                } else if (view.ttl() <= 1) {
                    reason = TTL_EXCEEDED;
                } else {
                    addresses[candidates] = destination;
                    slotOf[candidates] = i;
                    candidates++;
                    continue;
                }
            }
            burstDrops[reason]++;
            ports[ingress].punt(rx, i, DropReason.byId(reason), 0);
            dropped.addFrom(rx, i);
        }

        final RoutingState routing = this.routing;
        routing.table().lookupBulk(addresses, lookedUp, candidates);

        final ResolvedNextHops hops = routing.hops();
        final int hopCount = hops.size();
        for (int j = 0; j < candidates; j++) {
            final int i = slotOf[j];
            final int nh = lookedUp[j];
            int reason;
            if (nh < 0) {
                reason = NO_ROUTE;
                ports[ingress].punt(rx, i, DropReason.NO_ROUTE, 0);
            } else if (nh >= hopCount) {
                reason = BAD_NEXT_HOP;
            } else {
                final int egress = hops.port[nh];
                long mac = hops.mac[nh];
                switch (hops.action[nh]) {
                    case ResolvedNextHops.FORWARD -> reason = -1;
                    case ResolvedNextHops.FORWARD_DIRECT -> {
                        mac = ports[egress].neighbourMac(addresses[j]);
                        reason = mac < 0 ? NO_NEIGHBOUR : -1;
                    }
                    case ResolvedNextHops.FORWARD_RESOLVE -> {
                        mac = ports[egress].neighbourMac(hops.gateway[nh]);
                        reason = mac < 0 ? NO_NEIGHBOUR : -1;
                    }
                    case ResolvedNextHops.BLACKHOLE -> reason = BLACKHOLE;
                    case ResolvedNextHops.UNREACHABLE -> reason = UNREACHABLE;
                    default -> reason = BAD_NEXT_HOP;
                }
                if (reason == NO_NEIGHBOUR) {
                    // The egress port resolves the neighbour (ARP) and may hold a copy until it answers.
                    final int neighbour = hops.gateway[nh] != 0 ? hops.gateway[nh] : addresses[j];
                    ports[egress].punt(rx, i, DropReason.NO_NEIGHBOUR, neighbour);
                } else if (reason == UNREACHABLE) {
                    ports[ingress].punt(rx, i, DropReason.byId(reason), 0);
                }
                if (reason < 0) {
                    view.wrap(memory, rx.offset(i), rx.length(i));
                    view.destinationMac(mac);
                    view.sourceMac(portMac[egress]);
                    view.decrementTtl();
                    final PacketBatch out = tx[egress];
                    out.nextHop(out.addFrom(rx, i), nh);
                    continue;
                }
            }
            burstDrops[reason]++;
            dropped.addFrom(rx, i);
        }
        if (!dropped.isEmpty()) {
            strategy.release(dropped);
            dropped.clear();
        }

        int transmitted = 0;
        for (int q = 0; q < portCount; q++) {
            if (!tx[q].isEmpty()) {
                transmitted += transmit(q);
            }
        }

        int droppedCount = 0;
        for (int r = 0; r < burstDrops.length; r++) {
            final long d = burstDrops[r];
            if (d != 0) {
                counters.addDrop(r, d);
                droppedCount += (int) d;
                burstDrops[r] = 0;
            }
        }
        counters.add(RouterCounter.PACKETS_RX, n);
        counters.add(RouterCounter.BYTES_RX, bytes);
        counters.add(RouterCounter.BURSTS, 1);
        if (traceBursts) {
            final long now = System.nanoTime();
            trace.burst(now - startNanos, session.modeledNanos(), ingress, n, transmitted, droppedCount);
        }
    }

    /** Prepares and transmits the frames queued for port {@code q}; the rest go back to the strategy. */
    private int transmit(final int q) {
        final PacketBatch out = tx[q];
        final NicPort port = ports[q];
        final int ready = strategy.prepareTransmit(port, out);
        if (ready < out.size()) {
            int kept = 0;
            for (int i = 0; i < out.size(); i++) {
                if (out.dma(i) == PacketBatch.NO_DMA) {
                    unsent.addFrom(out, i);
                    burstDrops[DMA_ERROR]++;
                } else {
                    out.move(i, kept++);
                }
            }
            out.size(kept);
        }
        final int sent = out.isEmpty() ? 0 : port.txBurst(out);
        long bytes = 0;
        for (int i = 0; i < sent; i++) {
            bytes += out.length(i);
        }
        for (int i = sent; i < out.size(); i++) {
            unsent.addFrom(out, i);
            burstDrops[TX_FULL]++;
        }
        out.clear();
        if (!unsent.isEmpty()) {
            strategy.releaseUnsent(port, unsent);
            unsent.clear();
        }
        counters.add(RouterCounter.PACKETS_TX, sent);
        counters.add(RouterCounter.BYTES_TX, bytes);
        return sent;
    }

    private void reapCompletions() {
        final PacketBatch completed = this.completed;
        for (int p = 0; p < portCount; p++) {
            final NicPort port = ports[p];
            int n;
            do {
                completed.clear();
                n = port.reapTxCompletions(completed, completed.capacity());
                if (n > 0) {
                    strategy.onTransmitted(port, completed);
                }
            } while (n == completed.capacity());
        }
    }

    /** After the last cycle: wait (bounded) for every accepted frame to complete so its buffer comes back. */
    private void drainTransmissions() {
        for (int attempt = 0; attempt < DRAIN_ATTEMPTS; attempt++) {
            reapCompletions();
            int inFlight = 0;
            for (final NicPort p : ports) {
                inFlight += p.txInFlight();
            }
            if (inFlight == 0) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    private boolean isLocal(final int address) {
        final int[] local = localAddresses;
        for (int i = 0; i < local.length; i++) {
            if (local[i] == address) {
                return true;
            }
        }
        return false;
    }

    private void snapshot(final long now) {
        if (trace.level() != TraceLevel.OFF) {
            counters.copyTo(snapshot);
            trace.counters(now - startNanos, session.modeledNanos(), snapshot);
        }
    }
}
