package org.routerlab.nic.afxdp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.core.internal.EngineHarness;

/**
 * The real engine on real interfaces: hosts in network namespaces talk through the Java router (ping with no
 * static neighbours, traceroute, iperf3 TCP and UDP), malformed frames are dropped by reason, the kernel's counters
 * agree with the router's, every strategy keeps the accounting invariants, and the backend unloads cleanly so that a
 * second run starts on the same interfaces. Skips loudly only when AF_XDP or BPF is unavailable.
 */
class AfXdpEndToEndTest {
    private static Topology topology;

    @TempDir
    Path home;

    @BeforeAll
    static void setUp() throws Exception {
        final String reason = Topology.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "AF_XDP TESTS SKIPPED: " + reason);
        topology = Topology.create();
    }

    @AfterAll
    static void tearDown() {
        if (topology != null) {
            topology.close();
        }
    }

    private EngineHarness engine() {
        return engine(new AfXdpNicBackend());
    }

    private EngineHarness engine(final AfXdpNicBackend backend) {
        return new EngineHarness(home, null, Topology.PORTS, backend,
                new org.routerlab.dma.batch16.internal.Batch16StrategyFactory(),
                new org.routerlab.dma.premapped.internal.PremappedReuseFactory(),
                new org.routerlab.dma.recycle.internal.RecycleStrategyFactory());
    }

    private void start(final EngineHarness engine, final String dma) throws Exception {
        start(engine, Map.of("dma", dma));
    }

    private void start(final EngineHarness engine, final Map<String, String> config) throws Exception {
        topology.inside(topology.r, () -> {
            engine.start(new RunLimits(Duration.ofSeconds(120).toNanos(), 0), config);
            return null;
        });
        assertEquals(EngineState.RUNNING, engine.status().state(), () -> String.valueOf(engine.status().error()));
    }

    /** Waits (at most 5 s) until the router has taken in everything sent: its r1 receive count stops moving. */
    private static void awaitQuiet(final EngineHarness engine) throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long last = -1;
        long now = engine.status().ports().get("r1").get("rx_packets");
        while (now != last && System.nanoTime() < deadline) {
            Thread.sleep(50);
            last = now;
            now = engine.status().ports().get("r1").get("rx_packets");
        }
    }

    private static RouterStatus stop(final EngineHarness engine) throws Exception {
        engine.stop();
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> String.valueOf(s.error()));
        return s;
    }

    private static long ports(final RouterStatus s, final String key) {
        return s.ports().values().stream().mapToLong(m -> m.get(key)).sum();
    }

    private static void assertAccounted(final RouterStatus s) {
        final String where = s.dma() + " " + s.platform() + " " + s.ports();
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops(), "rx = tx + drops: " + where);
        assertEquals(s.packetsRx(), ports(s, "rx_packets"), where);
        assertEquals(s.packetsTx(), ports(s, "tx_packets"), where);
        assertEquals(0, s.buffersOutstanding(), where);
        assertEquals(0, s.liveMappings(), where);
        assertEquals(s.platform().get("buffer_allocs"), s.platform().get("buffer_frees"), where);
        assertEquals(s.platform().get("dma_maps"), s.platform().get("dma_unmaps"), where);
        assertEquals(0, ports(s, "rx_dma_faults") + ports(s, "tx_dma_faults"), where);
    }

    @Test
    void shouldRouteBetweenRealHostsAndUnloadCleanly() throws Exception {
        final long r1RxBefore = topology.counter(topology.r, "r1", "rx_packets");
        final long r2TxBefore = topology.counter(topology.r, "r2", "tx_packets");
        final EngineHarness engine = engine();
        start(engine, "per-packet");
        final List<AfXdpPort> ports = new ArrayList<>();
        try {
            assertTrue(topology.xdpAttached(topology.r, "r1"), "program attached while running");
            // No static neighbours anywhere: the hosts ARP for the router, the router ARPs for host B.
            final Topology.Result ping = topology.tryIn(topology.a, 20, "ping", "-c", "5", "-i", "0.2", "-W", "2",
                    Topology.B_ADDRESS);
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
            assertTrue(ping.output().contains("ttl=63"), "one router hop: " + ping.output());
            final Topology.Result pingRouter = topology.tryIn(topology.b, 20, "ping", "-c", "2", "-i", "0.2", "-W",
                    "2", Topology.ROUTER_B);
            assertTrue(pingRouter.output().contains(" 0% packet loss"), pingRouter.output());
            final Topology.Result trace = topology.tryIn(topology.a, 30, "traceroute", "-n", "-q", "1", "-w", "1",
                    "-m", "4", Topology.B_ADDRESS);
            assertTrue(Pattern.compile("(?m)^ 1\\s+" + Pattern.quote(Topology.ROUTER_A)).matcher(trace.output()).find(),
                    "traceroute shows the router: " + trace.output());
            assertTrue(Pattern.compile("(?m)^ 2\\s+" + Pattern.quote(Topology.B_ADDRESS)).matcher(trace.output()).find(),
                    trace.output());
            final Topology.Result unreachable = topology.tryIn(topology.a, 10, "ping", "-c", "1", "-W", "2",
                    "192.0.2.1");
            assertTrue(unreachable.output().contains("Unreachable"), "no route: ICMP unreachable: "
                    + unreachable.output());

            // iperf3 TCP and UDP through the router.
            final Process server = topology.spawn(topology.b, "iperf3", "-s", "-1", "-p", "5301");
            topology.awaitListening(topology.b, 5301);
            final Topology.Result tcp = topology.tryIn(topology.a, 30, "iperf3", "-c", Topology.B_ADDRESS, "-p",
                    "5301", "-t", "3", "-J");
            server.waitFor();
            final long retransmits = jsonLong(tcp.output(), "retransmits");
            final double bps = jsonDouble(tcp.output(), "bits_per_second");
            final long packets = (long) (bps * 3 / 8 / 1448);
            System.out.println("iperf3 TCP: " + bps / 1e6 + " Mbit/s, " + retransmits + " retransmits; " + engine.status().ports()
                    + " " + engine.status().drops());
            assertTrue(bps > 1e6, "TCP goes through: " + tcp.output());
            assertTrue(retransmits <= Math.max(50, packets / 100), "no retransmission storm: " + retransmits
                    + " retransmits for ~" + packets + " segments");
            final Process udpServer = topology.spawn(topology.b, "iperf3", "-s", "-1", "-p", "5302");
            topology.awaitListening(topology.b, 5302);
            final Topology.Result udp = topology.tryIn(topology.a, 30, "iperf3", "-c", Topology.B_ADDRESS, "-p",
                    "5302", "-u", "-b", "50M", "-t", "2", "-J");
            udpServer.waitFor();
            assertTrue(jsonDouble(udp.output(), "lost_percent") < 5, udp.output());

            // Malformed and expiring frames, sent raw from host A: each dropped with its reason.
            final RouterStatus before = engine.status();
            final List<byte[]> bad = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                bad.add(frame(60, 1, false, 0));     // TTL 1: ttl-exceeded (and an ICMP time exceeded)
                bad.add(frame(60, 64, true, 0));     // header checksum wrong
                bad.add(frame(60, 64, false, 30));   // truncated: 30 bytes
                bad.add(frame(60, 64, false, -1));   // IPv4 total length beyond the frame
            }
            topology.inside(topology.a, () -> {
                TrafficTool.sendFrames("a0", bad);
                return null;
            });
            // The router counts them when it polls: wait until the three reasons below hold 30 (or 10 s).
            final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                final RouterStatus now = engine.status();
                if (delta(before, now, "ttl-exceeded") + delta(before, now, "bad-checksum")
                        + delta(before, now, "too-short") >= 30) {
                    break;
                }
                Thread.sleep(10);
            }
            final RouterStatus after = engine.status();
            assertEquals(10, delta(before, after, "ttl-exceeded"), after.drops().toString());
            assertEquals(10, delta(before, after, "bad-checksum"), after.drops().toString());
            assertEquals(10, delta(before, after, "too-short"), after.drops().toString());
            assertEquals(10, delta(before, after, "bad-header"), after.drops().toString());
        } finally {
            final RouterStatus s = stop(engine);
            assertAccounted(s);
            assertFalse(topology.xdpAttached(topology.r, "r1"), "nothing attached after the run");
            assertFalse(topology.xdpAttached(topology.r, "r2"), "nothing attached after the run");
            // The kernel saw what the router saw: every frame the veth delivered was received or counted missed,
            // every frame the router sent (forwarded or its own) left through the veth.
            final long r1Rx = topology.counter(topology.r, "r1", "rx_packets") - r1RxBefore;
            final Map<String, Long> p1 = s.ports().get("r1");
            assertEquals(r1Rx, p1.get("rx_packets") + p1.get("rx_missed"), "kernel r1 rx vs router " + p1);
            final long r2Tx = topology.counter(topology.r, "r2", "tx_packets") - r2TxBefore;
            final Map<String, Long> p2 = s.ports().get("r2");
            assertTrue(r2Tx >= p2.get("tx_packets"), "kernel r2 tx " + r2Tx + " vs router " + p2);
            // The backend's own counters reach the status (and so the summary and --json): it answered host B's
            // pings, ARPed for host B, sent time-exceeded and unreachable, and read XDP_STATISTICS.
            assertTrue(p2.get("icmp_echo_replies") >= 2, p2.toString());
            assertTrue(p1.get("icmp_time_exceeded") >= 1, p1.toString());
            assertTrue(p1.get("icmp_unreachable") >= 1, p1.toString());
            assertTrue(p2.get("arp_requests_sent") >= 1, p2.toString());
            assertEquals(p1.get("rx_missed"), p1.get("xdp_rx_dropped") + p1.get("xdp_rx_ring_full")
                    + p1.get("rx_discarded_at_reclaim"), p1.toString());
        }
        // A second run on the same interfaces.
        final EngineHarness again = engine();
        start(again, "per-packet");
        try {
            final Topology.Result ping = topology.tryIn(topology.a, 20, "ping", "-c", "2", "-i", "0.2", "-W", "2",
                    Topology.B_ADDRESS);
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
        } finally {
            assertAccounted(stop(again));
        }
    }

    @Test
    void shouldRunEveryStrategyWithinTheInvariants() throws Exception {
        for (final String dma : List.of("premapped-reuse", "batch-16", "recycle", "per-packet")) {
            final EngineHarness engine = engine();
            start(engine, dma);
            final RouterStatus s;
            final long rxBefore;
            try {
                final Topology.Result ping = topology.tryIn(topology.a, 20, "ping", "-c", "2", "-i", "0.2", "-W",
                        "2", Topology.B_ADDRESS);
                assertTrue(ping.output().contains(" 0% packet loss"), dma + ": " + ping.output());
                rxBefore = topology.counter(topology.r, "r1", "rx_packets");
                topology.inside(topology.a, () -> TrafficTool.generate("a0", Topology.R1_MAC,
                        TrafficTool.parseIp(Topology.A_ADDRESS), TrafficTool.parseIp(Topology.B_ADDRESS), 60, 16, 0,
                        20_000, 10_000, false));
                awaitQuiet(engine);
            } finally {
                s = stop(engine);
            }
            assertAccounted(s);
            // Under load (2 shared cores) the router may miss frames, but every one is accounted for by the kernel.
            final long offered = topology.counter(topology.r, "r1", "rx_packets") - rxBefore;
            final Map<String, Long> r1 = s.ports().get("r1");
            assertTrue(offered >= 10_000, dma + ": the kernel delivered " + offered);
            // (How much gets through depends on the CPU the forwarding thread gets; the benchmark measures that.)
            assertTrue(s.packetsTx() > 0, dma + " forwarded " + s.packetsTx() + " of " + offered + " "
                    + s.drops() + " " + s.ports());
            assertTrue(r1.get("rx_packets") + r1.get("rx_missed") >= offered, dma + ": " + offered + " " + r1);
            final boolean shared = dma.equals("premapped-reuse") || dma.equals("recycle");
            if (shared) {
                assertEquals(0, s.platform().get("copies"), dma + " forwards in place in one UMEM");
            } else {
                assertTrue(s.platform().get("copies") >= s.packetsTx(), dma + " copies into the egress UMEM: "
                        + s.platform());
            }
        }
    }

    @Test
    void shouldKeepForwardingAcrossHotSwapsOfTheStrategy() throws Exception {
        final EngineHarness engine = engine();
        // A shared UMEM: every strategy runs on it without copies. A swap is make-before-break, so the UMEM must
        // hold the old strategy's pool and the new one's at once: premapped-reuse's two rings of 4096 per port
        // next to another strategy's ring (the default, 2 rings + own frames + 512, refuses the swap back to it).
        start(engine, Map.of("dma", "premapped-reuse", "nic.frames", Integer.toString(4 * 4096 + 256 + 512)));
        final RouterStatus s;
        try {
            // Neighbours first (first contact is shouldRouteBetweenRealHostsAndUnloadCleanly's to check; here it
            // lost the first echo once in CI on a fresh start): this test is about what the swaps do.
            topology.tryIn(topology.a, 20, "ping", "-c", "2", "-i", "0.2", "-W", "2", Topology.B_ADDRESS);
            for (final String dma : List.of("per-packet", "batch-16", "recycle", "premapped-reuse")) {
                final Topology.Result ping = topology.tryIn(topology.a, 20, "ping", "-c", "3", "-i", "0.2", "-W",
                        "2", Topology.B_ADDRESS);
                assertTrue(ping.output().contains(" 0% packet loss"), "before swapping to " + dma + ": "
                        + ping.output());
                engine.swap("dma", dma);
            }
            final Topology.Result ping = topology.tryIn(topology.a, 20, "ping", "-c", "3", "-i", "0.2", "-W", "2",
                    Topology.B_ADDRESS);
            assertTrue(ping.output().contains(" 0% packet loss"), "after the swaps: " + ping.output());
        } finally {
            s = stop(engine);
        }
        assertEquals(4, s.swaps().size(), () -> String.valueOf(s.swaps()));
        for (final org.routerlab.api.engine.SwapRecord swap : s.swaps()) {
            assertTrue(swap.ok(), () -> "refused or failed: " + swap);
        }
        assertAccounted(s);
    }

    /**
     * nic.busy.poll=on: the sockets carry the busy-poll options (read back with getsockopt), the devices' NAPI
     * deferral is set while the router runs and restored after, the forwarding thread busy-polls each device's NAPI
     * (the kernel counts BusyPollRxPackets in the router's namespace), and the router still routes.
     */
    @Test
    void shouldBusyPollTheNapiFromTheForwardingThread() throws Exception {
        try {
            NapiPoller.open(new int[0], 10).close();
        } catch (NativeException e) {
            Assumptions.abort("BUSY POLL TEST SKIPPED: io_uring NAPI busy polling with static tracking unavailable "
                    + "(Linux 6.13+, kernel.io_uring_disabled=0): " + e.getMessage());
        }
        final AfXdpNicBackend backend = new AfXdpNicBackend();
        final EngineHarness engine = engine(backend);
        final long busyBefore = busyPollRxPackets();
        topology.inside(topology.r, () -> {
            engine.start(new RunLimits(Duration.ofSeconds(120).toNanos(), 0), Map.of("dma", "premapped-reuse",
                    "nic.xdp.mode", "drv", "nic.busy.poll", "on"));
            return null;
        });
        assertEquals(EngineState.RUNNING, engine.status().state(), () -> String.valueOf(engine.status().error()));
        final RouterStatus s;
        try {
            final AfXdpSession session = backend.sessions().iterator().next();
            final MemorySegment state = Native.newCallState();
            for (final AfXdpPort p : session.afxdpPorts()) {
                assertEquals(10, p.socket().socketOption(Native.SO_BUSY_POLL, state), p.info().name());
                assertEquals(1, p.socket().socketOption(Native.SO_PREFER_BUSY_POLL, state), p.info().name());
                assertEquals("2", sysfs(p.info().name(), "napi_defer_hard_irqs"));
                assertEquals("200000", sysfs(p.info().name(), "gro_flush_timeout"));
            }
            final Topology.Result ping = topology.tryIn(topology.a, 20, "ping", "-c", "5", "-i", "0.2", "-W", "2",
                    Topology.B_ADDRESS);
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
            final Process server = topology.spawn(topology.b, "iperf3", "-s", "-1", "-p", "5303");
            topology.awaitListening(topology.b, 5303);
            final Topology.Result tcp = topology.tryIn(topology.a, 30, "iperf3", "-c", Topology.B_ADDRESS, "-p",
                    "5303", "-t", "2", "-J");
            server.waitFor();
            assertTrue(jsonDouble(tcp.output(), "bits_per_second") > 1e6, "TCP goes through: " + tcp.output());
            final Map<String, Long> r1 = engine.status().ports().get("r1");
            assertTrue(r1.get("busy_polls") > 0, r1.toString());
            assertTrue(r1.get("busy_poll_napi_id") > 0, r1.toString());
            assertTrue(busyPollRxPackets() > busyBefore, "the kernel counted frames received by busy polling");
        } finally {
            s = stop(engine);
        }
        assertAccounted(s);
        assertEquals("0", sysfs("r1", "napi_defer_hard_irqs"), "restored at close");
        assertEquals("0", sysfs("r1", "gro_flush_timeout"), "restored at close");
        assertFalse(topology.xdpAttached(topology.r, "r1"), "nothing attached after the run");
    }

    private static String sysfs(final String dev, final String attribute) throws Exception {
        return topology.tryIn(topology.r, 10, "cat", "/sys/class/net/" + dev + "/" + attribute).output().strip();
    }

    /** TcpExt BusyPollRxPackets of the router's namespace. */
    private static long busyPollRxPackets() throws Exception {
        final String[] lines = topology.tryIn(topology.r, 10, "cat", "/proc/net/netstat").output().split("\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                final List<String> keys = List.of(lines[i].trim().split("\\s+"));
                final String[] values = lines[i + 1].trim().split("\\s+");
                final int k = keys.indexOf("BusyPollRxPackets");
                return k < 0 ? -1 : Long.parseLong(values[k]);
            }
        }
        return -1;
    }

    @Test
    void shouldDetachEverythingWhenTheBundleStopsWhileForwarding() throws Exception {
        final AfXdpNicBackend backend = new AfXdpNicBackend();
        final EngineHarness engine = engine(backend);
        start(engine, "per-packet");
        try {
            final Topology.Result ping = topology.tryIn(topology.a, 20, "ping", "-c", "2", "-i", "0.2", "-W", "2",
                    Topology.B_ADDRESS);
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
            backend.deactivate(); // the bundle stops under a running engine
            assertFalse(topology.xdpAttached(topology.r, "r1") || topology.xdpAttached(topology.r, "r2"),
                    "detached at bundle stop");
            final Topology.Result after = topology.tryIn(topology.a, 10, "ping", "-c", "1", "-W", "1",
                    Topology.B_ADDRESS);
            assertTrue(after.output().contains("100% packet loss"), "nothing forwards any more: " + after.output());
        } finally {
            engine.stop();
        }
        assertEquals(EngineState.FINISHED, engine.status().state(), () -> String.valueOf(engine.status().error()));
    }

    private static long delta(final RouterStatus before, final RouterStatus after, final String reason) {
        return after.drops().getOrDefault(reason, 0L) - before.drops().getOrDefault(reason, 0L);
    }

    /** A UDP frame from host A to host B: {@code truncateTo} > 0 cuts it, -1 claims a too long total length. */
    private static byte[] frame(final int size, final int ttl, final boolean badChecksum, final int truncateTo) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment m = arena.allocate(size);
            TrafficTool.udpFrame(m, 0, Topology.A_MAC, Topology.R1_MAC, TrafficTool.parseIp(Topology.A_ADDRESS),
                    TrafficTool.parseIp(Topology.B_ADDRESS), 4000, 4001, size);
            Frames.u8(m, 14 + 8, ttl);
            if (truncateTo == -1) {
                Frames.u16(m, 14 + 2, 1000);
            }
            Frames.u16(m, 14 + 10, 0);
            final int sum = org.routerlab.api.packet.Checksums.internetChecksum(m, 14, 20);
            Frames.u16(m, 14 + 10, badChecksum ? sum ^ 0x5555 : sum);
            final byte[] b = m.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            return truncateTo > 0 ? java.util.Arrays.copyOf(b, truncateTo) : b;
        }
    }

    private static long jsonLong(final String json, final String key) {
        final Matcher m = Pattern.compile("\"" + key + "\":\\s*(\\d+)").matcher(json);
        long last = -1;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }

    private static double jsonDouble(final String json, final String key) {
        final Matcher m = Pattern.compile("\"" + key + "\":\\s*([0-9.eE+-]+)").matcher(json);
        double last = -1;
        while (m.find()) {
            last = Double.parseDouble(m.group(1));
        }
        return last;
    }
}
