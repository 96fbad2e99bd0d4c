package org.routerlab.testkit.dma;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

/**
 * Drives a DMA strategy through the engine's hook sequence on the emulated NIC backend, with scripted drops, egress
 * stalls and full tx rings, and checks buffer ownership at every step: a buffer the device hands over must not be
 * held by the forwarder or in flight already (no buffer in two places; a strategy that copies a frame into an
 * egress buffer in {@code prepareTransmit} swaps the slot's buffer, and the harness follows), every packet ends
 * transmitted or released, the device never faults, and after detach nothing is allocated or mapped. A violation
 * throws {@link AssertionError} naming the buffer and the cycle.
 */
public final class StrategyHarness {
    /** What a run did, for expectations on top of the invariants. */
    public record Result(long received, long transmitted, long released, long rotationsOrZero, Map<String, Long> platform,
            long tailWrites) {
    }

    /** The scenario: how many cycles, which share of packets to drop, and whether egress stalls. */
    public record Scenario(int cycles, int dropEvery, int stallEvery, int stallLength, int rxRing, int txRing,
            int burst) {
        /** Plain forwarding, nothing dropped, no stalls. */
        public static Scenario forwarding() {
            return new Scenario(400, 0, 0, 0, 128, 128, 32);
        }

        /** Every {@code n}th packet dropped. */
        public Scenario dropping(final int n) {
            return new Scenario(cycles, n, stallEvery, stallLength, rxRing, txRing, burst);
        }

        /** Egress completion stalls for {@code length} cycles every {@code every} cycles (tx rings fill up). */
        public Scenario stalling(final int every, final int length) {
            return new Scenario(cycles, dropEvery, every, length, rxRing, txRing, burst);
        }
    }

    private StrategyHarness() {
    }

    public static Result run(final DmaStrategyFactory factory, final Map<String, String> config,
            final Scenario scenario) throws Exception {
        final Map<String, String> nic = new HashMap<>(config);
        nic.putIfAbsent("nic.rx.ring", Integer.toString(scenario.rxRing()));
        nic.putIfAbsent("nic.tx.ring", Integer.toString(scenario.txRing()));
        nic.putIfAbsent("traffic.bad", "0");
        try (NicSession session = new EmulatedNicBackend().open(nic)) {
            return drive(factory.create(config), session, scenario);
        }
    }

