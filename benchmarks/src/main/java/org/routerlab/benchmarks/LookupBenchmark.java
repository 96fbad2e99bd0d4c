package org.routerlab.benchmarks;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * Lookups per second on one thread, on the full Internet table, for every algorithm and address pattern, singly
 * ({@link RouteTable#lookup} in a loop) and in bursts of 64 ({@link RouteTable#lookupBulk}, as the engine calls it).
 * Every invocation handles {@value #CHUNK} addresses from a pool of 2^20 held as 64-address bursts, so the scores
 * are lookups per second.
 * <ul>
 *   <li>{@code random}: uniform over the whole IPv4 space (about half unrouted: a full table has no default);
 *   <li>{@code repeated}: 64 distinct destinations (random routed ones) cycling, the hot-flow case;
 *   <li>{@code prefixes}: a random address inside a random route of the table, so every lookup is routed and
 *       long prefixes are as likely as short ones.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LookupBenchmark {
    static final int BURST = 64;
    static final int CHUNK = 1024;
    private static final int POOL = 1 << 20;

    @Param({"binary-trie", "dir-24-8", "poptrie"})
    public String algorithm;

    @Param({"random", "repeated", "prefixes"})
    public String pattern;

    private RouteTable table;
    private int[][] bursts;
    private final int[] out = new int[CHUNK];
    private final int[] scratch = new int[BURST];
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        final RouteSet set = FullTable.load();
        table = Algorithms.byName(algorithm).build(set);
        final int[] pool = addresses(pattern, set, new SplittableRandom(0x5EED_BE7CL), POOL);
        bursts = new int[POOL / BURST][];
        for (int b = 0; b < bursts.length; b++) {
            bursts[b] = java.util.Arrays.copyOfRange(pool, b * BURST, (b + 1) * BURST);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        table.close();
    }

    static int[] addresses(final String pattern, final RouteSet set, final SplittableRandom random, final int count) {
        final int[] addresses = new int[count];
        final List<Route> routes = set.routes();
        switch (pattern) {
            case "random" -> {
                for (int i = 0; i < count; i++) {
                    addresses[i] = random.nextInt();
                }
            }
            case "repeated" -> {
                final int[] hot = new int[BURST];
                for (int i = 0; i < hot.length; i++) {
                    hot[i] = inside(routes.get(random.nextInt(routes.size())), random);
                }
                for (int i = 0; i < count; i++) {
                    addresses[i] = hot[i % hot.length];
                }
            }
            case "prefixes" -> {
                for (int i = 0; i < count; i++) {
                    addresses[i] = inside(routes.get(random.nextInt(routes.size())), random);
                }
            }
            default -> throw new IllegalArgumentException("pattern=" + pattern);
        }
        return addresses;
    }

    private static int inside(final Route route, final SplittableRandom random) {
        return route.prefix() | (random.nextInt() & ~Ipv4Address.mask(route.length()));
    }

    /** {@value #CHUNK} lookups one by one. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public int[] single() {
        final RouteTable t = table;
        final int[][] b = bursts;
        final int[] o = out;
        int k = next;
        for (int n = 0; n < CHUNK; n += BURST) {
            final int[] burst = b[k];
            for (int i = 0; i < BURST; i++) {
                o[n + i] = t.lookup(burst[i]);
            }
            k = (k + 1) & (b.length - 1);
        }
        next = k;
        return o;
    }

    /** {@value #CHUNK} lookups as bursts of {@value #BURST} through lookupBulk. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public int[] bulk() {
        final RouteTable t = table;
        final int[][] b = bursts;
        final int[] o = out;
        final int[] hops = scratch;
        int k = next;
        for (int n = 0; n < CHUNK; n += BURST) {
            t.lookupBulk(b[k], hops, BURST);
            k = (k + 1) & (b.length - 1);
        }
        next = k;
        return hops;
    }

    public static void main(final String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(LookupBenchmark.class.getSimpleName()).build()).run();
    }
}
