package org.routerlab.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceSink;
import org.routerlab.trace.chronicle.internal.ChronicleTraceStore;

/**
 * What the Chronicle trace sink costs the forwarding thread, one core, one appender: packet records per second
 * (one PACKETS document per burst of 64, as the engine writes them), one BURST record with ring occupancy and
 * platform deltas, a COMPLETIONS record of 64 latencies. The trace goes to {@code -Dtrace.bench.dir} (default: a
 * temporary folder), deleted afterwards; a 1 s iteration writes up to about 1 GB there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
    "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true"})
public class TraceBenchmark {
    static final int BURST = 64;

    /** Frame bytes kept per packet record (trace.snap): 64 (the default) or 0. */
    @Param({"64", "0"})
    int snap;

    private Path dir;
    private Arena arena;
    private TraceSink sink;
    private PacketRecords records;
    private final long[] deltas = new long[PlatformOp.count()];
    private final long[] latencies = new long[BURST];

    @Setup(Level.Iteration)
    public void open() throws IOException {
        final String base = System.getProperty("trace.bench.dir");
        dir = base == null ? Files.createTempDirectory("trace-bench")
                : Files.createTempDirectory(Path.of(base), "trace-bench");
        sink = new ChronicleTraceStore().openSink(dir, TraceLevel.PACKET, Map.of("bench", "TraceBenchmark"));
        arena = Arena.ofConfined();
        final MemorySegment memory = arena.allocate(BURST * 128L);
        final PacketView view = new PacketView();
        records = new PacketRecords(BURST, snap);
        for (int i = 0; i < BURST; i++) {
            final long at = i * 128L;
            memory.set(ValueLayout.JAVA_BYTE, at + 12, (byte) 0x08);
            memory.set(ValueLayout.JAVA_BYTE, at + 14, (byte) 0x45);
            memory.set(ValueLayout.JAVA_BYTE, at + 23, (byte) 17);
            memory.set(ValueLayout.JAVA_INT_UNALIGNED, at + 26, 0x0A000000 + i);
            memory.set(ValueLayout.JAVA_INT_UNALIGNED, at + 30, 0xC6120000 + i * 7);
            view.wrap(memory, at, 64);
            records.fill(i, view, 1000L * i, 0, true);
            records.outcome(i, i % 13 == 0 ? 7 : PacketRecords.FORWARDED, 1, 3);
            latencies[i] = 20_000 + i;
        }
        records.size(BURST);
        deltas[PlatformOp.DMA_MAP.id()] = 64;
        deltas[PlatformOp.DMA_UNMAP.id()] = 60;
        deltas[PlatformOp.MODELED_NANOS.id()] = 25_000;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        sink.close();
        arena.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    /**
     * CPU-time mode, for a shared machine where wall-clock throughput measures the neighbours: per snap length,
     * packet records, burst records and completions per second of this thread's CPU time.
     * {@code java <Chronicle flags> -cp target/benchmarks.jar org.routerlab.benchmarks.TraceBenchmark [CALLS]}
     */
    public static void main(final String[] args) throws IOException {
        final int calls = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (final int snap : new int[] {64, 0}) {
            for (int round = 0; round < 3; round++) {
                final TraceBenchmark b = new TraceBenchmark();
                b.snap = snap;
                b.open();
                for (int i = 0; i < calls / 10; i++) {
                    b.packetRecords();
                    b.burstRecord();
                }
                long t0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) {
                    b.packetRecords();
                }
                final long packetNanos = threads.getCurrentThreadCpuTime() - t0;
                t0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) {
                    b.burstRecord();
                }
                final long burstNanos = threads.getCurrentThreadCpuTime() - t0;
                t0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < calls; i++) {
                    b.completions();
                }
                final long completionNanos = threads.getCurrentThreadCpuTime() - t0;
                b.close();
                System.out.printf(java.util.Locale.ROOT, "snap %2d: packet records %.1f M/s of CPU (%.1f ns each), "
                        + "burst records %.2f M/s (%.0f ns each), completions %.1f M/s%n", snap,
                        (double) calls * BURST * 1e3 / packetNanos, (double) packetNanos / calls / BURST,
                        calls * 1e3 / burstNanos, (double) burstNanos / calls,
                        (double) calls * BURST * 1e3 / completionNanos);
            }
        }
    }

    /** Packet records per second: one PACKETS document of 64 entries per call. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void packetRecords() {
        sink.packets(1, 2, records);
    }

    /** Burst records per second (schema 2: rings and 3 platform deltas). */
    @Benchmark
    public void burstRecord() {
        sink.burst(1, 2, 0, BURST, 60, 4, 447, 96, deltas);
    }

    /** Completion latencies per second: one COMPLETIONS document of 64 per call. */
    @Benchmark
    @OperationsPerInvocation(BURST)
    public void completions() {
        sink.completions(1, 2, 1, latencies, BURST);
    }
}
