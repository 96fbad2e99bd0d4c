package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.packet.PacketView;
import org.routerlab.core.internal.EngineHarness;

/**
 * The real engine, the per-packet strategy and the binary trie over the ixgbevf model, every profile: the accounting
 * invariants after every run, determinism, what each profile must cost, and broken strategies caught by the fault
 * model.
 */
class EngineEndToEndTest {
    static final String[] PROFILES = {"paper", "xen-pv", "iommu-strict", "iommu-lazy", "kvm-viommu", "none"};

    @TempDir
    Path dir;

    private final RecordingBackend backend = new RecordingBackend();
    private EngineHarness engine;

    @BeforeEach
    void setUp() throws Exception {
        final Path routes = dir.resolve("test.routes");
        Files.writeString(routes, """
                172.16.0.0/12 via 10.0.0.2
                172.16.5.0/24 via 10.1.0.2 dev p1
                198.51.100.0/24 via 10.1.0.2 proto static metric 10
                blackhole 192.0.2.0/24
                unreachable 203.0.113.0/24
                """);
        engine = new EngineHarness(dir, routes, backend, BrokenStrategies.factory(BrokenStrategies.Bug.RX_NOT_MAPPED),
                BrokenStrategies.factory(BrokenStrategies.Bug.RX_UNMAPPED_EARLY),
                BrokenStrategies.factory(BrokenStrategies.Bug.TX_NOT_MAPPED),
                BrokenStrategies.factory(BrokenStrategies.Bug.TX_UNMAPPED_EARLY),
                new org.routerlab.dma.batch16.internal.Batch16StrategyFactory(),
                new org.routerlab.dma.premapped.internal.PremappedReuseFactory());
    }

