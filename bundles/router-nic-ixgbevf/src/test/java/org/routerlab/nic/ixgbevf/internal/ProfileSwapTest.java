package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.engine.SwapRecord;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.core.internal.EngineHarness;

/**
 * A live swap of the cost profile ({@code EngineControl.swap("profile", …)}): the session switches to a platform of
 * the new profile that continues the counters and the modeled clock, the ports follow it, and the run goes on
 * within the accounting invariants, each phase costing what its profile costs.
 */
class ProfileSwapTest {
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
                198.51.100.0/24 via 10.1.0.2
                blackhole 192.0.2.0/24
                """);
        engine = new EngineHarness(dir, routes, backend);
    }

    // ---- the session alone

    @Test
    void shouldSwitchThePlatformContinuingCountersAndClockAndReleaseTheOld() throws Exception {
        final Map<String, String> config = Map.of("profile", "iommu-lazy", "nic.buffers", "256", "cost.grant", "9");
        try (IxgbevfSession session = (IxgbevfSession) new IxgbevfNicBackend().open(config)) {
            assertTrue(session.canChangePlatform("profile"));
            assertFalse(session.canChangePlatform("nic.buffers"));
            final XenPvPlatform lazy = session.model();
            final int buffer = lazy.allocate();
            final long handle = lazy.map(0, buffer, 0, 2048, DmaDirection.FROM_DEVICE);
            assertThrows(IllegalStateException.class, () -> session.changePlatform("profile", "none"),
                    "a live mapping");
            lazy.unmap(0, handle, 2048, DmaDirection.FROM_DEVICE);
            assertThrows(IllegalStateException.class, () -> session.changePlatform("profile", "none"),
                    "an allocated buffer");
            lazy.free(buffer);
            final IllegalArgumentException bogus = assertThrows(IllegalArgumentException.class,
                    () -> session.changePlatform("profile", "bogus"));
            assertTrue(bogus.getMessage().contains("bogus") && bogus.getMessage().contains("paper, xen-pv"),
                    bogus.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> session.changePlatform("nic.buffers", "512"));
            assertSame(lazy, session.model(), "refusals leave the session as it was");
            assertEquals(0, lazy.count(PlatformOp.IOTLB_INVALIDATION), "the unmap's invalidation is deferred");

            final long now = lazy.clock().now();
            final MemorySegment oldMemory = lazy.memory();
            session.changePlatform("profile", "paper");
            final XenPvPlatform paper = session.model();
            assertNotSame(lazy, paper);
            assertSame(paper, session.platform());
            assertEquals("ixgbevf/paper", paper.name());
            assertFalse(oldMemory.scope().isAlive(), "the old guest memory is released");
            assertSame(lazy.counters(), paper.counters(), "one run, one set of counters");
            assertSame(lazy.clock(), paper.clock(), "one timeline");
            assertTrue(paper.clock().now() > now, "the deferred flush is charged; time never goes back");
            assertEquals(1, paper.count(PlatformOp.IOTLB_INVALIDATION), "the deferred flush, done at the swap");
            assertEquals(1, paper.count(PlatformOp.DMA_MAP));
            assertEquals(1, paper.count(PlatformOp.BUFFER_FREE));
            assertTrue(paper.count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE) > 0, "a PV guest's boot-time fixup");
            assertEquals(9_000, paper.costs().picos(CostParameter.GRANT), "the run's cost.* prices carry over");
            assertEquals(256, paper.bufferCount());

            // The platform a fresh run with profile=paper gets: the same P2M (from the seed).
            try (IxgbevfSession fresh = (IxgbevfSession) new IxgbevfNicBackend().open(
                    Map.of("profile", "paper", "nic.buffers", "256"))) {
                final P2mTable expected = fresh.model().guest().p2m();
                final P2mTable actual = paper.guest().p2m();
                assertEquals(expected.frames(), actual.frames());
                for (int pfn = 0; pfn < expected.frames(); pfn++) {
                    assertEquals(expected.mfn(pfn), actual.mfn(pfn), "pfn " + pfn);
                }
                assertEquals(fresh.model().count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE),
                        paper.count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE), "the same boot-time work");
            }

            session.changePlatform("profile", "paper");
            assertSame(paper, session.model(), "the profile in use: nothing to change");
            final int b = paper.allocate();
            final long h = paper.map(1, b, 0, 2048, DmaDirection.TO_DEVICE);
            assertTrue(paper.deviceRead(1, h, 64), "the new platform works");
            paper.unmap(1, h, 2048, DmaDirection.TO_DEVICE);
            paper.free(b);
            assertEquals(2, paper.count(PlatformOp.HYPERCALL_GRANT_TABLE_OP), "paper: one per map, one per unmap");
        }
    }

    @Test
    void shouldLeaveTheSessionAsItWasWhenTheNewPlatformCannotBeBuilt() throws Exception {
        final Map<String, String> config = Map.of("profile", "none", "nic.buffers", "256", "nic.swiotlb.size", "0");
        try (IxgbevfSession session = (IxgbevfSession) new IxgbevfNicBackend().open(config)) {
            final XenPvPlatform none = session.model();
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.changePlatform("profile", "paper"));
            assertTrue(e.getMessage().contains("nic.swiotlb.size=0"), e.getMessage());
            assertSame(none, session.model());
            assertTrue(none.memory().scope().isAlive());
            assertEquals(0, none.count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE), "nothing of the failed one counted");
            session.changePlatform("profile", "xen-pv");
            assertEquals("ixgbevf/xen-pv", session.model().name(), "xen-pv bounces only when it must");
        }
    }

    /** Every count of {@code p}, pending included (the forwarding thread's view). */
    private static long[] counts(final XenPvPlatform p) {
        final long[] c = new long[PlatformOp.count()];
        for (int i = 0; i < c.length; i++) {
            c[i] = p.count(PlatformOp.byId(i));
        }
        return c;
    }

    @Test
    void shouldBuildTheSuccessorInPrepareOffTheForwardingThreadAndOnlyCommitOnIt() throws Exception {
        final Map<String, String> config = Map.of("profile", "iommu-lazy", "nic.buffers", "256");
        try (IxgbevfSession session = (IxgbevfSession) new IxgbevfNicBackend().open(config)) {
            final XenPvPlatform lazy = session.model();
            // The forwarding thread leaves a deferred invalidation behind, then keeps working during the prepare.
            final int kept = lazy.allocate();
            lazy.unmap(0, lazy.map(0, kept, 0, 2048, DmaDirection.FROM_DEVICE), 2048, DmaDirection.FROM_DEVICE);
            final long[] before = counts(lazy);
            final long now = lazy.clock().now();
            final long setup = lazy.clock().setupNanos();
            final long published = lazy.counters().get(PlatformOp.BUFFER_ALLOC);

            final ExecutorService control = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-control"));
            final IxgbevfSession.Change change;
            try {
                change = (IxgbevfSession.Change) control.submit(
                        () -> session.preparePlatformChange("profile", "paper")).get();
            } finally {
                control.shutdown();
            }
            final XenPvPlatform paper = change.successor();
            assertEquals("test-control", paper.builtOn().getName(), "built by the preparing thread");
            assertTrue(paper.memory().scope().isAlive() && paper.swiotlb().slots() > 0, "memory and aperture built");
            assertSame(lazy, session.model(), "prepared, not in use");
            for (final IxgbevfPort port : session.modelPorts()) {
                assertSame(lazy, port.model(), "the ports still DMA through the old platform");
            }
            assertArrayEquals(before, counts(lazy), "preparing counted nothing (the boot-time work is deferred)");
            assertEquals(now, lazy.clock().now(), "nor charged anything");
            assertEquals(setup, lazy.clock().setupNanos());
            assertEquals(published, lazy.counters().get(PlatformOp.BUFFER_ALLOC), "nor published anything");
            assertEquals(1, session.outstandingChanges());

            // The old platform is still the forwarding thread's to use.
            final int b = lazy.allocate();
            final long h = lazy.map(1, b, 0, 2048, DmaDirection.TO_DEVICE);
            assertTrue(lazy.deviceRead(1, h, 64));
            lazy.unmap(1, h, 2048, DmaDirection.TO_DEVICE);
            lazy.free(b);
            // The rings must be empty: a posted descriptor refuses the commit (buffers merely allocated or mapped do
            // not: their strategies release them on the old platform after it, until oldPlatformRetired).
            final int posted = lazy.allocate();
            final long postedHandle = lazy.map(0, posted, 0, 2048, DmaDirection.FROM_DEVICE);
            final IxgbevfPort port0 = session.modelPorts().get(0);
            assertTrue(port0.postRx(posted, postedHandle));
            assertThrows(IllegalStateException.class, change::commit, "a descriptor is still posted");
            assertSame(lazy, session.model(), "a refused commit changes nothing");
            assertEquals(1, port0.reclaimRx(new org.routerlab.api.packet.PacketBatch(4), 4));
            lazy.unmap(0, postedHandle, 2048, DmaDirection.FROM_DEVICE);
            lazy.free(posted);
            lazy.free(kept);

            final long exchangesOfAFreshPaper;
            try (IxgbevfSession fresh = (IxgbevfSession) new IxgbevfNicBackend().open(
                    Map.of("profile", "paper", "nic.buffers", "256"))) {
                exchangesOfAFreshPaper = fresh.model().count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE);
            }
            final MemorySegment oldMemory = lazy.memory();
            change.commit();
            assertSame(paper, session.model());
            for (final IxgbevfPort port : session.modelPorts()) {
                assertSame(paper, port.model(), "re-pointed");
            }
            assertEquals(exchangesOfAFreshPaper, paper.count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE),
                    "the boot-time work is counted at the commit, once");
            assertTrue(paper.clock().setupNanos() > setup, "and charged to setup");
            assertEquals(exchangesOfAFreshPaper, paper.counters().get(PlatformOp.HYPERCALL_MEMORY_EXCHANGE),
                    "and published");
            assertEquals(before[PlatformOp.IOTLB_INVALIDATION.id()] + 1, paper.count(PlatformOp.IOTLB_INVALIDATION),
                    "the old platform's deferred flush, at the commit");
            assertEquals(0, session.outstandingChanges());
            assertTrue(oldMemory.scope().isAlive(), "kept until the engine says its strategies are done");
            change.oldPlatformRetired();
            session.awaitReleases();
            assertFalse(oldMemory.scope().isAlive(), "the old platform released, off the committing thread");
            assertEquals(1, session.commits().size());
            final IxgbevfSession.CommitRecord record = session.commits().get(0);
            assertEquals("test-control", record.builtOn().getName());
            assertSame(Thread.currentThread(), record.committedOn());
            assertThrows(IllegalStateException.class, change::commit, "once");
            change.abandon();
            assertTrue(paper.memory().scope().isAlive(), "abandoning a committed change releases nothing");
        }
    }

    @Test
    void shouldReleaseAnAbandonedChangeAndLeaveTheSessionAsItWas() throws Exception {
        final Map<String, String> config = Map.of("profile", "none", "nic.buffers", "256");
        try (IxgbevfSession session = (IxgbevfSession) new IxgbevfNicBackend().open(config)) {
            final XenPvPlatform none = session.model();
            final IxgbevfSession.Change change =
                    (IxgbevfSession.Change) session.preparePlatformChange("profile", "xen-pv");
            final XenPvPlatform xen = change.successor();
            final MemorySegment guest = xen.memory();
            final MemorySegment aperture = xen.swiotlb().memory();
            assertTrue(guest.scope().isAlive() && aperture.scope().isAlive());
            change.abandon();
            session.awaitReleases();
            assertFalse(guest.scope().isAlive(), "the prepared guest memory is released");
            assertFalse(aperture.scope().isAlive(), "and the aperture");
            change.abandon(); // idempotent
            assertThrows(IllegalStateException.class, change::commit, "an abandoned change never commits");
            assertSame(none, session.model(), "the session is as it was");
            assertTrue(none.memory().scope().isAlive());
            assertEquals(0, none.count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE)
                    + none.count(PlatformOp.HYPERCALL_MULTICALL), "nothing of the abandoned one's boot-time work counted");
            assertEquals(0, none.clock().setupNanos());
            assertEquals(0, session.outstandingChanges());
            assertTrue(session.commits().isEmpty());

            // Invalid values: refused by prepare, nothing built.
            final IllegalArgumentException bogus = assertThrows(IllegalArgumentException.class,
                    () -> session.preparePlatformChange("profile", "bogus"));
            assertTrue(bogus.getMessage().contains("paper, xen-pv"), bogus.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> session.preparePlatformChange("nic.buffers", "1"));
            assertEquals(0, session.outstandingChanges());
            session.preparePlatformChange("profile", "none").commit(); // the profile in use: nothing
            assertSame(none, session.model());

            // Prepared again, then committed: the session goes on with it.
            session.preparePlatformChange("profile", "xen-pv").commit();
            assertEquals("ixgbevf/xen-pv", session.model().name());

            // A change still prepared when the session closes is released by the close.
            final IxgbevfSession.Change left = (IxgbevfSession.Change) session.preparePlatformChange("profile", "none");
            final MemorySegment leftMemory = left.successor().memory();
            session.close();
            assertFalse(leftMemory.scope().isAlive(), "released by close");
            assertEquals(0, session.outstandingChanges());
            assertThrows(IllegalStateException.class, left::commit);
            assertThrows(IllegalStateException.class, () -> session.preparePlatformChange("profile", "paper"));
        }
        try (IxgbevfSession session = (IxgbevfSession) new IxgbevfNicBackend().open(
                Map.of("profile", "none", "nic.buffers", "256", "nic.swiotlb.size", "0"))) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> session.preparePlatformChange("profile", "paper"));
            assertTrue(e.getMessage().contains("nic.swiotlb.size=0"), e.getMessage());
            assertEquals(0, session.outstandingChanges());
            assertEquals(0, session.model().count(PlatformOp.HYPERCALL_MEMORY_EXCHANGE));
        }
    }

    // ---- the running router

    /** What one phase (between two swaps) did: deltas of the counters. */
    private record Phase(String profile, long rx, long tx, long modeledNanos, long hypercalls, long bounces,
            long p2mLookups, long invalidations, long maps) {
        double perPacket(final long count) {
            return count / (double) rx;
        }
    }

    @Test
    void shouldSwapTheProfileUnderLoadWithoutLossLeakOrFault() throws Exception {
        engine.start(new RunLimits(Duration.ofMinutes(5).toNanos(), 0),
                Map.of("profile", "paper", "dma", "per-packet", "traffic.bad", "0.05"));
        final List<Phase> phases = new ArrayList<>();
        final List<String> order = List.of("paper", "none", "xen-pv", "iommu-strict", "paper");
        awaitPackets(5_000);
        RouterStatus start = engine.status();
        for (int i = 0; i < order.size(); i++) {
            awaitPackets(40_000);
            final RouterStatus end = engine.status();
            phases.add(phase(order.get(i), start, end));
            if (i + 1 < order.size()) {
                final String to = order.get(i + 1);
                final SwapRecord r = engine.swap("profile", to);
                assertTrue(r.ok(), r::toString);
                assertEquals(0, r.packetsLost(), r::toString);
                assertEquals("profile", r.what());
                assertEquals("ixgbevf/" + order.get(i), r.from());
                assertEquals(to, r.to());
                start = engine.status();
                assertEquals("ixgbevf/" + to, start.platformName());
                assertTrue(start.modeledNanos() >= end.modeledNanos(), "modeled time never goes back");
            }
        }
        final long txBeforeStop = engine.status().packetsTx();
        engine.stop();
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        assertTrue(s.packetsTx() >= txBeforeStop);

        // The invariants over the whole run, all phases together.
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops(), "rx = tx + drops");
        assertEquals(0, s.buffersOutstanding(), "buffers outstanding");
        assertEquals(0, s.liveMappings(), "live mappings");
        assertEquals(s.platform().get("dma_maps"), s.platform().get("dma_unmaps"), "maps = unmaps");
        assertEquals(s.platform().get("buffer_allocs"), s.platform().get("buffer_frees"), "allocs = frees");
        assertEquals(0, s.platform().get("dma_faults"), "DMA faults");
        assertEquals(0, s.platform().get("dma_map_failures"));
        for (final var port : s.ports().entrySet()) {
            assertEquals(0, port.getValue().get("rx_missed"), port.getKey() + " rx_missed");
            assertEquals(0, port.getValue().get("rx_dma_faults") + port.getValue().get("tx_dma_faults"));
        }
        assertEquals(s.packetsOffered(), s.packetsRx());
        assertEquals(0, backend.last().leakedAtClose(), "buffers neither in a ring, in flight nor free");
        assertEquals(0, backend.last().model().swiotlb().usedSlots(), "every bounce slot released");
        assertEquals(4, s.swaps().size());
        assertTrue(s.swaps().stream().allMatch(r -> r.ok() && r.packetsLost() == 0 && "profile".equals(r.what())));
        // The pause (SwapRecord.pauseNanos) holds no allocation: each new platform (its guest memory, aperture and
        // tables) was built by the thread that asked for the swap, before the request reached the forwarding thread,
        // which only committed it; every old platform was released and nothing prepared is left over.
        final List<IxgbevfSession.CommitRecord> commits = backend.last().commits();
        assertEquals(4, commits.size(), commits::toString);
        for (int i = 0; i < commits.size(); i++) {
            final IxgbevfSession.CommitRecord c = commits.get(i);
            assertEquals(order.get(i + 1), c.to());
            assertSame(Thread.currentThread(), c.builtOn(), "built on the control plane (prepare): " + c);
            assertEquals("routerlab-forwarding", c.committedOn().getName(), c::toString);
            assertFalse(c.oldMemory().scope().isAlive(), "the old platform released: " + c);
        }
        assertEquals(0, backend.last().outstandingChanges());
        for (int i = 1; i < s.swaps().size(); i++) {
            assertTrue(s.swaps().get(i).modeledNanos() >= s.swaps().get(i - 1).modeledNanos(), "one timeline");
        }
        assertEquals("ixgbevf/paper", s.platformName());
        final long phaseNanos = phases.stream().mapToLong(Phase::modeledNanos).sum();
        assertTrue(s.modeledNanos() >= phaseNanos, "the run's modeled time spans every phase");

        // Each phase cost what its profile costs.
        final Phase paper = phases.get(0);
        final Phase none = phases.get(1);
        final Phase xen = phases.get(2);
        final Phase strict = phases.get(3);
        final Phase paperAgain = phases.get(4);
        final String all = phases.toString();
        for (final Phase p : List.of(paper, paperAgain)) {
            assertTrue(p.rx() > 0 && p.perPacket(p.hypercalls()) >= 2.0, "paper: a GNTTABOP per map and unmap: " + all);
            // Every mapping bounces (maps and bounces are published one after the other: allow a poll's skew).
            assertTrue(p.bounces() * 100 >= p.maps() * 99 && p.bounces() <= p.maps() + 1_000,
                    "paper: every mapping bounces: " + all);
        }
        assertEquals(0, none.hypercalls() + none.bounces() + none.p2mLookups() + none.invalidations(),
                "none: dma-direct, nothing but bookkeeping: " + all);
        assertEquals(0, xen.hypercalls(), "xen-pv: no hypercall per packet (the boot-time ones came at the swap)");
        assertEquals(0, xen.bounces());
        assertTrue(xen.perPacket(xen.p2mLookups()) >= 2.0, "xen-pv: P2M lookups: " + all);
        assertEquals(0, strict.hypercalls() + strict.bounces(), all);
        assertTrue(strict.perPacket(strict.invalidations()) >= 1.0, "iommu-strict: an invalidation per unmap: " + all);
        final double nsNone = none.perPacket(none.modeledNanos());
        assertTrue(paper.perPacket(paper.modeledNanos()) > 2 * nsNone, all);
        assertTrue(paperAgain.perPacket(paperAgain.modeledNanos()) > 2 * nsNone, all);
        assertTrue(strict.perPacket(strict.modeledNanos()) > 2 * nsNone, all);
        assertTrue(xen.perPacket(xen.modeledNanos()) > nsNone, all);
        assertTrue(xen.perPacket(xen.modeledNanos()) < paper.perPacket(paper.modeledNanos()), all);
    }

    @Test
    void shouldPremapTheNextStrategyOnTheSuccessorBeforeTheCommit() throws Exception {
        final StepwisePremapped stepwise = new StepwisePremapped();
        engine.register(stepwise);
        engine.start(new RunLimits(Duration.ofMinutes(5).toNanos(), 0),
                Map.of("profile", "xen-pv", "dma", "stepwise-premapped"));
        awaitPackets(5_000);
        for (final String to : List.of("none", "xen-pv", "iommu-strict")) {
            final org.routerlab.api.platform.DmaPlatform before =
                    ((org.routerlab.api.platform.DmaPlatform) backend.last().platform());
            stepwise.reset();
            final SwapRecord r = engine.swap("profile", to);
            assertTrue(r.ok(), r::toString);
            assertEquals(0, r.packetsLost(), r::toString);
            // Premapped four buffers per step, every step on the new platform, all before the commit: the commit's
            // step (the pause) is one of many.
            assertTrue(stepwise.prepareSteps > 4, "prepare steps: " + stepwise.prepareSteps);
            assertNotSame(before, stepwise.preparedOn);
            assertSame(stepwise.preparedOn, stepwise.attachedOn, "attached on the platform it was prepared on");
            assertSame(stepwise.attachedOn, backend.last().platform(), "which is the session's now");
            assertTrue(stepwise.preparedBeforeCommit, "prepared while the old platform was still in use");
            assertTrue(r.workNanos() > r.pauseNanos(), r::toString);
            awaitPackets(20_000);
        }
        engine.stop();
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
        assertEquals(0, s.buffersOutstanding());
        assertEquals(0, s.liveMappings());
        assertEquals(s.platform().get("dma_maps"), s.platform().get("dma_unmaps"));
        assertEquals(s.platform().get("buffer_allocs"), s.platform().get("buffer_frees"));
        assertEquals(0, s.platform().get("dma_faults"));
    }

    @Test
    void shouldCommitBeforeTheOldStrategyUnmapsAndLetItRetireOnTheOldPlatformInSteps() throws Exception {
        final Watched watched = new Watched();
        engine.register(watched);
        engine.start(new RunLimits(Duration.ofMinutes(5).toNanos(), 0),
                Map.of("profile", "xen-pv", "dma", "watched-premapped", "burst", "32"));
        awaitPackets(20_000);
        final SwapRecord r = engine.swap("profile", "none");
        assertTrue(r.ok(), r::toString);
        assertEquals(0, r.packetsLost(), r::toString);
        // The old strategy kept its mappings through the commit and released them afterwards, in bounded retire
        // steps, on the old platform, which stayed alive until it had detached.
        assertTrue(watched.retireStepsAfterCommit >= 1, "retire steps after the commit: "
                + watched.retireStepsAfterCommit);
        assertEquals(0, watched.retireStepsBeforeCommit, "nothing retired before the commit");
        assertTrue(watched.oldAliveAtDetach, "the old platform was released only after the strategy detached");
        // The rings were brought down to a burst per port before the commit step, which took back only the rest.
        assertTrue(watched.reclaimedAtCommit <= 2 * 32, "descriptors taken back in the commit step: "
                + watched.reclaimedAtCommit);
        backend.last().awaitReleases();
        assertFalse(backend.last().commits().get(0).oldMemory().scope().isAlive(), "released in the end");
        awaitPackets(20_000);
        engine.stop();
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
        assertEquals(0, s.buffersOutstanding());
        assertEquals(0, s.liveMappings());
        assertEquals(s.platform().get("dma_maps"), s.platform().get("dma_unmaps"));
        assertEquals(s.platform().get("buffer_allocs"), s.platform().get("buffer_frees"));
        assertEquals(0, s.platform().get("dma_faults"));
        for (final var port : s.ports().entrySet()) {
            assertEquals(0, port.getValue().get("rx_missed"), port.getKey() + " rx_missed");
        }
        assertEquals(0, backend.last().leakedAtClose());
    }

    @Test
    void shouldKeepALeakOnAReleasedPlatformVisible() throws Exception {
        final Map<String, String> config = Map.of("profile", "xen-pv", "nic.buffers", "256");
        try (IxgbevfSession session = (IxgbevfSession) new IxgbevfNicBackend().open(config)) {
            final XenPvPlatform old = session.model();
            final int b = old.allocate();
            old.map(0, b, 0, 64, DmaDirection.FROM_DEVICE);
            final org.routerlab.api.nic.NicSession.PlatformChange change = session.preparePlatformChange("profile", "none");
            assertTrue(change.retiresOldPlatformLater());
            change.commit(); // the rings are empty: a buffer still mapped on the old platform does not stop it
            assertEquals("ixgbevf/none", session.platform().name());
            assertTrue(old.memory().scope().isAlive(), "kept until its strategies are done");
            change.oldPlatformRetired(); // ...who forgot one buffer
            session.awaitReleases();
            assertFalse(old.memory().scope().isAlive());
            assertEquals(1, session.platform().liveMappings(), "the forgotten mapping still counts");
        }
    }

    /**
     * premapped-reuse that records, for the first instance (the one a profile swap replaces), when it retires
     * relative to the commit, how many empty (reclaimed) descriptors it got back in the commit step, and whether its
     * platform was still alive when it detached.
     */
    private final class Watched implements org.routerlab.api.dma.DmaStrategyFactory {
        volatile int retireStepsBeforeCommit;
        volatile int retireStepsAfterCommit;
        volatile int reclaimedAtCommit = -1;
        volatile boolean oldAliveAtDetach;
        private boolean first = true;

        @Override
        public String name() {
            return "watched-premapped";
        }

        @Override
        public org.routerlab.api.dma.DmaStrategy create(final Map<String, String> config) {
            final org.routerlab.api.dma.DmaStrategy inner = new org.routerlab.dma.premapped.internal
                    .PremappedReuseFactory().create(config);
            final boolean watch = first;
            first = false;
            return new org.routerlab.api.dma.DmaStrategy() {
                private org.routerlab.api.platform.DmaPlatform on;
                private int emptySinceRefill;

                @Override public String name() { return "watched-premapped"; }
                @Override public boolean prepare(final org.routerlab.api.dma.DmaContext c, final long deadline) {
                    on = c.platform();
                    return inner.prepare(c, deadline);
                }
                @Override public void attach(final org.routerlab.api.dma.DmaContext c) {
                    on = c.platform();
                    inner.attach(c);
                }
                @Override public int refill(final org.routerlab.api.nic.NicPort port) {
                    emptySinceRefill = 0;
                    return inner.refill(port);
                }
                @Override public void onReceive(final org.routerlab.api.nic.NicPort port,
                        final org.routerlab.api.packet.PacketBatch b) { inner.onReceive(port, b); }
                @Override public int prepareTransmit(final org.routerlab.api.nic.NicPort egress,
                        final org.routerlab.api.packet.PacketBatch b) { return inner.prepareTransmit(egress, b); }
                @Override public void onTransmitted(final org.routerlab.api.nic.NicPort port,
                        final org.routerlab.api.packet.PacketBatch b) { inner.onTransmitted(port, b); }
                @Override public void release(final org.routerlab.api.packet.PacketBatch b) {
                    for (int i = 0; i < b.size(); i++) {
                        if (b.length(i) == 0) {
                            emptySinceRefill++;
                        }
                    }
                    inner.release(b);
                }
                @Override public void releaseUnsent(final org.routerlab.api.nic.NicPort egress,
                        final org.routerlab.api.packet.PacketBatch b) { inner.releaseUnsent(egress, b); }
                @Override public boolean retire(final long deadline) {
                    if (watch) {
                        if (backend.last().platform() == on) {
                            retireStepsBeforeCommit++;
                        } else {
                            if (retireStepsAfterCommit == 0) {
                                reclaimedAtCommit = emptySinceRefill;
                            }
                            retireStepsAfterCommit++;
                        }
                    }
                    return inner.retire(deadline);
                }
                @Override public void detach() {
                    if (watch) {
                        oldAliveAtDetach = on.memory().scope().isAlive();
                    }
                    inner.detach();
                }
                @Override public long buffersOutstanding() { return inner.buffersOutstanding(); }
            };
        }
    }

    /** premapped-reuse, prepared four buffers per step; records the platforms it was prepared and attached on. */
    private final class StepwisePremapped implements org.routerlab.api.dma.DmaStrategyFactory {
        int prepareSteps;
        Object preparedOn;
        Object attachedOn;
        boolean preparedBeforeCommit;

        void reset() {
            prepareSteps = 0;
            preparedOn = null;
            attachedOn = null;
            preparedBeforeCommit = false;
        }

        @Override
        public String name() {
            return "stepwise-premapped";
        }

        @Override
        public org.routerlab.api.dma.DmaStrategy create(final Map<String, String> config) {
            final org.routerlab.api.dma.DmaStrategy inner = new org.routerlab.dma.premapped.internal
                    .PremappedReuseFactory().create(config);
            return new org.routerlab.api.dma.DmaStrategy() {
                @Override public String name() { return "stepwise-premapped"; }
                @Override public boolean prepare(final org.routerlab.api.dma.DmaContext c, final long deadline) {
                    prepareSteps++;
                    preparedOn = c.platform();
                    preparedBeforeCommit = backend.last().platform() != c.platform();
                    return inner.prepare(c, 0);
                }
                @Override public void attach(final org.routerlab.api.dma.DmaContext c) {
                    attachedOn = c.platform();
                    inner.attach(c);
                }
                @Override public int refill(final org.routerlab.api.nic.NicPort port) { return inner.refill(port); }
                @Override public void onReceive(final org.routerlab.api.nic.NicPort port,
                        final org.routerlab.api.packet.PacketBatch b) { inner.onReceive(port, b); }
                @Override public int prepareTransmit(final org.routerlab.api.nic.NicPort egress,
                        final org.routerlab.api.packet.PacketBatch b) { return inner.prepareTransmit(egress, b); }
                @Override public void onTransmitted(final org.routerlab.api.nic.NicPort port,
                        final org.routerlab.api.packet.PacketBatch b) { inner.onTransmitted(port, b); }
                @Override public void release(final org.routerlab.api.packet.PacketBatch b) { inner.release(b); }
                @Override public void releaseUnsent(final org.routerlab.api.nic.NicPort egress,
                        final org.routerlab.api.packet.PacketBatch b) { inner.releaseUnsent(egress, b); }
                @Override public boolean retire(final long deadline) { return inner.retire(deadline); }
                @Override public void detach() { inner.detach(); }
                @Override public long buffersOutstanding() { return inner.buffersOutstanding(); }
            };
        }
    }

    @Test
    void shouldRefuseAnUnknownProfileAndGoOn() throws Exception {
        engine.start(new RunLimits(Duration.ofMinutes(5).toNanos(), 0), Map.of("profile", "xen-pv"));
        awaitPackets(5_000);
        // Refused by preparePlatformChange on the calling thread (as an unknown dma name is): nothing reaches the
        // forwarding thread.
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> engine.swap("profile", "xen-hvm"));
        assertTrue(refused.getMessage().contains("xen-hvm") && refused.getMessage().contains("kvm-viommu"),
                refused.getMessage());
        assertTrue(engine.status().swaps().isEmpty(), "no swap was attempted");
        assertEquals("ixgbevf/xen-pv", engine.status().platformName());
        final long tx = engine.status().packetsTx();
        awaitPackets(10_000);
        assertTrue(engine.status().packetsTx() > tx, "forwarding goes on");
        final SwapRecord ok = engine.swap("profile", "iommu-lazy");
        assertTrue(ok.ok(), ok::toString);
        awaitPackets(10_000);
        engine.stop();
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        assertEquals("ixgbevf/iommu-lazy", s.platformName());
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
        assertEquals(0, s.buffersOutstanding());
        assertEquals(0, s.liveMappings());
        assertEquals(s.platform().get("dma_maps"), s.platform().get("dma_unmaps"));
        assertEquals(s.platform().get("buffer_allocs"), s.platform().get("buffer_frees"));
        assertEquals(0, s.platform().get("dma_faults"));
        assertEquals(0, backend.last().leakedAtClose());
    }

    private static Phase phase(final String profile, final RouterStatus a, final RouterStatus b) {
        return new Phase(profile, b.packetsRx() - a.packetsRx(), b.packetsTx() - a.packetsTx(),
                b.modeledNanos() - a.modeledNanos(), hypercalls(b) - hypercalls(a),
                delta(a, b, "bounces"), delta(a, b, "p2m_lookups"), delta(a, b, "iotlb_invalidations"),
                delta(a, b, "dma_maps"));
    }

    private static long delta(final RouterStatus a, final RouterStatus b, final String key) {
        return b.platform().get(key) - a.platform().get(key);
    }

    private static long hypercalls(final RouterStatus s) {
        return s.platform().get("hypercalls_memory_exchange") + s.platform().get("hypercalls_mmu_update")
                + s.platform().get("hypercalls_grant_table_op") + s.platform().get("hypercalls_multicall");
    }

    private void awaitPackets(final long atLeast) throws InterruptedException {
        final long target = engine.status().packetsRx() + atLeast;
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (engine.status().packetsRx() < target) {
            assertTrue(System.nanoTime() < deadline, "no progress");
            Thread.sleep(1);
        }
    }
}
