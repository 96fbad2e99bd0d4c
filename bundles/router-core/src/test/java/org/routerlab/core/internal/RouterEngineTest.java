package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.dma.perpacket.internal.PerPacketStrategyFactory;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

class RouterEngineTest {
    @TempDir
    Path dir;

    private RouterEngine engine;
    private Path routes;

    @BeforeEach
    void setUp() throws Exception {
        routes = dir.resolve("test.routes");
        Files.writeString(routes, """
                # gateways on both ports, one more-specific, one blackhole, one unreachable
                172.16.0.0/12 via 10.0.0.2
                172.16.5.0/24 via 10.1.0.2 dev p1
                198.51.100.0/24 via 10.1.0.2 proto static metric 10
                blackhole 192.0.2.0/24
                unreachable 203.0.113.0/24
                """);
        engine = new RouterEngine();
        engine.home(dir);
        engine.addNic(new EmulatedNicBackend(), null);
        engine.addStrategy(new PerPacketStrategyFactory(), null);
        engine.addAlgorithm(new LinearRouting(), null);
        final Map<String, Object> config = new HashMap<>();
        config.put("nic", "emulated");
        config.put("dma", "per-packet");
        config.put("routing", "linear");
        config.put("routes", routes.toString());
        config.put("ports", "p0=10.0.0.1/24,p1=10.1.0.1/24");
        config.put("seed", "7");
        config.put("service.pid", "routerlab.router");
        engine.activate(null, config);
    }

    private RouterStatus runPackets(final long packets, final Map<String, String> overrides) throws Exception {
        engine.start(new RunLimits(0, packets), overrides);
        assertTrue(engine.awaitFinished(Duration.ofSeconds(60)), "run did not finish");
        final RouterStatus status = engine.status();
        assertEquals(EngineState.FINISHED, status.state(), () -> "error: " + status.error());
        return status;
    }

