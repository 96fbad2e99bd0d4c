package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.packet.PacketView;
import org.routerlab.dma.batch16.internal.Batch16StrategyFactory;
import org.routerlab.dma.perpacket.internal.PerPacketStrategyFactory;
import org.routerlab.dma.premapped.internal.PremappedReuseFactory;

/**
 * How fast the emulator itself forwards, in wall-clock packets per second: the ixgbevf ports and platform of a
 * profile, a DMA strategy, and a forwarding step that only rewrites the MAC addresses and the TTL and sends every
 * frame out of the other port (no validation, no route lookup: those are the engine's and the routing algorithm's
 * costs, measured by {@code ./router run} and the routing benchmarks). One invocation is one engine-shaped cycle:
 * refill, a 64-frame burst per port, transmit, reap. The score is packets/s ({@code packets} counter).
 *
 * <p>Not a test. Run it with the module's test class path:
 * <pre>
 *   cd bundles/router-nic-ixgbevf &amp;&amp; mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *       org.routerlab.nic.ixgbevf.internal.EmulatorBenchmark [JMH options, e.g. -p profile=none -p strategy=premapped-reuse]
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class EmulatorBenchmark {
    private static final int BURST = 64;

    /** The packets a cycle forwarded, reported by JMH as a rate. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Packets {
        public long packets;

        @Setup(Level.Iteration)
        public void reset() {
            packets = 0;
        }
    }

    @Param({"none", "xen-pv", "iommu-lazy", "paper"})
    public String profile;

    @Param({"per-packet", "batch-16", "premapped-reuse"})
    public String strategy;

    /** Whether the forwarding step rewrites MACs and TTL (the router's work) or only moves the frame. */
    @Param({"true"})
    public boolean rewrite;

    private IxgbevfSession session;
    private DmaStrategy dma;
    private NicPort[] ports;
    private long[] macs;
    private PacketBatch rx;
    private PacketBatch tx;
    private PacketBatch unsent;
    private PacketBatch completed;
    private MemorySegment memory;
    private final PacketView view = new PacketView();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        final Map<String, String> config = new HashMap<>();
        config.put("profile", profile);
        config.put("seed", "1");
        session = (IxgbevfSession) new IxgbevfNicBackend().open(config);
        final DmaStrategyFactory factory = switch (strategy) {
            case "per-packet" -> new PerPacketStrategyFactory();
            case "batch-16" -> new Batch16StrategyFactory();
            case "premapped-reuse" -> new PremappedReuseFactory();
            default -> throw new IllegalArgumentException("strategy=" + strategy);
        };
        dma = factory.create(config);
        ports = session.ports().toArray(new NicPort[0]);
        dma.attach(new DmaContext(session.platform(), session.ports()));
        macs = new long[ports.length];
        for (int i = 0; i < ports.length; i++) {
            macs[i] = ports[i].info().mac();
        }
        rx = new PacketBatch(BURST);
        tx = new PacketBatch(BURST);
        unsent = new PacketBatch(BURST);
        completed = new PacketBatch(256);
        memory = session.platform().memory();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dma.detach();
        session.close();
    }

    /** One cycle over both ports; returns the frames transmitted. */
    @Benchmark
    public int cycle(final Packets counter) {
        final NicPort[] ports = this.ports;
        final DmaStrategy dma = this.dma;
        int sent = 0;
        for (final NicPort port : ports) {
            dma.refill(port);
        }
        for (int p = 0; p < ports.length; p++) {
            final PacketBatch rx = this.rx;
            rx.clear();
            final int n = ports[p].rxBurst(rx, BURST);
            if (n == 0) {
                continue;
            }
            dma.onReceive(ports[p], rx);
            final int egress = p ^ 1;
            final PacketBatch tx = this.tx;
            for (int i = 0; i < n; i++) {
                if (rewrite) {
                    view.wrap(memory, rx.offset(i), rx.length(i));
                    view.destinationMac(0x02_00_00_00_00_02L);
                    view.sourceMac(macs[egress]);
                    view.decrementTtl();
                }
                tx.addFrom(rx, i);
            }
            dma.prepareTransmit(ports[egress], tx);
            final int accepted = ports[egress].txBurst(tx);
            for (int i = accepted; i < tx.size(); i++) {
                unsent.addFrom(tx, i);
            }
            if (!unsent.isEmpty()) {
                dma.releaseUnsent(ports[egress], unsent);
                unsent.clear();
            }
            tx.clear();
            sent += accepted;
        }
        for (final NicPort port : ports) {
            int n;
            do {
                completed.clear();
                n = port.reapTxCompletions(completed, completed.capacity());
                if (n > 0) {
                    dma.onTransmitted(port, completed);
                }
            } while (n == completed.capacity());
        }
        counter.packets += sent;
        return sent;
    }

    /**
     * With {@code --cpu PROFILE STRATEGY SECONDS [rewrite]}: runs the same cycle in this thread for the given time (after as
     * long again of warm-up) and prints packets per second of wall time and per second of this thread's CPU time.
     * On a shared machine the second is what one core of it does; JMH's score is the first. Otherwise: JMH with the
     * given options (none: every profile and strategy).
     */
    public static void main(final String[] args) throws Exception {
        if (args.length >= 4 && args[0].equals("--cpu")) {
            cpu(args[1], args[2], Double.parseDouble(args[3]), args.length < 5 || Boolean.parseBoolean(args[4]));
            return;
        }
        if (args.length > 0) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        new Runner(new OptionsBuilder().include(EmulatorBenchmark.class.getSimpleName()).build()).run();
    }

    private static void cpu(final String profile, final String strategy, final double seconds, final boolean rewrite)
            throws Exception {
        final var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final EmulatorBenchmark b = new EmulatorBenchmark();
        b.profile = profile;
        b.strategy = strategy;
        b.rewrite = rewrite;
        b.setUp();
        final Packets counter = new Packets();
        try {
            for (int round = 0; round < 2; round++) {
                counter.packets = 0;
                final long wall0 = System.nanoTime();
                final long cpu0 = threads.getCurrentThreadCpuTime();
                final long end = wall0 + (long) (seconds * 1e9);
                while (System.nanoTime() < end) {
                    for (int i = 0; i < 1000; i++) {
                        b.cycle(counter);
                    }
                }
                final double wall = (System.nanoTime() - wall0) / 1e9;
                final double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                System.out.printf(java.util.Locale.ROOT,
                        "%s profile=%s strategy=%s rewrite=%s: %d packets, %.3f Mpps per wall second, %.3f Mpps per CPU second "
                                + "(%.2f s wall, %.2f s CPU)%n", round == 0 ? "warm-up " : "measured", profile, strategy, rewrite,
                        counter.packets, counter.packets / wall / 1e6, counter.packets / cpu / 1e6, wall, cpu);
            }
        } finally {
            b.tearDown();
        }
    }
}
