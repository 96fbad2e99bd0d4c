package org.routerlab.core.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.engine.RouterCounter;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.platform.PlatformOp;
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
    private static final int PLUGIN_ERROR = DropReason.PLUGIN_ERROR.id();
    /** {@link #blame} values other than an owner slot. */
    private static final int BLAME_ENGINE = -1;
    private static final int BLAME_ROUTING = -2;
    private static final int BLACKHOLE = DropReason.BLACKHOLE.id();
    private static final int UNREACHABLE = DropReason.UNREACHABLE.id();
    private static final int NO_NEIGHBOUR = DropReason.NO_NEIGHBOUR.id();
    private static final int DMA_ERROR = DropReason.DMA_ERROR.id();
    private static final int TX_FULL = DropReason.TX_FULL.id();
    private static final long SNAPSHOT_INTERVAL_NANOS = 1_000_000_000L;
    private static final int DRAIN_ATTEMPTS = 100_000;

    /** The active strategy plus up to this many minus one retiring ones (hot swaps in quick succession). */
    static final int MAX_OWNERS = 8;
    /**
     * What one step of swap work between two bursts may take (preparing or retiring a strategy): the forwarding
     * stall it causes, far below the 1 ms a swap may pause forwarding.
     */
    static final long STEP_BUDGET_NANOS = 50_000;
    /** A port whose retiring rx runs have not moved for this long gets its unfilled descriptors reclaimed. */
    static final long IDLE_RECLAIM_NANOS = 1_000_000;
    /** How long a swap waits for an owner slot (strategies still retiring) before it is refused. */
    static final long SLOT_WAIT_NANOS = 5_000_000_000L;
    /** The forwarding thread's CPU time, to tell a swap step's own work from time the OS gave to others. */
    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();
    private static final boolean CPU_CLOCK = THREADS.isCurrentThreadCpuTimeSupported();

    private final NicSession session;
    private final NicPort[] ports;
    /** What strategies see of the ports (no rx reclaim: the engine does that, see {@link StrategyPort}). */
    private final StrategyPort[] strategyPorts;
    private final long[] portMac;
    private final int portCount;
    /**
     * Strategies by owner slot: the active one posts rx buffers; retiring ones (replaced by a hot swap) only get
     * back the buffers still in rings, then detach. Forwarding thread only.
     */
    private final DmaStrategy[] owners = new DmaStrategy[MAX_OWNERS];
    private final boolean[] quarantined = new boolean[MAX_OWNERS];
    private int activeSlot;
    /** Per port: runs of buffers posted by retiring strategies, at the head of the rx ring (FIFO). */
    private final OwnerRuns[] rxRuns;
    /** Per port: which strategy owns each frame in flight on the tx ring, oldest first. */
    private final OwnerRuns[] txRuns;
    /** The owner slot whose hook runs now (to blame the right plug-in if it throws). */
    private int blame = BLAME_ENGINE;
    private int retiring;
    private long retiredOutstanding;
    private long abandoned;
    /** A routing state whose table failed; bursts that still see it drop their packets until a new one is published. */
    private volatile RoutingState failedRouting;
    /** Frames of the burst in {@link #forward} and how many of them were transmitted so far. */
    private int burstReceived;
    private int burstTransmitted;
    private long lastDmaFaults;
    private final LoopListener hooks;
    private volatile SwapRequest pendingSwap;
    /** A DMA swap whose next strategy is being prepared in steps (its slot reserved), while the current forwards. */
    private SwapRequest preparing;
    private int preparingSlot = -1;
    private DmaContext preparingContext;
    /** A platform change whose next strategy is being prepared against the successor platform, in steps. */
    private SwapRequest preparingPlatform;
    /**
     * A platform change whose rx rings are being brought down to {@link #quiesceFloor} descriptors per port before the
     * commit (which must find them empty), and whether its next strategy was prepared on the successor.
     */
    private SwapRequest quiescing;
    private boolean quiescingPrepared;
    /**
     * While a platform change quiesces: the descriptors left posted on each port (the active strategy refills up to
     * this, the engine takes back the rest), at least what one poll can fill (a burst), so the device never lacks one.
     */
    private final int quiesceFloor;
    /** When the pending swap started waiting for a free owner slot (0: not waiting). */
    private long slotWaitSince;
    /** The swap whose handover made each slot's strategy retire: its record completes when that one detaches. */
    private final SwapRequest[] retiredBy = new SwapRequest[MAX_OWNERS];
    /**
     * Per slot: the committed platform change whose old platform that slot's strategy is attached to (retiring on it
     * after a profile swap that {@linkplain NicSession.PlatformChange#retiresOldPlatformLater() releases the old
     * platform later}), or null; the change hears {@code oldPlatformRetired} once no slot uses it any more.
     */
    private final NicSession.PlatformChange[] onOldPlatform = new NicSession.PlatformChange[MAX_OWNERS];
    /** Per port: the retiring runs' total when last seen, and when it last changed (for the idle reclaim). */
    private final long[] runsSeen;
    private final long[] runsMovedAt;
    private SwapRequest settlingSwap;
    private long settlingMissedBefore;
    private long settlingCyclesBefore;
    /** Replaced by the control plane (RCU-style); read once per burst. */
    private volatile RoutingState routing;
    private final int[] localAddresses;
    private final EngineCounters counters;
    private TraceSink trace;
    private boolean traceBursts;
    /** Burst and packet records beyond the counters (null below the burst level); see {@link TraceRecorder}. */
    private TraceRecorder recorder;
    private boolean tracePackets;
    private MemorySegment memory;
    private final int burst;
    private final long durationNanos;
    private final boolean boundedByPackets;

    private final PacketView view = new PacketView();
    private final PacketBatch rx;
    private final PacketBatch dropped;
    private final PacketBatch unsent;
    private final PacketBatch completed;
    private final PacketBatch reclaimed;
    private final PacketBatch handback;
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
    /** Between two counter snapshots (traced at the burst level); shorter in a rehearsal, see {@link SwapRehearsal}. */
    private long snapshotIntervalNanos = SNAPSHOT_INTERVAL_NANOS;

    ForwardingLoop(final NicSession session, final DmaStrategy strategy, final RoutingState routing,
            final EngineCounters counters, final TraceSink trace, final int burst,
            final long durationNanos, final boolean boundedByPackets) {
        this(session, strategy, routing, counters, trace, burst, durationNanos, boundedByPackets, LoopListener.NONE);
    }

    ForwardingLoop(final NicSession session, final DmaStrategy strategy, final RoutingState routing,
            final EngineCounters counters, final TraceSink trace, final int burst,
            final long durationNanos, final boolean boundedByPackets, final LoopListener hooks) {
        this.session = session;
        this.hooks = hooks;
        final List<NicPort> list = session.ports();
        this.ports = list.toArray(new NicPort[0]);
        this.portCount = ports.length;
        this.strategyPorts = new StrategyPort[portCount];
        this.rxRuns = new OwnerRuns[portCount];
        this.txRuns = new OwnerRuns[portCount];
        this.runsSeen = new long[portCount];
        this.runsMovedAt = new long[portCount];
        for (int i = 0; i < portCount; i++) {
            strategyPorts[i] = new StrategyPort(ports[i]);
            rxRuns[i] = new OwnerRuns(MAX_OWNERS);
            // A run holds at least one frame, so a ring of N descriptors never needs more than N runs.
            txRuns[i] = new OwnerRuns(Math.max(MAX_OWNERS, ports[i].txFreeSlots() + ports[i].txInFlight() + 2));
        }
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
        this.owners[0] = strategy;
        this.activeSlot = 0;
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
        this.reclaimed = new PacketBatch(256);
        this.handback = new PacketBatch(256);
        this.tx = new PacketBatch[portCount];
        for (int i = 0; i < portCount; i++) {
            tx[i] = new PacketBatch(burst);
        }
        this.quiesceFloor = burst;
        this.addresses = new int[burst];
        this.lookedUp = new int[burst];
        this.slotOf = new int[burst];
    }

    /** Sets the trace sink; called on the forwarding thread before {@link #run()} (the sink belongs to it). */
    void trace(final TraceSink sink) {
        trace(sink, 0);
    }

    /** {@link #trace(TraceSink)}, keeping the first {@code snapLength} bytes of each frame at the packet level. */
    void trace(final TraceSink sink, final int snapLength) {
        this.trace = sink;
        this.traceBursts = sink.level().includes(TraceLevel.BURST);
        this.recorder = sink.level() != TraceLevel.OFF
                ? new TraceRecorder(sink, session, ports, burst, completed.capacity(), snapLength)
                : null;
        this.tracePackets = recorder != null && recorder.packets;
    }

    /** Takes counter snapshots every {@code nanos}; before {@link #run()}. */
    void snapshotEvery(final long nanos) {
        this.snapshotIntervalNanos = nanos;
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
     * Attaches the strategy, forwards until stopped or a limit is reached, performs hot swaps at burst boundaries,
     * drains the tx rings, hands every buffer back and detaches the strategies. Exceptions from a DMA strategy or a
     * routing table quarantine that plug-in; exceptions from the NIC backend propagate (the caller records them).
     */
    void run() {
        StrategyCalls.warmUp(); // before the clock starts: see there why
        RoutingCalls.warmUp();
        rxMissed(); // resolves the port counters' class here, not in the first platform swap's commit step
        final DmaStrategy first = owners[activeSlot];
        blame = activeSlot;
        first.attach(new DmaContext(session.platform(), List.of(strategyPorts)));
        blame = BLAME_ENGINE;
        final long start = System.nanoTime();
        startNanos = start;
        nextSnapshotNanos = start + snapshotIntervalNanos;
        lastDmaFaults = dmaFaults();
        final long deadline = durationNanos > 0 ? start + durationNanos : Long.MAX_VALUE;
        try {
            long now = start;
            while (!stopRequested) {
                now = iteration(now);
                if (now >= deadline || (boundedByPackets && session.drained())) {
                    break;
                }
            }
            drainReceived();
            drainTransmissions();
        } finally {
            endNanos = System.nanoTime();
            try {
                shutdown();
            } finally {
                final SwapRequest swap = pendingSwap;
                if (swap != null) {
                    pendingSwap = null;
                    if (swap.kind() == SwapRequest.Kind.PLATFORM) {
                        abandonQuietly(swap);
                    }
                    swap.refuse(this, "the run ended first");
                }
                if (preparingPlatform != null) {
                    detachQuietly(preparingPlatform.strategy());
                    abandonQuietly(preparingPlatform);
                    preparingPlatform.refuse(this, "the run ended while " + preparingPlatform.strategy().name()
                            + " was being prepared");
                    preparingPlatform = null;
                }
                if (quiescing != null) {
                    uncapRx();
                    if (quiescingPrepared) {
                        detachQuietly(quiescing.strategy());
                    }
                    abandonQuietly(quiescing);
                    quiescing.refuse(this, "the run ended while the rx rings were being quiesced for the change");
                    quiescing = null;
                }
                if (preparing != null) {
                    preparing.refuse(this, "the run ended while " + preparing.strategy().name() + " was being prepared");
                    preparing = null;
                    preparingSlot = -1;
                }
                if (settlingSwap != null) {
                    settle();
                }
                for (int s = 0; s < MAX_OWNERS; s++) {
                    if (retiredBy[s] != null) {
                        retiredBy[s].finishNow(this);
                        retiredBy[s] = null;
                    }
                }
                snapshot(endNanos);
            }
        }
    }

    /**
     * One turn of the loop: a step of swap work if one is under way, a cycle, the swap bookkeeping and a counter
     * snapshot when due. Returns the time after the cycle.
     *
     * <p>A method of its own, not the body of {@link #run()}, for the JIT: {@code run} is entered once per run and
     * compiled on stack (OSR) from its own run's profile, so a branch its run has not taken yet (the first swap, the
     * first snapshot) is compiled as a trap that deoptimizes the loop when it is taken. This method is called per turn
     * from every run, so its profile is shared: what a {@link SwapRehearsal} did is in it when the real run's loop is
     * compiled.
     */
    private long iteration(final long before) {
        if (preparing != null) {
            prepareStep();
        } else if (preparingPlatform != null) {
            preparePlatformStep();
        } else if (quiescing != null) {
            quiesceStep();
        } else {
            final SwapRequest swap = pendingSwap;
            if (swap != null) {
                begin(swap, before);
            }
        }
        try {
            cycle();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            pluginFailed(e);
        }
        if (settlingSwap != null) {
            settle();
        }
        final long now = System.nanoTime();
        if (retiring > 0) {
            reclaimIdlePorts(now);
        }
        if (now >= nextSnapshotNanos) {
            snapshot(now);
            nextSnapshotNanos = now + snapshotIntervalNanos;
        }
        return now;
    }

    private void cycle() {
        final DmaStrategy strategy = owners[activeSlot];
        blame = activeSlot;
        for (int p = 0; p < portCount; p++) {
            StrategyCalls.refill(strategy, strategyPorts[p]);
        }
        blame = BLAME_ENGINE;
        for (int p = 0; p < portCount; p++) {
            receive(p);
        }
        reapCompletions();
        final long faults = dmaFaults();
        if (faults != lastDmaFaults) {
            lastDmaFaults = faults;
            // A correct strategy never makes a device touch memory it may not: this one handed out a bad handle.
            quarantine(activeSlot, new IllegalStateException("the device reported a DMA fault: a buffer was handed "
                    + "to it unmapped or without permission"));
        }
        if (retiring > 0) {
            retireIdle();
        }
        counters.add(RouterCounter.CYCLES, 1);
    }

    /** Receives a burst on port {@code p} and forwards it; returns how many frames came in. */
    private int receive(final int p) {
        final PacketBatch rx = this.rx;
        rx.clear();
        // Buffers of a retiring strategy come first in the ring: receive them in bursts of their own.
        final OwnerRuns runs = rxRuns[p];
        final int slot;
        int max = burst;
        if (runs.isEmpty()) {
            slot = activeSlot;
        } else {
            slot = runs.headOwner();
            max = (int) Math.min(max, runs.headCount());
        }
        final int n = ports[p].rxBurst(rx, max);
        if (n > 0) {
            if (slot != activeSlot) {
                runs.consumeHead(n);
            }
            burstReceived = n;
            burstTransmitted = 0;
            final DmaStrategy owner = owners[slot];
            if (quarantined[slot]) {
                dropQuarantined(p, slot, rx);
            } else {
                blame = slot;
                StrategyCalls.onReceive(owner, strategyPorts[p], rx);
                blame = BLAME_ENGINE;
                forward(p, rx, n, slot, owner);
            }
            burstReceived = 0;
        }
        return n;
    }

    /** Validates, looks up, rewrites and transmits one received burst whose buffers belong to {@code slot}. */
    private void forward(final int ingress, final PacketBatch rx, final int n, final int slot,
            final DmaStrategy strategy) {
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
            if (tracePackets) {
                recorder.arrival(i, view, rx.stamp(i), ingress, reason);
            }
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
            if (tracePackets) {
                recorder.drop(i, reason, -1);
            }
            ports[ingress].punt(rx, i, DropReason.byId(reason), 0);
            dropped.addFrom(rx, i);
        }

        final RoutingState routing = this.routing;
        final boolean routingUsable = routing != failedRouting;
        if (routingUsable && candidates > 0) {
            blame = BLAME_ROUTING;
            RoutingCalls.lookupBulk(routing.table(), addresses, lookedUp, candidates);
            blame = BLAME_ENGINE;
        }

        final ResolvedNextHops hops = routing.hops();
        final int hopCount = hops.size();
        int badNextHops = 0;
        for (int j = 0; j < candidates; j++) {
            final int i = slotOf[j];
            final int nh = routingUsable ? lookedUp[j] : -2;
            int reason;
            if (nh == -2) {
                reason = PLUGIN_ERROR;
            } else if (nh < 0) {
                reason = NO_ROUTE;
                ports[ingress].punt(rx, i, DropReason.NO_ROUTE, 0);
            } else if (nh >= hopCount) {
                reason = BAD_NEXT_HOP;
                badNextHops++;
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
                    ports[ingress].punt(rx, i, DropReason.UNREACHABLE, 0);
                }
                if (reason < 0) {
                    view.wrap(memory, rx.offset(i), rx.length(i));
                    view.destinationMac(mac);
                    view.sourceMac(portMac[egress]);
                    view.decrementTtl();
                    final PacketBatch out = tx[egress];
                    final int queuedAt = out.addFrom(rx, i);
                    out.nextHop(queuedAt, nh);
                    if (tracePackets) {
                        recorder.forwarded(i, egress, nh, queuedAt);
                    }
                    continue;
                }
            }
            burstDrops[reason]++;
            if (tracePackets) {
                recorder.drop(i, reason, nh);
            }
            dropped.addFrom(rx, i);
        }
        if (!dropped.isEmpty()) {
            blame = slot;
            StrategyCalls.release(strategy, dropped);
            blame = BLAME_ENGINE;
            dropped.clear();
        }

        int transmitted = 0;
        for (int q = 0; q < portCount; q++) {
            if (!tx[q].isEmpty()) {
                if (tracePackets) {
                    recorder.beforeTransmit(burstDrops[DMA_ERROR], burstDrops[TX_FULL]);
                }
                transmitted += transmit(q, slot, strategy);
                if (tracePackets) {
                    recorder.afterTransmit(q, burstDrops[DMA_ERROR], burstDrops[TX_FULL], unsent, rx);
                }
            }
        }

        final int droppedCount = countBurst(n, bytes);
        if (traceBursts) {
            recorder.burst(System.nanoTime() - startNanos, ingress, n, transmitted, droppedCount);
        }
        if (badNextHops != 0 && routing != failedRouting) {
            // A routing plug-in returned next hops that do not exist: take it out of service.
            routingFailed(routing, new IllegalStateException("lookup returned " + badNextHops
                    + " next-hop id(s) outside 0.." + (hopCount - 1)));
        }
    }

    /** Adds the burst's receive and drop counters; returns the frames dropped. */
    private int countBurst(final int n, final long bytes) {
        int droppedCount = 0;
        final long[] burstDrops = this.burstDrops;
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
        return droppedCount;
    }

    /** Prepares and transmits the frames queued for port {@code q}; the rest go back to the strategy. */
    private int transmit(final int q, final int slot, final DmaStrategy strategy) {
        final PacketBatch out = tx[q];
        final NicPort port = ports[q];
        final StrategyPort strategyPort = strategyPorts[q];
        blame = slot;
        final int ready = StrategyCalls.prepareTransmit(strategy, strategyPort, out);
        blame = BLAME_ENGINE;
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
        if (sent > 0 && !txRuns[q].append(slot, sent)) {
            throw new IllegalStateException("tx ownership runs overflow on port " + port.info().name());
        }
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
            blame = slot;
            StrategyCalls.releaseUnsent(strategy, strategyPort, unsent);
            blame = BLAME_ENGINE;
            unsent.clear();
        }
        counters.add(RouterCounter.PACKETS_TX, sent);
        counters.add(RouterCounter.BYTES_TX, bytes);
        burstTransmitted += sent;
        return sent;
    }

    /** Hands completed transmissions back to the strategies that own them, oldest first. */
    private void reapCompletions() {
        final PacketBatch completed = this.completed;
        for (int p = 0; p < portCount; p++) {
            final NicPort port = ports[p];
            final OwnerRuns runs = txRuns[p];
            while (!runs.isEmpty()) {
                final int slot = runs.headOwner();
                final int limit = (int) Math.min(completed.capacity(), runs.headCount());
                completed.clear();
                final int n = port.reapTxCompletions(completed, limit);
                if (n == 0) {
                    break;
                }
                if (tracePackets) {
                    recorder.completed(System.nanoTime() - startNanos, p, completed, n);
                }
                runs.consumeHead(n);
                if (quarantined[slot]) {
                    giveBackQuietly(slot, p, completed, true);
                } else {
                    blame = slot;
                    StrategyCalls.onTransmitted(owners[slot], strategyPorts[p], completed);
                    blame = BLAME_ENGINE;
                }
                if (n < limit) {
                    break;
                }
            }
        }
        completed.clear();
    }

    /**
     * After the last cycle: receives, and forwards, the frames the devices had already written into the rx rings,
     * posting no new descriptor. Without it they would stay in the rings, their buffers still held by the strategy
     * when it detaches (outstanding, and mapped): a wall-paced source that caught up after the thread was preempted
     * leaves up to two rings' worth there. Ends when a round receives nothing; without refills the rings run dry.
     */
    private void drainReceived() {
        // Unfilled descriptors first: what the rings still hold after that is what the devices filled. A port that
        // holds nothing is not polled (a device that receives on every poll would only count the frames as missed).
        for (int p = 0; p < portCount; p++) {
            try {
                reclaimUnfilled(p);
            } catch (RuntimeException e) {
                return; // the strategy failed: shutdown reports it
            }
        }
        // Not through cycle(): a branch there that only the end of a run takes would be compiled as a trap, and the
        // end of a rehearsal would deoptimize the loop just before the real run starts.
        for (int attempt = 0; attempt < DRAIN_ATTEMPTS; attempt++) {
            int received = 0;
            try {
                for (int p = 0; p < portCount; p++) {
                    if (ports[p].rxHeld() > 0) {
                        received += receive(p);
                    }
                }
                reapCompletions();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                pluginFailed(e);
            }
            if (received == 0) {
                return;
            }
        }
    }

    /** After the last cycle: wait (bounded) for every accepted frame to complete so its buffer comes back. */
    private void drainTransmissions() {
        for (int attempt = 0; attempt < DRAIN_ATTEMPTS; attempt++) {
            try {
                reapCompletions();
            } catch (RuntimeException | LinkageError | AssertionError e) {
                pluginFailed(e);
            }
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

    // ---- hot swap and ownership (forwarding thread)

    /**
     * Takes back every rx descriptor of port {@code p} the device has not filled and hands each to the strategy that
     * posted it, as an empty received frame ({@code onReceive} then {@code release}). Rings are FIFO and reclaim
     * from the newest end: the newest descriptors are the active strategy's, older ones are the retiring runs'.
     */
    private void reclaimUnfilled(final int p) {
        reclaimUnfilled(p, Integer.MAX_VALUE);
    }

    /** {@link #reclaimUnfilled(int)}, at most {@code max} descriptors; returns how many came back. */
    private int reclaimUnfilled(final int p, final int max) {
        final NicPort port = ports[p];
        final OwnerRuns runs = rxRuns[p];
        long activeHeld = port.rxHeld() - runs.total();
        final PacketBatch batch = this.reclaimed;
        int total = 0;
        int n;
        do {
            batch.clear();
            final int want = Math.min(batch.capacity(), max - total);
            n = port.reclaimRx(batch, want);
            total += n;
            int groupStart = 0;
            int groupOwner = activeSlot;
            for (int i = 0; i < n; i++) {
                final int owner;
                if (activeHeld > 0) {
                    owner = activeSlot;
                    activeHeld--;
                } else if (!runs.isEmpty()) {
                    owner = runs.tailOwner();
                    runs.consumeTail();
                } else {
                    owner = activeSlot; // more came back than the ring said it held: only the active one posts
                }
                if (owner != groupOwner && i > groupStart) {
                    giveBack(groupOwner, p, batch, groupStart, i);
                    groupStart = i;
                }
                groupOwner = owner;
            }
            giveBack(groupOwner, p, batch, groupStart, n);
        } while (n == batch.capacity() && total < max);
        batch.clear();
        return total;
    }

    /** Returns slots {@code [from, to)} of {@code batch} (reclaimed rx descriptors of port {@code p}) to their owner. */
    private void giveBack(final int slot, final int p, final PacketBatch batch, final int from, final int to) {
        if (from == to) {
            return;
        }
        final PacketBatch part = this.handback;
        part.clear();
        for (int i = from; i < to; i++) {
            part.addFrom(batch, i);
        }
        if (quarantined[slot]) {
            giveBackQuietly(slot, p, part, false);
        } else {
            blame = slot;
            owners[slot].onReceive(strategyPorts[p], part);
            owners[slot].release(part);
            blame = BLAME_ENGINE;
        }
        part.clear();
    }

    /** Best effort with a quarantined strategy: it may throw again; what it cannot take back is abandoned. */
    private void giveBackQuietly(final int slot, final int p, final PacketBatch frames, final boolean transmitted) {
        try {
            if (transmitted) {
                owners[slot].onTransmitted(strategyPorts[p], frames);
            } else {
                owners[slot].onReceive(strategyPorts[p], frames);
                owners[slot].release(frames);
            }
        } catch (RuntimeException | LinkageError | AssertionError e) {
            abandoned += frames.size();
        }
    }

    /** Frames received into buffers of a quarantined strategy: dropped, buffers handed back if it can take them. */
    private void dropQuarantined(final int p, final int slot, final PacketBatch rx) {
        final int n = rx.size();
        long bytes = 0;
        for (int i = 0; i < n; i++) {
            bytes += rx.length(i);
        }
        burstDrops[PLUGIN_ERROR] += n;
        giveBackQuietly(slot, p, rx, false);
        countBurst(n, bytes);
    }

    /**
     * Starts the pending swap at this burst boundary, or leaves it pending while every owner slot is taken by a
     * strategy still retiring (their buffers come back as traffic flows, or by the idle reclaim).
     */
    private void begin(final SwapRequest request, final long now) {
        if (request.kind() == SwapRequest.Kind.DMA && freeSlot() < 0) {
            if (slotWaitSince == 0) {
                slotWaitSince = now;
            } else if (now - slotWaitSince > SLOT_WAIT_NANOS) {
                pendingSwap = null;
                slotWaitSince = 0;
                request.refuse(this, "the strategies replaced by earlier swaps still hold buffers the NIC has not "
                        + "returned after " + SLOT_WAIT_NANOS / 1_000_000_000 + " s (" + (MAX_OWNERS - 1)
                        + " retiring at most)");
            }
            return;
        }
        pendingSwap = null;
        slotWaitSince = 0;
        final long start = System.nanoTime();
        final long cpu = cpuNow();
        // if/else, not a switch on the enum: that would load a synthetic class here, on the first swap of a run.
        final SwapRequest.Kind kind = request.kind();
        if (kind == SwapRequest.Kind.RECORD) {
            request.traceRecord();
        } else if (kind == SwapRequest.Kind.PLATFORM) {
            final org.routerlab.api.platform.DmaPlatform successor = request.change().platform();
            if (successor == null) {
                startQuiescing(request, false);
                request.step(System.nanoTime() - start, cpuNow() - cpu);
            } else {
                // Premap the next strategy on the successor between bursts; the commit's pause then excludes it.
                preparingPlatform = request;
                preparingContext = new DmaContext(successor, List.of(strategyPorts));
                request.step(System.nanoTime() - start, cpuNow() - cpu);
                preparePlatformStep();
            }
        } else {
            final int slot = freeSlot();
            final DmaStrategy next = request.strategy();
            owners[slot] = next;
            quarantined[slot] = false;
            preparing = request;
            preparingSlot = slot;
            preparingContext = new DmaContext(session.platform(), List.of(strategyPorts));
            settlingMissedBefore = rxMissed();
            settlingCyclesBefore = counters.get(RouterCounter.CYCLES);
            request.step(System.nanoTime() - start, cpuNow() - cpu);
            prepareStep();
        }
    }

    /** One bounded step of preparing a platform change's next strategy on the successor platform. */
    private void preparePlatformStep() {
        final SwapRequest request = preparingPlatform;
        final DmaStrategy next = request.strategy();
        final long begin = System.nanoTime();
        final long cpu = cpuNow();
        final boolean ready;
        try {
            ready = next.prepare(preparingContext, begin + STEP_BUDGET_NANOS);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            preparingPlatform = null;
            preparingContext = null;
            detachQuietly(next);
            abandonQuietly(request);
            request.step(System.nanoTime() - begin, cpuNow() - cpu);
            request.fail(this, e);
            return;
        }
        if (ready) {
            preparingPlatform = null;
            preparingContext = null;
            startQuiescing(request, true);
        }
        request.step(System.nanoTime() - begin, cpuNow() - cpu);
    }

    /**
     * The next strategy of a platform change is ready: from now on the active strategy refills each rx ring only up
     * to {@link #quiesceFloor} descriptors, and {@link #quiesceStep} takes back the rest; the commit then has only a
     * floor's worth left to take back in its own step.
     */
    private void startQuiescing(final SwapRequest request, final boolean prepared) {
        quiescing = request;
        quiescingPrepared = prepared;
        for (final StrategyPort p : strategyPorts) {
            p.capRx(quiesceFloor);
        }
    }

    private void uncapRx() {
        for (final StrategyPort p : strategyPorts) {
            p.capRx(Integer.MAX_VALUE);
        }
    }

    /**
     * One bounded step of a platform change's quiescing: takes back unfilled rx descriptors above the floor, newest
     * first, until the step's budget is spent; once no port holds more than the floor (at this burst boundary: the
     * cycle in between received from every port), performs the change in this step.
     */
    private void quiesceStep() {
        final SwapRequest request = quiescing;
        final long begin = System.nanoTime();
        final long cpu = cpuNow();
        final int floor = quiesceFloor;
        boolean low = true;
        for (int p = 0; p < portCount; p++) {
            low &= ports[p].rxHeld() <= floor;
        }
        if (low) {
            quiescing = null;
            uncapRx();
            performPlatformChange(request, begin, cpu, quiescingPrepared);
            return;
        }
        final long deadline = begin + STEP_BUDGET_NANOS;
        for (int p = 0; p < portCount && System.nanoTime() < deadline; p++) {
            int above;
            while ((above = ports[p].rxHeld() - floor) > 0) {
                if (reclaimUnfilled(p, Math.min(above, 32)) == 0 || System.nanoTime() >= deadline) {
                    break; // filled but not received yet (the next poll takes them), or the budget is spent
                }
            }
        }
        request.step(System.nanoTime() - begin, cpuNow() - cpu);
    }

    private static void detachQuietly(final DmaStrategy strategy) {
        try {
            strategy.detach();
        } catch (RuntimeException | LinkageError | AssertionError ignored) {
            // It failed; what it holds is reported by the platform's live mappings.
        }
    }

    private static long cpuNow() {
        return CPU_CLOCK ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /**
     * One bounded step of making the next strategy ready while the current one forwards ({@link DmaStrategy#prepare});
     * once it is ready it is attached and takes over at this burst boundary.
     */
    private void prepareStep() {
        final SwapRequest request = preparing;
        final int slot = preparingSlot;
        final DmaStrategy next = owners[slot];
        final long begin = System.nanoTime();
        final long cpu = cpuNow();
        final boolean ready;
        try {
            blame = slot;
            ready = next.prepare(preparingContext, begin + STEP_BUDGET_NANOS);
            if (ready) {
                next.attach(preparingContext);
            }
        } catch (RuntimeException | LinkageError | AssertionError e) {
            owners[slot] = null;
            preparing = null;
            preparingSlot = -1;
            try {
                next.detach();
            } catch (RuntimeException | LinkageError | AssertionError ignored) {
                // It failed to start; whatever it holds is reported by the platform's live mappings.
            }
            request.step(System.nanoTime() - begin, cpuNow() - cpu);
            request.fail(this, e);
            return;
        } finally {
            blame = BLAME_ENGINE;
        }
        if (ready) {
            preparing = null;
            preparingSlot = -1;
            preparingContext = null;
            handOver(slot, next, false, request);
            request.activated(this);
            settlingSwap = request;
        }
        request.step(System.nanoTime() - begin, cpuNow() - cpu);
    }

    /**
     * Makes {@code next} (attached, in {@code slot}) the active strategy; the current one starts retiring. Its rx
     * descriptors stay in the rings as its run, ahead of the new one's, unless {@code reclaimNow} (a quarantine: a
     * broken strategy's buffers should not receive more frames).
     */
    private void handOver(final int slot, final DmaStrategy next, final boolean reclaimNow, final SwapRequest cause) {
        final int old = activeSlot;
        owners[slot] = next;
        quarantined[slot] = false;
        for (int p = 0; p < portCount; p++) {
            if (reclaimNow) {
                reclaimUnfilled(p);
            }
            // What the ring holds beyond the retiring runs was posted by the old active strategy.
            final long oldHeld = ports[p].rxHeld() - rxRuns[p].total();
            if (!rxRuns[p].append(old, oldHeld)) {
                throw new IllegalStateException("rx ownership runs overflow on port " + ports[p].info().name());
            }
            runsSeen[p] = -1; // the idle clock starts at the next look
        }
        activeSlot = slot;
        retiredBy[old] = cause;
        if (cause != null) {
            cause.awaitRetirement();
        }
        retiring++;
    }

    /**
     * Retires one strategy that no ring holds buffers of any more: one bounded {@link DmaStrategy#retire} step per
     * cycle, then {@link DmaStrategy#detach}; the time is charged to the swap that replaced it.
     */
    private void retireIdle() {
        for (int s = 0; s < MAX_OWNERS; s++) {
            if (s == activeSlot || s == preparingSlot || owners[s] == null || heldAnywhere(s)) {
                continue;
            }
            final long begin = System.nanoTime();
            final long cpu = cpuNow();
            final DmaStrategy done = owners[s];
            final SwapRequest cause = retiredBy[s];
            if (quarantined[s]) {
                try {
                    done.detach();
                } catch (RuntimeException | LinkageError | AssertionError e) {
                    abandoned += Math.max(0, safeOutstanding(done));
                }
                retiredOutstanding += safeOutstanding(done);
                quarantined[s] = false;
            } else {
                blame = s;
                if (!done.retire(begin + STEP_BUDGET_NANOS)) {
                    blame = BLAME_ENGINE;
                    if (cause != null) {
                        cause.step(System.nanoTime() - begin, cpuNow() - cpu);
                    }
                    return; // more next cycle
                }
                done.detach();
                blame = BLAME_ENGINE;
                retiredOutstanding += done.buffersOutstanding();
            }
            owners[s] = null;
            retiredBy[s] = null;
            retiring--;
            leftOldPlatform(s);
            if (cause != null) {
                cause.step(System.nanoTime() - begin, cpuNow() - cpu);
                cause.retired(this);
            }
            return; // one strategy per cycle
        }
    }

    /**
     * A port whose retiring runs have not moved for {@link #IDLE_RECLAIM_NANOS} receives nothing: take the descriptors
     * the device has not filled back to their owners so that the retiring strategies can detach.
     */
    private void reclaimIdlePorts(final long now) {
        for (int p = 0; p < portCount; p++) {
            final OwnerRuns runs = rxRuns[p];
            if (runs.isEmpty()) {
                continue;
            }
            final long total = runs.total();
            if (total != runsSeen[p]) {
                runsSeen[p] = total;
                runsMovedAt[p] = now;
            } else if (now - runsMovedAt[p] > IDLE_RECLAIM_NANOS) {
                final long begin = System.nanoTime();
                final long cpu = cpuNow();
                reclaimUnfilled(p);
                final long took = System.nanoTime() - begin;
                final long tookCpu = cpuNow() - cpu;
                for (int s = 0; s < MAX_OWNERS; s++) {
                    if (retiredBy[s] != null) {
                        retiredBy[s].step(took, tookCpu); // conservative: every swap still retiring is charged
                    }
                }
                runsSeen[p] = runs.total();
                runsMovedAt[p] = now;
            }
        }
    }

    private static long safeOutstanding(final DmaStrategy s) {
        try {
            return s.buffersOutstanding();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            return 0;
        }
    }

    /**
     * The strategy in {@code slot} has detached: if it was the last one on an old platform of a profile swap, that
     * platform may go.
     */
    private void leftOldPlatform(final int slot) {
        final NicSession.PlatformChange change = onOldPlatform[slot];
        if (change == null) {
            return;
        }
        onOldPlatform[slot] = null;
        for (int s = 0; s < MAX_OWNERS; s++) {
            if (onOldPlatform[s] == change) {
                return;
            }
        }
        change.oldPlatformRetired();
    }

    private boolean heldAnywhere(final int slot) {
        for (int p = 0; p < portCount; p++) {
            if (rxRuns[p].holds(slot) || txRuns[p].holds(slot)) {
                return true;
            }
        }
        return false;
    }

    private int freeSlot() {
        for (int s = 0; s < MAX_OWNERS; s++) {
            if (owners[s] == null) {
                return s;
            }
        }
        return -1;
    }

    /**
     * The commit step of a platform change (the cost profile): the tx rings are drained and the rx descriptors left
     * (a {@link #quiesceFloor} per port, after {@link #quiesceStep}) taken back, so that no ring holds a buffer of the
     * old platform. If the backend {@linkplain NicSession.PlatformChange#retiresOldPlatformLater() keeps the old
     * platform} and a slot is free, the change is committed with the old strategies still holding their pools ({@link
     * #commitRetiringLater}); otherwise every strategy detaches first, the session switches and a fresh strategy
     * attaches. The rings are refilled in the next cycle, before the device is polled again.
     */
    private void performPlatformChange(final SwapRequest request, final long begin, final long cpu,
            final boolean preparedOnSuccessor) {
        final long missedBefore = rxMissed();
        for (int attempt = 0; attempt < DRAIN_ATTEMPTS; attempt++) {
            reapCompletions();
            if (allTxRunsEmpty()) {
                break;
            }
            Thread.onSpinWait();
        }
        for (int p = 0; p < portCount; p++) {
            reclaimUnfilled(p);
        }
        for (int p = 0; p < portCount; p++) {
            if (ports[p].rxHeld() != 0 || !txRuns[p].isEmpty()) {
                if (preparedOnSuccessor) {
                    detachQuietly(request.strategy());
                }
                abandonQuietly(request);
                request.step(System.nanoTime() - begin, cpuNow() - cpu);
                request.refuse(this, "port " + ports[p].info().name() + " still holds " + ports[p].rxHeld()
                        + " rx and " + txRuns[p].total() + " tx buffers the NIC cannot give back now");
                return;
            }
        }
        final int fresh = freeSlot();
        if (fresh >= 0 && request.change().retiresOldPlatformLater()) {
            commitRetiringLater(request, fresh, begin, cpu, missedBefore, preparedOnSuccessor);
            return;
        }
        for (int s = 0; s < MAX_OWNERS; s++) {
            if (owners[s] != null) {
                final DmaStrategy done = owners[s];
                owners[s] = null;
                blame = s;
                done.detach();
                blame = BLAME_ENGINE;
                retiredOutstanding += done.buffersOutstanding();
                leftOldPlatform(s);
                final SwapRequest cause = retiredBy[s];
                retiredBy[s] = null;
                if (cause != null) {
                    cause.retired(this);
                }
            }
        }
        retiring = 0;
        String failure = null;
        DmaStrategy next = request.strategy();
        try {
            request.change().commit();
        } catch (RuntimeException e) {
            failure = e.getMessage() == null ? e.toString() : e.getMessage();
            if (preparedOnSuccessor) {
                // Its buffers are on the successor, which is dropped: a fresh instance forwards on the old platform.
                detachQuietly(next);
                next = request.freshStrategy();
            }
            abandonQuietly(request);
        }
        memory = session.platform().memory();
        lastDmaFaults = dmaFaults();
        activeSlot = 0;
        owners[0] = next;
        quarantined[0] = false;
        blame = 0;
        next.attach(new DmaContext(session.platform(), List.of(strategyPorts)));
        blame = BLAME_ENGINE;
        request.step(System.nanoTime() - begin, cpuNow() - cpu);
        if (failure != null) {
            request.refuse(this, failure);
        } else {
            request.activated(this);
            settlingMissedBefore = missedBefore;
            settlingCyclesBefore = counters.get(RouterCounter.CYCLES);
            settlingSwap = request;
        }
    }

    /**
     * The staged commit of a platform change (the rings are empty): the strategies of the old platform keep their
     * slots and pools, the change is committed, and the next strategy, in slot {@code fresh}, becomes the active one
     * on the new platform. The old ones then retire in bounded steps ({@link #retireIdle}: no ring holds their
     * buffers), unmapping from the old platform, which the backend releases once the last has detached ({@link
     * #leftOldPlatform}). Should the commit fail, nothing changed: the old active strategy goes on forwarding.
     */
    private void commitRetiringLater(final SwapRequest request, final int fresh, final long begin, final long cpu,
            final long missedBefore, final boolean preparedOnSuccessor) {
        final NicSession.PlatformChange change = request.change();
        final DmaStrategy next = request.strategy();
        try {
            change.commit();
        } catch (RuntimeException e) {
            if (preparedOnSuccessor) {
                detachQuietly(next); // its buffers are on the successor, which is dropped
            }
            abandonQuietly(request);
            request.step(System.nanoTime() - begin, cpuNow() - cpu);
            request.refuse(this, e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        for (int s = 0; s < MAX_OWNERS; s++) {
            if (owners[s] != null && onOldPlatform[s] == null) {
                onOldPlatform[s] = change;
            }
        }
        memory = session.platform().memory();
        lastDmaFaults = dmaFaults();
        final int old = activeSlot;
        owners[fresh] = next;
        quarantined[fresh] = false;
        activeSlot = fresh;
        retiredBy[old] = request;
        request.awaitRetirement();
        retiring++;
        blame = fresh;
        next.attach(new DmaContext(session.platform(), List.of(strategyPorts)));
        blame = BLAME_ENGINE;
        request.step(System.nanoTime() - begin, cpuNow() - cpu);
        request.activated(this);
        settlingMissedBefore = missedBefore;
        settlingCyclesBefore = counters.get(RouterCounter.CYCLES);
        settlingSwap = request;
    }

    private static void abandonQuietly(final SwapRequest request) {
        try {
            request.change().abandon();
        } catch (RuntimeException e) {
            // Nothing was committed; what the backend prepared is its to release.
        }
    }

    private boolean allTxRunsEmpty() {
        for (final OwnerRuns r : txRuns) {
            if (!r.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** The swap is done; its loss is known after one more cycle has polled the devices. */
    /** A cycle after the handover: receive misses beyond the NIC's own rate before the swap are the swap's loss. */
    private void settle() {
        final SwapRequest request = settlingSwap;
        settlingSwap = null;
        final long cycles = counters.get(RouterCounter.CYCLES);
        final long before = Math.max(1, settlingCyclesBefore);
        final long baseline = settlingMissedBefore * (cycles - settlingCyclesBefore) / before;
        final long extra = rxMissed() - settlingMissedBefore - baseline;
        request.succeed(this, Math.max(0, extra));
    }

    /** A plug-in threw on the forwarding thread: take it out of service; an error of the NIC ends the run. */
    private void pluginFailed(final Throwable e) {
        final int culprit = blame;
        blame = BLAME_ENGINE;
        // The burst in progress is lost: its frames count as dropped, their buffers are left to the quarantine.
        if (burstReceived > 0) {
            for (int r = 0; r < burstDrops.length; r++) {
                burstDrops[r] = 0;
            }
            burstDrops[PLUGIN_ERROR] += burstReceived - burstTransmitted;
            countBurst(burstReceived, 0);
            abandoned += dropped.size() + unsent.size();
            for (final PacketBatch b : tx) {
                abandoned += b.size();
                b.clear();
            }
            dropped.clear();
            unsent.clear();
            burstReceived = 0;
        }
        if (culprit >= 0) {
            quarantine(culprit, e);
        } else if (culprit == BLAME_ROUTING) {
            routingFailed(routing, e);
        } else if (e instanceof RuntimeException re) {
            throw re;
        } else if (e instanceof Error er) {
            throw er;
        }
    }

    /** Takes the strategy in {@code slot} out of service; if it was active, the fallback strategy takes over. */
    private void quarantine(final int slot, final Throwable cause) {
        if (owners[slot] == null || quarantined[slot]) {
            return;
        }
        quarantined[slot] = true;
        final String name = owners[slot].name();
        if (slot != activeSlot) {
            hooks.quarantined("dma", name, cause, null);
            return;
        }
        final int fresh = freeSlot();
        final DmaStrategy fallback = fresh < 0 ? null : hooks.fallbackStrategy(name);
        if (fallback == null) {
            hooks.quarantined("dma", name, cause, null);
            throw new IllegalStateException("DMA strategy " + name + " failed and no fallback could take over",
                    cause);
        }
        try {
            blame = fresh;
            fallback.attach(new DmaContext(session.platform(), List.of(strategyPorts)));
        } catch (RuntimeException | LinkageError | AssertionError e) {
            hooks.quarantined("dma", name, cause, null);
            throw new IllegalStateException("DMA strategy " + name + " failed and the fallback "
                    + fallback.name() + " could not attach", e);
        } finally {
            blame = BLAME_ENGINE;
        }
        handOver(fresh, fallback, true, null);
        hooks.quarantined("dma", name, cause, fallback.name());
    }

    private void routingFailed(final RoutingState state, final Throwable cause) {
        if (failedRouting == state) {
            return;
        }
        failedRouting = state;
        hooks.routingFailed(state, cause);
    }

    /** Last cycle: every rx descriptor back to its owner, every strategy detached. */
    private void shutdown() {
        RuntimeException first = null;
        for (int p = 0; p < portCount; p++) {
            try {
                reclaimUnfilled(p);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        for (int s = 0; s < MAX_OWNERS; s++) {
            if (owners[s] == null) {
                continue;
            }
            final DmaStrategy done = owners[s];
            try {
                done.detach();
            } catch (RuntimeException e) {
                if (!quarantined[s]) {
                    first = first == null ? e : first;
                }
            }
            if (s != activeSlot) {
                retiredOutstanding += safeOutstanding(done);
            }
        }
        for (int s = 0; s < MAX_OWNERS; s++) {
            try {
                leftOldPlatform(s);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private long rxMissed() {
        long missed = 0;
        for (final NicPort p : ports) {
            missed += p.counters().get(PortCounter.RX_MISSED);
        }
        return missed;
    }

    private long dmaFaults() {
        return session.platform().counters().get(PlatformOp.DMA_FAULT);
    }

    /** Asks the forwarding thread to perform {@code request} at its next burst boundary. Control plane. */
    void request(final SwapRequest request) {
        pendingSwap = request;
    }

    /** The active strategy (forwarding thread, or after the run). */
    DmaStrategy activeStrategy() {
        return owners[activeSlot];
    }

    /** Buffers held by strategies that were retired during the run (0 when each gave everything back). */
    long retiredOutstanding() {
        return retiredOutstanding;
    }

    /** Frames whose buffers were left with a quarantined strategy that could not take them back. */
    long abandoned() {
        return abandoned;
    }

    /** Wall and modeled nanoseconds since the start, for swap records. */
    long sinceStartNanos() {
        return startNanos == 0 ? 0 : System.nanoTime() - startNanos;
    }

    long modeledNanos() {
        return session.modeledNanos();
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
        if (recorder != null) {
            recorder.counters(now - startNanos, counters);
        } else if (trace.level() != TraceLevel.OFF) {
            counters.copyTo(snapshot);
            trace.counters(now - startNanos, session.modeledNanos(), snapshot);
        }
    }
}