    @Test
    void shouldAccountForEveryPacketAndLeakNothing() throws Exception {
        final RouterStatus s = runPackets(200_000, Map.of("traffic.bad", "0.1", "traffic.unrouted", "0.05"));
        assertEquals(200_000, s.packetsOffered());
        assertEquals(200_000, s.packetsRx(), "every offered packet is received (refill keeps up)");
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops(), "rx = tx + drops");
        assertEquals(0, s.buffersOutstanding());
        assertEquals(0, s.liveMappings());
        assertEquals(s.platform().get("dma_maps"), s.platform().get("dma_unmaps"));
        assertEquals(s.platform().get("buffer_allocs"), s.platform().get("buffer_frees"));
        assertEquals(0, s.platform().get("dma_faults"));
        for (final String reason : new String[] {"bad-checksum", "ttl-exceeded", "bad-header", "not-ipv4",
                "no-route", "blackhole", "unreachable"}) {
            assertTrue(s.drops().get(reason) > 0, () -> reason + " drops expected: " + s.drops());
        }
        assertEquals(0, s.drops().get("tx-full"));
        assertEquals(0, s.drops().get("dma-error"));
        // per-packet: one rx mapping per received packet, one tx mapping per transmitted one
        final long rxMappings = s.platform().get("dma_maps") - s.packetsTx();
        assertTrue(rxMappings >= s.packetsRx(), "an rx mapping for every received packet");
        final long portTx = s.ports().values().stream().mapToLong(m -> m.get("tx_packets")).sum();
        assertEquals(s.packetsTx(), portTx, "ports transmitted what the engine sent");
    }

    @Test
    void shouldBeReproducibleWithAFixedSeed() throws Exception {
        final RouterStatus a = runPackets(50_000, Map.of("traffic.bad", "0.2"));
        final RouterStatus b = runPackets(50_000, Map.of("traffic.bad", "0.2"));
        assertEquals(a.packetsTx(), b.packetsTx());
        assertEquals(a.drops(), b.drops());
        assertEquals(a.platform().get("dma_maps"), b.platform().get("dma_maps"));
        final RouterStatus c = runPackets(50_000, Map.of("traffic.bad", "0.2", "seed", "8"));
        assertTrue(!a.drops().equals(c.drops()) || a.packetsTx() != c.packetsTx(), "another seed, other traffic");
    }

    @Test
    void shouldRunForADuration() throws Exception {
        engine.start(new RunLimits(Duration.ofMillis(300).toNanos(), 0), Map.of());
        assertTrue(engine.awaitFinished(Duration.ofSeconds(10)));
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state());
        assertTrue(s.packetsRx() > 1000, "forwarded something: " + s.packetsRx());
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
        assertEquals(0, s.liveMappings());
        assertTrue(s.wallNanos() >= Duration.ofMillis(300).toNanos());
    }

    @Test
    void shouldLeaveNoReceivedFrameInTheRingsWhenAnOverloadedRunEnds() throws Exception {
        // 20 Mpps a port is more than this loop forwards: every poll finds the device has filled more descriptors
        // than one burst takes, so the rings hold received frames when the clock runs out. They are forwarded, not
        // left with their buffers in the rings.
        engine.start(new RunLimits(Duration.ofMillis(300).toNanos(), 0), Map.of("rate", "20000000"));
        assertTrue(engine.awaitFinished(Duration.ofSeconds(10)));
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        assertTrue(s.ports().values().stream().mapToLong(m -> m.get("rx_missed")).sum() > 0, "overloaded");
        assertEquals(0, s.buffersOutstanding(), "buffers left in the rings");
        assertEquals(0, s.liveMappings());
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
        assertEquals(s.platform().get("buffer_allocs"), s.platform().get("buffer_frees"));
    }

    @Test
    void shouldStopOnRequest() throws Exception {
        engine.start(RunLimits.unlimited(), Map.of());
        assertEquals(EngineState.RUNNING, engine.state());
        assertThrows(IllegalStateException.class, () -> engine.start(RunLimits.unlimited(), Map.of()));
        engine.stop();
        assertTrue(engine.awaitFinished(Duration.ofSeconds(10)));
        assertEquals(EngineState.FINISHED, engine.state());
        assertEquals(0, engine.status().buffersOutstanding());
    }

    @Test
    void shouldRejectUnknownPluginNamesWithTheAvailableOnes() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.start(RunLimits.unlimited(), Map.of("dma", "no-such-strategy")));
        assertEquals("dma=no-such-strategy: no such DMA strategy is registered (available: per-packet)",
                e.getMessage());
        assertEquals(EngineState.IDLE, engine.state());
    }

    @Test
    void shouldRejectUnknownKeysAndBadValues() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> engine.start(RunLimits.unlimited(), Map.of("packet.szie", "64"))).getMessage()
                .startsWith("unknown setting 'packet.szie'"));
        assertEquals("burst=0 must be in 1..256", assertThrows(IllegalArgumentException.class,
                () -> engine.start(RunLimits.unlimited(), Map.of("burst", "0"))).getMessage());
        assertEquals("packet.size=20 must be in 60..1514", assertThrows(IllegalArgumentException.class,
                () -> engine.start(RunLimits.unlimited(), Map.of("packet.size", "20"))).getMessage());
    }

    @Test
    void shouldRejectAMalformedRouteFileWithFileAndLine() throws Exception {
        final Path bad = dir.resolve("bad.routes");
        Files.writeString(bad, "10.9.0.0/16 via 10.0.0.2\n10.8.0.0/33 via 10.0.0.2\n");
        final RouteFileException e = assertThrows(RouteFileException.class,
                () -> engine.start(RunLimits.unlimited(), Map.of("routes", bad.toString())));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith(bad + ":2: "), e.getMessage());
        assertEquals(EngineState.IDLE, engine.state());
    }

    @Test
    void shouldRejectARouteThroughAPortThatDoesNotExist() throws Exception {
        final Path bad = dir.resolve("dev.routes");
        Files.writeString(bad, "10.9.0.0/16 via 10.0.0.2 dev p7\n");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.start(RunLimits.unlimited(), Map.of("routes", bad.toString())));
        assertEquals("routes: 'dev p7' is not a port (ports: [p0, p1])", e.getMessage());
    }

    @Test
    void shouldForwardEveryFrameSizeAndBurst() throws Exception {
        for (final String size : new String[] {"60", "64", "128", "1514"}) {
            for (final String burst : new String[] {"1", "32", "256"}) {
                final RouterStatus s = runPackets(5_000, Map.of("packet.size", size, "burst", burst));
                assertEquals(5_000, s.packetsRx(), size + "/" + burst);
                assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
                assertEquals(Long.parseLong(size) * s.packetsTx(), s.bytesTx());
                assertEquals(0, s.liveMappings());
            }
        }
    }

    @Test
    void shouldNotAllocatePerPacketOnTheForwardingThread() throws Exception {
        final var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        engine.start(RunLimits.unlimited(), Map.of("traffic.bad", "0.1", "traffic.unrouted", "0.05"));
        try {
            final Thread forwarding = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("routerlab-forwarding")).findFirst().orElseThrow();
            awaitPackets(500_000);
            final long rx0 = engine.status().packetsRx();
            final long bytes0 = threads.getThreadAllocatedBytes(forwarding.threadId());
            awaitPackets(rx0 + 2_000_000);
            final long bytes1 = threads.getThreadAllocatedBytes(forwarding.threadId());
            final long packets = engine.status().packetsRx() - rx0;
            assertTrue(bytes1 - bytes0 < 64 * 1024, () -> "forwarding thread allocated " + (bytes1 - bytes0)
                    + " bytes over " + packets + " packets");
        } finally {
            engine.stop();
            engine.awaitFinished(Duration.ofSeconds(10));
        }
    }

    private void awaitPackets(final long packets) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (engine.status().packetsRx() < packets) {
            assertTrue(System.nanoTime() < deadline, "no progress");
            Thread.onSpinWait();
        }
    }

    @Test
    void shouldApplyRouteUpdatesWhileForwardingWithoutLosingAPacket() throws Exception {
        engine.start(new RunLimits(0, 3_000_000), Map.of("rate", "500000"));
        try {
            awaitPackets(200_000);
            final int dst = org.routerlab.api.packet.Ipv4Address.parse("172.16.5.77");
            assertEquals("10.1.0.2", engine.lookup(dst).describe());
            for (int round = 0; round < 20; round++) {
                final var r = engine.updateRoutes(List.of(
                        org.routerlab.api.route.RouteUpdateParser.parseLine("withdraw 172.16.5.0/24"),
                        org.routerlab.api.route.RouteUpdateParser.parseLine("add 172.17.0.0/16 via 10.1.0.2")));
                assertEquals(1, r.withdrawn() + r.ignored());
                assertEquals("10.0.0.2", engine.lookup(dst).describe(), "withdrawal exposes the /12");
                engine.updateRoutes(List.of(
                        org.routerlab.api.route.RouteUpdateParser.parseLine("add 172.16.5.0/24 via 10.1.0.2")));
                assertEquals("10.1.0.2", engine.lookup(dst).describe());
            }
            final Path other = dir.resolve("other.routes");
            Files.writeString(other, "0.0.0.0/0 via 10.1.0.2\n");
            final var replaced = engine.replaceRoutes(other);
            assertEquals(3, replaced.routes(), "default + two connected");
            assertEquals("10.1.0.2", engine.lookup(org.routerlab.api.packet.Ipv4Address.parse("8.8.8.8")).describe());
        } finally {
            assertTrue(engine.awaitFinished(Duration.ofSeconds(60)));
        }
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> String.valueOf(s.error()));
        final long missed = s.ports().values().stream().mapToLong(m -> m.get("rx_missed")).sum();
        assertEquals(3_000_000, s.packetsRx() + missed, "offered = rx + rx_missed");
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops(), "rx = tx + drops across 41 table swaps");
        assertEquals(0, s.liveMappings());
        assertEquals(0, s.drops().get("bad-next-hop"));
    }

    @Test
    void shouldRefuseRouteUpdatesWhenNotRunning() {
        assertThrows(IllegalStateException.class, () -> engine.updateRoutes(List.of()));
    }
}