    private RouterStatus run(final long packets, final String... settings) throws Exception {
        final Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            overrides.put(settings[i], settings[i + 1]);
        }
        return engine.runPackets(packets, overrides);
    }

    private static long platform(final RouterStatus s, final String key) {
        return s.platform().get(key);
    }

    private static long ports(final RouterStatus s, final String key) {
        return s.ports().values().stream().mapToLong(m -> m.get(key)).sum();
    }

    private static long hypercalls(final RouterStatus s) {
        return platform(s, "hypercalls_memory_exchange") + platform(s, "hypercalls_mmu_update")
                + platform(s, "hypercalls_grant_table_op") + platform(s, "hypercalls_multicall");
    }

    /** The invariants every correct run keeps. */
    private void assertAccounted(final RouterStatus s, final long offered) {
        final String where = s.nic() + "/" + s.dma() + " " + s.platform() + " " + s.ports();
        assertEquals(offered, s.packetsOffered(), where);
        assertEquals(s.packetsOffered(), s.packetsRx() + ports(s, "rx_missed"), "offered = rx + rx_missed: " + where);
        assertEquals(s.packetsRx(), ports(s, "rx_packets"), where);
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops(), "rx = tx + drops: " + where);
        assertEquals(s.packetsTx(), ports(s, "tx_packets"), where);
        assertEquals(platform(s, "dma_maps"), platform(s, "dma_unmaps"), "every map has its unmap: " + where);
        assertEquals(0, s.liveMappings(), where);
        assertEquals(platform(s, "buffer_allocs"), platform(s, "buffer_frees"), where);
        assertEquals(0, s.buffersOutstanding(), where);
        assertEquals(0, platform(s, "dma_faults"), "no DMA fault in correct operation: " + where);
        assertEquals(0, ports(s, "rx_dma_faults") + ports(s, "tx_dma_faults"), where);
        assertEquals(0, platform(s, "dma_map_failures"), where);
        assertEquals(0, backend.last().leakedAtClose(), "buffers neither in a ring, in flight nor free");
        assertEquals(0, backend.last().model().swiotlb().usedSlots(), "every bounce slot released");
        assertTrue(s.modeledNanos() > 0, where);
    }

    @Test
    void shouldKeepTheAccountingInvariantsUnderEveryProfile() throws Exception {
        for (final String profile : PROFILES) {
            final RouterStatus s = run(30_000, "profile", profile, "traffic.bad", "0.1", "traffic.unrouted", "0.05");
            assertAccounted(s, 30_000);
            assertEquals(0, ports(s, "rx_missed"), "asap traffic and a per-packet refill never miss");
            assertTrue(s.drops().get("bad-checksum") > 0 && s.drops().get("no-route") > 0, profile);
        }
    }

    @Test
    void shouldRunTheOtherStrategiesWithinTheInvariants() throws Exception {
        for (final String profile : new String[] {"xen-pv", "iommu-strict", "iommu-lazy", "none"}) {
            final RouterStatus batch = run(20_000, "profile", profile, "dma", "batch-16");
            assertAccounted(batch, 20_000);
            final long rxTail = ports(batch, "rx_tail_writes");
            assertTrue(rxTail * 16 <= batch.packetsRx() + 2 * 512 && rxTail * 16 >= batch.packetsRx() - 2 * 512,
                    profile + ": ixgbevf's one tail write per 16 rx buffers: " + rxTail);
            final RouterStatus premapped = run(20_000, "profile", profile, "dma", "premapped-reuse");
            assertAccounted(premapped, 20_000);
            assertEquals(batch.drops(), premapped.drops(), profile + ": the same frames, forwarded alike");
            assertTrue(platform(premapped, "dma_maps") <= 2L * 2 * 512, "mapped once, at attach");
            assertTrue(modeledMpps(premapped) > modeledMpps(batch), profile);
        }
    }

    @Test
    void shouldGiveIdenticalCountersForTheSameSeed() throws Exception {
        for (final String profile : new String[] {"paper", "xen-pv", "iommu-lazy"}) {
            final RouterStatus a = run(20_000, "profile", profile, "nic.buffer.stride", "2368", "rate", "3000000");
            final RouterStatus b = run(20_000, "profile", profile, "nic.buffer.stride", "2368", "rate", "3000000");
            assertEquals(a.platform(), b.platform(), profile);
            assertEquals(a.ports(), b.ports(), profile);
            assertEquals(a.drops(), b.drops(), profile);
            assertEquals(a.modeledNanos(), b.modeledNanos(), profile);
            final RouterStatus c = run(20_000, "profile", profile, "nic.buffer.stride", "2368", "rate", "3000000",
                    "seed", "8");
            assertNotEquals(a.drops(), c.drops(), "another seed, other traffic");
        }
    }

    @Test
    void shouldChargeThePaperAHypercallAndABouncePerMappingAndNoneNothing() throws Exception {
        final RouterStatus paper = run(20_000, "profile", "paper");
        final RouterStatus none = run(20_000, "profile", "none");
        final long maps = platform(paper, "dma_maps");
        assertEquals(2 * maps, platform(paper, "hypercalls_grant_table_op"), "one per map, one per unmap");
        assertTrue(platform(paper, "hypercalls_grant_table_op") >= 2.0 * paper.packetsRx());
        assertEquals(maps, platform(paper, "bounces"));
        final long rxMaps = maps - paper.packetsTx();
        assertEquals(2048 * rxMaps + paper.bytesTx(), platform(paper, "bounce_bytes"),
                "rx copies the whole 2048-byte mapping back, tx copies the frame in");
        assertEquals(0, hypercalls(none));
        assertEquals(0, platform(none, "p2m_lookups") + platform(none, "bounces") + platform(none, "iotlb_invalidations"));
        assertEquals(paper.drops(), none.drops(), "bounced frames arrive intact");
        assertTrue(modeledMpps(paper) * 2 < modeledMpps(none), modeledMpps(paper) + " vs " + modeledMpps(none));
    }

    @Test
    void shouldMakeNoHypercallPerPacketUnderXenPvAndBounceOnlyStraddlingBuffers() throws Exception {
        final RouterStatus small = run(10_000, "profile", "xen-pv");
        final RouterStatus large = run(40_000, "profile", "xen-pv");
        assertEquals(hypercalls(small), hypercalls(large), "hypercalls only at boot");
        assertTrue(hypercalls(large) > 0);
        assertEquals(0, platform(large, "bounces"), "2 KiB-aligned buffers never straddle a frame");
        assertEquals(2 * platform(large, "dma_maps"), platform(large, "p2m_lookups"),
                "pfn_to_mfn at map, mfn_to_pfn at unmap");

        final RouterStatus carved = run(40_000, "profile", "xen-pv", "nic.buffer.stride", "2368");
        assertAccounted(carved, 40_000);
        final long bounces = platform(carved, "bounces");
        assertTrue(bounces > 0 && bounces < platform(carved, "dma_maps") / 2, "some buffers straddle: " + bounces);
        assertEquals(large.drops(), carved.drops(), "bounced or not, the same frames");
        final RouterStatus contiguous = run(40_000, "profile", "xen-pv", "nic.buffer.stride", "2368",
                "nic.p2m.contiguity", "1");
        assertEquals(0, platform(contiguous, "bounces"), "straddling a contiguous boundary needs no bounce");
        final RouterStatus unreachable = run(10_000, "profile", "xen-pv", "nic.dma.bits", "32");
        assertEquals(platform(unreachable, "dma_maps"), platform(unreachable, "bounces"),
                "above the DMA mask everything bounces");
    }

    @Test
    void shouldInvalidateTheIotlbAsEachIommuProfileDoes() throws Exception {
        final RouterStatus strict = run(20_000, "profile", "iommu-strict");
        final RouterStatus lazy = run(20_000, "profile", "iommu-lazy");
        final RouterStatus virtual = run(20_000, "profile", "kvm-viommu");
        assertEquals(platform(strict, "dma_unmaps"), platform(strict, "iotlb_invalidations"));
        final long unmaps = platform(lazy, "dma_unmaps");
        final long flushes = platform(lazy, "iotlb_invalidations");
        assertTrue(flushes >= unmaps / 250 && flushes <= unmaps / 250 + 1, flushes + " flushes for " + unmaps);
        assertEquals(platform(virtual, "dma_maps") + platform(virtual, "dma_unmaps"),
                platform(virtual, "iotlb_invalidations"), "caching mode: every map and unmap traps");
        assertEquals(0, hypercalls(strict) + hypercalls(lazy) + hypercalls(virtual));
        assertTrue(modeledMpps(lazy) > 2 * modeledMpps(strict));
        assertTrue(modeledMpps(strict) > modeledMpps(virtual));
    }

    @Test
    void shouldOrderTheProfilesByWhatTheyCost() throws Exception {
        final Map<String, Double> mpps = new LinkedHashMap<>();
        for (final String profile : PROFILES) {
            mpps.put(profile, modeledMpps(run(20_000, "profile", profile)));
        }
        assertTrue(mpps.get("none") > mpps.get("xen-pv"), mpps.toString());
        assertTrue(mpps.get("xen-pv") > mpps.get("iommu-lazy"), mpps.toString());
        assertTrue(mpps.get("iommu-lazy") > mpps.get("paper"), mpps.toString());
        assertTrue(mpps.get("paper") > mpps.get("iommu-strict"), mpps.toString());
        assertTrue(mpps.get("iommu-strict") > mpps.get("kvm-viommu"), mpps.toString());
    }

    @Test
    void shouldDropAndCountWhenTheBounceApertureRunsOut() throws Exception {
        // 128 slots for two rx rings of 511 descriptors each: most maps fail, nothing crashes, nothing leaks.
        final RouterStatus s = run(20_000, "profile", "paper", "nic.swiotlb.size", "256K");
        assertTrue(platform(s, "dma_map_failures") > 0, s.platform().toString());
        assertEquals(s.packetsOffered(), s.packetsRx() + ports(s, "rx_missed"), "offered = rx + rx_missed");
        assertTrue(ports(s, "rx_missed") > 0, "refill could not post: the device missed frames");
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
        assertEquals(platform(s, "dma_maps"), platform(s, "dma_unmaps"));
        assertEquals(0, s.liveMappings());
        assertEquals(0, platform(s, "dma_faults"));
        assertEquals(0, backend.last().leakedAtClose());
        assertEquals(0, backend.last().model().swiotlb().usedSlots());
    }

    @Test
    void shouldMissFramesWhenLineRateOutrunsTheModeledCore() throws Exception {
        final RouterStatus fast = run(50_000, "profile", "none", "rate", "1000000");
        assertEquals(0, ports(fast, "rx_missed"), "1 Mpps per port is within a core's modeled budget");
        final RouterStatus slow = run(50_000, "profile", "paper", "rate", "14880952");
        assertAccounted(slow, 50_000);
        assertTrue(ports(slow, "rx_missed") > 20_000, "10GbE line rate outruns the paper's per-packet hypercalls: "
                + ports(slow, "rx_missed"));
    }

    @Test
    void shouldCatchAStrategyThatForgetsToMapOrUnmapsTooEarlyAndQuarantineIt() throws Exception {
        for (final String profile : new String[] {"none", "xen-pv", "paper", "iommu-strict"}) {
            for (final BrokenStrategies.Bug bug : BrokenStrategies.Bug.values()) {
                engine.register(BrokenStrategies.factory(bug)); // as if its bundle was fixed and reinstalled
                final RouterStatus s = engine.run(new RunLimits(Duration.ofMillis(300).toNanos(), 5_000),
                        Map.of("profile", profile, "dma", bug.strategyName));
                final String where = profile + "/" + bug;
                assertTrue(platform(s, "dma_faults") > 0, where);
                assertTrue(backend.last().model().faults().total() > 0, where + ": traced");
                // The engine quarantines the strategy at its first DMA fault and carries on with the default.
                final var quarantine = s.swaps().stream().filter(r -> "quarantine".equals(r.trigger())).toList();
                assertEquals(1, quarantine.size(), where + ": " + s.swaps());
                assertEquals(bug.strategyName, quarantine.get(0).from(), where);
                assertEquals("per-packet", quarantine.get(0).to(), where);
                assertTrue(quarantine.get(0).message().contains("DMA fault"), where);
                assertEquals("per-packet", s.dma(), where);
                if (bug == BrokenStrategies.Bug.RX_NOT_MAPPED || bug == BrokenStrategies.Bug.RX_UNMAPPED_EARLY) {
                    assertTrue(ports(s, "rx_dma_faults") > 0, where);
                } else {
                    assertTrue(ports(s, "tx_dma_faults") > 0, where + ": frames it sent unmapped faulted");
                }
                assertTrue(ports(s, "tx_packets") > 0, where + ": the default forwards after the quarantine");
                assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops(), where + ": rx = tx + drops");
                assertEquals(0, s.liveMappings(), where);
                assertEquals(0, backend.last().leakedAtClose(), where);
            }
        }
    }

    @Test
    void shouldReplayACaptureAsFastAsPossibleAndAtItsRecordedTiming() throws Exception {
        final CaptureFiles.Pcap pcap = new CaptureFiles.Pcap(ByteOrder.BIG_ENDIAN, true);
        final PacketView view = new PacketView();
        for (int i = 0; i < 100; i++) {
            final byte[] frame = new byte[64];
            final var segment = java.lang.foreign.MemorySegment.ofArray(frame);
            view.wrap(segment, 0, 64);
            view.etherType(0x0800);
            segment.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 14, (byte) 0x45);
            segment.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 16,
                    (short) 50);
            segment.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 22, (byte) 64);
            segment.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 23, (byte) 17);
            segment.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 26,
                    0x0A000005);
            segment.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), 30,
                    i % 10 == 0 ? 0xC0000201 : 0xAC100000 + i); // every tenth into the blackhole
            view.recomputeIpChecksum();
            pcap.record(1_700_000_000L, i * 10_000L, frame); // one frame every 10 µs
        }
        final Path file = dir.resolve("replay.pcap");
        Files.write(file, pcap.bytes());

        final RouterStatus asap = run(1_000, "traffic.pcap", file.toString(), "traffic.pcap.timing", "asap",
                "traffic.pcap.loop", "true");
        assertAccounted(asap, 1_000);
        long blackholed = 0; // each port replays the capture from its start: every tenth frame is blackholed
        for (final Map<String, Long> port : asap.ports().values()) {
            blackholed += (port.get("rx_packets") + 9) / 10;
        }
        assertEquals(blackholed, asap.drops().get("blackhole"));
        assertEquals(1_000 - blackholed, asap.packetsTx());

        final RouterStatus once = run(1_000, "traffic.pcap", file.toString());
        assertEquals(200, once.packetsOffered(), "100 frames per port, no loop: the run ends when they are done");
        assertEquals(200, once.packetsRx());

        final RouterStatus recorded = run(400, "traffic.pcap", file.toString(), "traffic.pcap.loop", "true");
        assertAccounted(recorded, 400);
        assertTrue(backend.last().model().clock().now() >= 1_990_000, "200 frames per port 10 µs apart: "
                + backend.last().model().clock().now());
        assertTrue(backend.last().model().clock().idleNanos() > backend.last().model().clock().busyNanos(),
                "mostly waiting for the next frame");
    }

    @Test
    void shouldNotAllocatePerPacketOnTheForwardingThread() throws Exception {
        final var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (final String profile : new String[] {"xen-pv", "paper", "iommu-lazy"}) {
            engine.start(RunLimits.unlimited(), Map.of("profile", profile, "traffic.bad", "0.1",
                    "nic.buffer.stride", "2368"));
            try {
                final Thread forwarding = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().equals("routerlab-forwarding")).findFirst().orElseThrow();
                awaitPackets(200_000);
                final long rx0 = engine.status().packetsRx();
                final long bytes0 = threads.getThreadAllocatedBytes(forwarding.threadId());
                awaitPackets(rx0 + 1_000_000);
                final long bytes1 = threads.getThreadAllocatedBytes(forwarding.threadId());
                assertTrue(bytes1 - bytes0 < 64 * 1024, () -> profile + ": forwarding thread allocated "
                        + (bytes1 - bytes0) + " bytes over a million packets");
            } finally {
                engine.stop();
            }
        }
    }

    private void awaitPackets(final long packets) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (engine.status().packetsRx() < packets) {
            assertTrue(System.nanoTime() < deadline, "no progress");
            Thread.onSpinWait();
        }
    }

    private static double modeledMpps(final RouterStatus s) {
        return s.packetsRx() * 1e3 / s.modeledNanos();
    }
}
