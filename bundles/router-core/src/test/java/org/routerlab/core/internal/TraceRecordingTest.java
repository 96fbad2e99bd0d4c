package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceSink;
import org.routerlab.api.trace.TraceStore;
import org.routerlab.dma.perpacket.internal.PerPacketStrategyFactory;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

/** What the forwarding loop hands a trace sink at the packet level, and that it allocates nothing per packet. */
class TraceRecordingTest {
    @TempDir
    Path dir;

    private RouterEngine engine;
    private final CountingSink sink = new CountingSink();

    /** A sink that only counts what it is given (the store under test is the engine, not Chronicle). */
    static final class CountingSink implements TraceSink {
        volatile long burstPackets;
        volatile long bursts;
        volatile long packetRecords;
        volatile long forwarded;
        final long[] drops = new long[DropReason.count()];
        volatile long completions;
        volatile long latencies;
        volatile long platformMaps;
        volatile int maxRxRing;
        volatile int snap;

        @Override public TraceLevel level() { return TraceLevel.PACKET; }
        @Override public void burst(final long w, final long m, final int p, final int r, final int t, final int d) { }

        @Override
        public void burst(final long w, final long m, final int port, final int received, final int transmitted,
                final int dropped, final int rxRing, final int txRing, final long[] deltas) {
            bursts++;
            burstPackets += received;
            platformMaps += deltas[PlatformOp.DMA_MAP.id()];
            maxRxRing = Math.max(maxRxRing, rxRing);
        }

        @Override
        public void packets(final long w, final long m, final PacketRecords r) {
            snap = r.snapLength();
            packetRecords += r.size();
            for (int i = 0; i < r.size(); i++) {
                if (r.dropped(i)) {
                    drops[r.verdict(i) - 1]++;
                } else {
                    forwarded++;
                }
            }
        }

        @Override
        public void completions(final long w, final long m, final int port, final long[] l, final int count) {
            completions += count;
            for (int i = 0; i < count; i++) {
                if (l[i] >= 0) {
                    latencies++;
                }
            }
        }

        @Override public void counters(final long w, final long m, final long[] values) { }
        @Override public void end(final Map<String, String> summary) { }
        @Override public long writtenRecords() { return bursts; }
        @Override public long droppedRecords() { return 0; }
        @Override public void close() { }
    }

    @BeforeEach
    void setUp() throws Exception {
        final Path routes = dir.resolve("test.routes");
        Files.writeString(routes, """
                172.16.0.0/12 via 10.0.0.2
                198.51.100.0/24 via 10.1.0.2
                blackhole 192.0.2.0/24
                unreachable 203.0.113.0/24
                """);
        engine = new RouterEngine();
        engine.home(dir);
        engine.addNic(new EmulatedNicBackend(), null);
        engine.addStrategy(new PerPacketStrategyFactory(), null);
        engine.addAlgorithm(new LinearRouting(), null);
        engine.addTraceStore(new TraceStore() {
            @Override public String name() { return "counting"; }
            @Override public TraceSink openSink(final Path d, final TraceLevel l, final Map<String, String> h) {
                return sink;
            }
            @Override public TraceReader openReader(final Path d) { throw new UnsupportedOperationException(); }
        }, null);
        final Map<String, Object> config = new HashMap<>();
        config.put("nic", "emulated");
        config.put("dma", "per-packet");
        config.put("routing", "linear");
        config.put("routes", routes.toString());
        config.put("seed", "7");
        config.put("trace.store", "counting");
        config.put("trace.dir", dir.resolve("trace").toString());
        config.put("trace.level", "packet");
        config.put("service.pid", "routerlab.router");
        engine.activate(null, config);
    }

    @Test
    void shouldRecordEveryPacketItsVerdictAndItsCompletion() throws Exception {
        engine.start(new RunLimits(0, 100_000), Map.of("traffic.bad", "0.1", "traffic.unrouted", "0.05",
                "trace.snap", "48"));
        assertTrue(engine.awaitFinished(Duration.ofSeconds(60)));
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), s::error);
        assertEquals(s.packetsRx(), sink.packetRecords);
        assertEquals(s.packetsRx(), sink.burstPackets);
        assertEquals(s.packetsTx(), sink.forwarded);
        for (final DropReason r : DropReason.values()) {
            assertEquals((long) s.drops().get(r.key()), sink.drops[r.id()], r.key());
        }
        assertEquals(s.packetsTx(), sink.completions, "every transmitted frame completes");
        assertEquals(s.packetsTx(), sink.latencies, "the emulated NIC stamps rx and carries it to completion");
        assertTrue(sink.platformMaps > 0 && sink.maxRxRing > 0);
        assertEquals(48, sink.snap);
    }

    @Test
    void shouldNotAllocatePerPacketWhenTracingPackets() throws Exception {
        final var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        engine.start(RunLimits.unlimited(), Map.of("traffic.bad", "0.1", "packet.size", "60", "trace.snap", "64"));
        try {
            final Thread forwarding = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("routerlab-forwarding")).findFirst().orElseThrow();
            awaitPackets(300_000);
            final long rx0 = engine.status().packetsRx();
            final long bytes0 = threads.getThreadAllocatedBytes(forwarding.threadId());
            awaitPackets(rx0 + 1_000_000);
            final long bytes1 = threads.getThreadAllocatedBytes(forwarding.threadId());
            assertTrue(bytes1 - bytes0 < 64 * 1024, () -> "forwarding thread allocated " + (bytes1 - bytes0)
                    + " bytes over " + (engine.status().packetsRx() - rx0) + " packets at trace.level=packet");
        } finally {
            engine.stop();
            engine.awaitFinished(Duration.ofSeconds(10));
        }
    }

    private void awaitPackets(final long packets) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (engine.status().packetsRx() < packets) {
            assertTrue(System.nanoTime() < deadline, "no progress");
            Thread.sleep(5);
        }
    }
}
