package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.dma.perpacket.internal.PerPacketStrategyFactory;
import org.routerlab.dma.premapped.internal.PremappedReuseFactory;
import org.routerlab.dma.recycle.internal.RecycleStrategyFactory;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

/**
 * The swap rehearsal ({@code rehearse}): when it runs, that it swaps every registered strategy on a session of its own
 * which it closes, and that nothing of it shows in the real run.
 */
class SwapRehearsalTest {
    private static final Pattern SWAPS = Pattern.compile("^(\\d+) swaps among (\\d+) strategies, (\\d+) packets");

    @TempDir
    Path dir;

    private RouterEngine engine;
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger closed = new AtomicInteger();

    /** The emulated backend, counting sessions; self-contained or not as asked. */
    private final class Counting implements NicBackend {
        private final String name;
        private final boolean selfContained;

        Counting(final String name, final boolean selfContained) {
            this.name = name;
            this.selfContained = selfContained;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean selfContained() {
            return selfContained;
        }

        @Override
        public NicSession open(final Map<String, String> config) throws Exception {
            final NicSession session = new EmulatedNicBackend().open(config);
            opened.incrementAndGet();
            return new NicSession() {
                @Override public java.util.List<org.routerlab.api.nic.NicPort> ports() { return session.ports(); }
                @Override public org.routerlab.api.platform.DmaPlatform platform() { return session.platform(); }
                @Override public boolean drained() { return session.drained(); }
                @Override public long packetsOffered() { return session.packetsOffered(); }
                @Override public void close() {
                    closed.incrementAndGet();
                    session.close();
                }
            };
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        final Path routes = dir.resolve("test.routes");
        Files.writeString(routes, """
                172.16.0.0/12 via 10.0.0.2
                198.51.100.0/24 via 10.1.0.2
                """);
        engine = new RouterEngine();
        engine.home(dir);
        engine.addNic(new Counting("emulated", true), null);
        engine.addNic(new Counting("real", false), null);
        engine.addStrategy(new PerPacketStrategyFactory(), null);
        engine.addStrategy(new PremappedReuseFactory(), null);
        engine.addStrategy(new RecycleStrategyFactory(), null);
        engine.addAlgorithm(new LinearRouting(), null);
        final Map<String, Object> config = new HashMap<>();
        config.put("nic", "emulated");
        config.put("dma", "per-packet");
        config.put("routing", "linear");
        config.put("routes", routes.toString());
        config.put("ports", "p0=10.0.0.1/24,p1=10.1.0.1/24");
        config.put("service.pid", "routerlab.router");
        engine.activate(null, config);
    }

    private RouterStatus run(final long packets, final Map<String, String> overrides) throws Exception {
        engine.start(new RunLimits(0, packets), overrides);
        assertTrue(engine.awaitFinished(Duration.ofSeconds(60)), "run did not finish");
        final RouterStatus s = engine.status();
        assertEquals(EngineState.FINISHED, s.state(), () -> "error: " + s.error());
        return s;
    }

    @Test
    void shouldRehearseEveryStrategyOnASessionOfItsOwnAndLeaveTheRunUntouched() throws Exception {
        final RouterStatus s = run(100_000, Map.of("rehearse", "on"));
        final String rehearsal = engine.rehearsal();
        final Matcher m = SWAPS.matcher(rehearsal);
        assertTrue(m.find(), rehearsal);
        assertTrue(Integer.parseInt(m.group(1)) >= 6, () -> "swapped back and forth: " + rehearsal);
        assertEquals(3, Integer.parseInt(m.group(2)), rehearsal);
        assertTrue(Long.parseLong(m.group(3)) > 10_000, () -> "forwarded traffic: " + rehearsal);
        assertTrue(!rehearsal.contains(";"), () -> "no strategy left out: " + rehearsal);
        assertEquals(2, opened.get(), "the rehearsal opened a session of its own");
        assertEquals(2, closed.get(), "and closed it, as the run closed its own");
        // Nothing of it in the run: its traffic budget, counters and swap list are the run's alone.
        assertEquals(100_000, s.packetsOffered());
        assertEquals(100_000, s.packetsRx());
        assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
        assertEquals(0, s.swaps().size(), () -> "no swaps of the rehearsal: " + s.swaps());
        assertEquals("per-packet", s.dma());
        assertEquals(0, s.liveMappings());
        assertEquals(s.platform().get("dma_maps"), s.platform().get("dma_unmaps"));
    }

    @Test
    void shouldRehearseByDefaultOnlyWhenSwapsAreScheduled() throws Exception {
        run(10_000, Map.of());
        assertEquals("off", engine.rehearsal());
        assertEquals(1, opened.get());
        final Path schedule = dir.resolve("swaps.txt");
        Files.writeString(schedule, "0.0 dma=premapped-reuse\n");
        run(10_000, Map.of("schedule", schedule.toString()));
        assertTrue(SWAPS.matcher(engine.rehearsal()).find(), engine.rehearsal());
        assertEquals(3, opened.get());
        run(10_000, Map.of("schedule", schedule.toString(), "rehearse", "off"));
        assertEquals("off", engine.rehearsal());
        assertEquals(4, opened.get());
        assertEquals(opened.get(), closed.get());
    }

    @Test
    void shouldNeverRehearseOnABackendOfRealInterfaces() throws Exception {
        run(10_000, Map.of("nic", "real", "rehearse", "on"));
        assertEquals("off (nic=real is not self-contained)", engine.rehearsal());
        assertEquals(1, opened.get(), "no second session on real interfaces");
    }

    @Test
    @Timeout(60) // without the bounded wait for the rehearsal's thread, start() never returns
    void shouldStartTheRunEvenWhenAPluginHangsInTheRehearsal() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        engine.addStrategy(new DmaStrategyFactory() {
            @Override public String name() { return "hangs"; }
            @Override public DmaStrategy create(final Map<String, String> config) {
                final DmaStrategy inner = new PerPacketStrategyFactory().create(config);
                return new DmaStrategy() {
                    @Override public String name() { return "hangs"; }
                    @Override public void attach(final DmaContext context) { inner.attach(context); }
                    @Override public int refill(final NicPort port) {
                        try {
                            release.await(); // never returns while the test runs
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return inner.refill(port);
                    }
                    @Override public void onReceive(final NicPort port, final PacketBatch b) { inner.onReceive(port, b); }
                    @Override public int prepareTransmit(final NicPort egress, final PacketBatch b) {
                        return inner.prepareTransmit(egress, b);
                    }
                    @Override public void onTransmitted(final NicPort port, final PacketBatch b) {
                        inner.onTransmitted(port, b);
                    }
                    @Override public void release(final PacketBatch dropped) { inner.release(dropped); }
                    @Override public void releaseUnsent(final NicPort egress, final PacketBatch b) {
                        inner.releaseUnsent(egress, b);
                    }
                    @Override public void detach() { inner.detach(); }
                    @Override public long buffersOutstanding() { return inner.buffersOutstanding(); }
                };
            }
        }, null);
        try {
            final RouterStatus s = run(10_000, Map.of("rehearse", "on"));
            assertEquals(10_000, s.packetsRx(), "the run forwarded");
            assertTrue(engine.rehearsal().contains("did not stop"), engine.rehearsal());
            assertEquals(2, opened.get());
            assertEquals(1, closed.get(), "the stuck rehearsal's session stays with its thread");
        } finally {
            release.countDown();
        }
    }

    @Test
    void shouldRejectAnUnknownMode() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> engine.start(new RunLimits(0, 1000), Map.of("rehearse", "sometimes")));
        assertTrue(e.getMessage().contains("rehearse=sometimes"), e.getMessage());
        assertEquals(0, opened.get(), "rejected before anything was opened");
    }
}