    private static Result drive(final DmaStrategy strategy, final NicSession session, final Scenario s) {
        final DmaPlatform platform = session.platform();
        final List<NicPort> ports = session.ports();
        final int portCount = ports.size();
        final BitSet held = new BitSet(platform.bufferCount());
        final BitSet inFlight = new BitSet(platform.bufferCount());
        final PacketBatch rx = new PacketBatch(s.burst());
        final PacketBatch out = new PacketBatch(s.burst());
        final PacketBatch dropped = new PacketBatch(s.burst());
        final PacketBatch unsent = new PacketBatch(s.burst());
        final PacketBatch done = new PacketBatch(Math.max(s.txRing(), 64));
        final int[] before = new int[s.burst()];
        long received = 0;
        long transmitted = 0;
        long released = 0;
        long counter = 0;
        strategy.attach(new DmaContext(platform, ports));
        for (int cycle = 0; cycle < s.cycles(); cycle++) {
            final boolean stalled = s.stallEvery() > 0 && cycle % s.stallEvery() < s.stallLength();
            for (final NicPort port : ports) {
                strategy.refill(port);
            }
            for (int p = 0; p < portCount; p++) {
                final NicPort port = ports.get(p);
                rx.clear();
                final int n = port.rxBurst(rx, s.burst());
                strategy.onReceive(port, rx);
                for (int i = 0; i < n; i++) {
                    final int b = rx.buffer(i);
                    check(!held.get(b) && !inFlight.get(b), "cycle " + cycle + ": buffer " + b
                            + " received while " + (held.get(b) ? "the forwarder holds it" : "it is in flight"));
                    held.set(b);
                }
                received += n;
                final NicPort egress = ports.get((p + 1 + (cycle & 1)) % portCount);
                dropped.clear();
                out.clear();
                for (int i = 0; i < n; i++) {
                    if (s.dropEvery() > 0 && counter++ % s.dropEvery() == 0) {
                        dropped.addFrom(rx, i);
                    } else {
                        out.addFrom(rx, i);
                    }
                }
                strategy.release(dropped);
                for (int i = 0; i < dropped.size(); i++) {
                    held.clear(dropped.buffer(i));
                }
                released += dropped.size();
                for (int i = 0; i < out.size(); i++) {
                    before[i] = out.buffer(i);
                }
                strategy.prepareTransmit(egress, out);
                for (int i = 0; i < out.size(); i++) {
                    // A strategy may copy the frame into an egress buffer and put that buffer in the slot; the
                    // received buffer is then its own again, and the new one must be nobody else's.
                    final int b = out.buffer(i);
                    if (b != before[i]) {
                        check(!held.get(b) && !inFlight.get(b), "cycle " + cycle + ": prepareTransmit put buffer "
                                + b + " in a slot while " + (held.get(b) ? "the forwarder holds it" : "it is in flight"));
                        held.clear(before[i]);
                        held.set(b);
                    }
                }
                unsent.clear();
                int kept = 0;
                for (int i = 0; i < out.size(); i++) {
                    if (out.dma(i) == PacketBatch.NO_DMA) {
                        unsent.addFrom(out, i);
                    } else {
                        out.move(i, kept++);
                    }
                }
                out.size(kept);
                final int sent = out.isEmpty() ? 0 : egress.txBurst(out);
                for (int i = 0; i < sent; i++) {
                    held.clear(out.buffer(i));
                    inFlight.set(out.buffer(i));
                }
                for (int i = sent; i < out.size(); i++) {
                    unsent.addFrom(out, i);
                }
                strategy.releaseUnsent(egress, unsent);
                for (int i = 0; i < unsent.size(); i++) {
                    held.clear(unsent.buffer(i));
                }
                released += unsent.size();
                transmitted += sent;
            }
            if (!stalled) {
                transmittedBack(strategy, ports, done, inFlight);
            }
            checkNoFaults(session, "cycle " + cycle);
        }
        transmittedBack(strategy, ports, done, inFlight);
        check(held.isEmpty(), "the forwarder still holds buffers " + held);
        check(inFlight.isEmpty(), "buffers still in flight after draining: " + inFlight);
        strategy.detach();
        checkNoFaults(session, "after detach");
        check(strategy.buffersOutstanding() == 0, strategy.name() + " reports " + strategy.buffersOutstanding()
                + " buffers outstanding after detach");
        check(platform.liveMappings() == 0, strategy.name() + " left " + platform.liveMappings()
                + " mappings after detach");
        check(platform.freeBuffers() == platform.bufferCount(), strategy.name() + " leaked "
                + (platform.bufferCount() - platform.freeBuffers()) + " buffers");
        final var c = platform.counters();
        check(c.get(PlatformOp.DMA_MAP) == c.get(PlatformOp.DMA_UNMAP), "maps " + c.get(PlatformOp.DMA_MAP)
                + " != unmaps " + c.get(PlatformOp.DMA_UNMAP));
        check(c.get(PlatformOp.BUFFER_ALLOC) == c.get(PlatformOp.BUFFER_FREE), "allocations != frees");
        check(c.get(PlatformOp.PERMISSION_GRANT) == c.get(PlatformOp.PERMISSION_REVOKE),
                "grants " + c.get(PlatformOp.PERMISSION_GRANT) + " != revokes " + c.get(PlatformOp.PERMISSION_REVOKE));
        check(received == transmitted + released, "received " + received + " != transmitted " + transmitted
                + " + released " + released);
        long tail = 0;
        for (final NicPort port : ports) {
            tail += port.counters().get(PortCounter.RX_TAIL_WRITES);
        }
        return new Result(received, transmitted, released, 0, c.snapshot(), tail);
    }

    private static void transmittedBack(final DmaStrategy strategy, final List<NicPort> ports, final PacketBatch done,
            final BitSet inFlight) {
        for (final NicPort port : ports) {
            int n;
            do {
                done.clear();
                n = port.reapTxCompletions(done, done.capacity());
                for (int i = 0; i < n; i++) {
                    check(inFlight.get(done.buffer(i)), "completion of buffer " + done.buffer(i) + " not in flight");
                    inFlight.clear(done.buffer(i));
                }
                strategy.onTransmitted(port, done);
            } while (n == done.capacity());
        }
    }

    private static void checkNoFaults(final NicSession session, final String when) {
        final long faults = session.platform().counters().get(PlatformOp.DMA_FAULT);
        check(faults == 0, when + ": " + faults + " DMA faults (a mapping or grant is missing or was torn down early)");
    }

    private static void check(final boolean condition, final String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }
}
