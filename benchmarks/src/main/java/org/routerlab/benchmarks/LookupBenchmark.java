package org.routerlab.benchmarks;

import java.util.Arrays;
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
 * ({@link RouteTable#lookup} in a loop) and in bursts ({@link RouteTable#lookupBulk}, as the engine calls it).
 * Every invocation handles {@value #CHUNK} addresses from a pool of 2^20 held as bursts of {@code burst} addresses
 * (64 by default, the engine's default burst), so the scores are lookups per second. The burst size is a field in
 * both modes, as in the engine, so that the single-lookup loop gets no help from a compile-time trip count.
 * <ul>
 *   <li>{@code random}: uniform over the whole IPv4 space (about 30% unrouted: a full table has no default);
 *   <li>{@code repeated}: 64 distinct destinations (inside random routes) cycling, the hot-flow case;
 *   <li>{@code prefixes}: a random address inside a random route of the table, so every lookup is routed and
 *       every route is as likely as any other (mostly /24s, so mostly a node and a leaf below the first level).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LookupBenchmark {
    static final int CHUNK = 1024;
    static final int POOL = 1 << 20;
    /** The address pools' seed, shared by every lookup benchmark so they all look up the same addresses. */
    static final long SEED = 0x5EED_BE7CL;
    private static final int HOT = 64;

    @Param({"binary-trie", "dir-24-8", "poptrie", "dir-16-8-8"})
    public String algorithm;

    @Param({"random", "repeated", "prefixes"})
    public String pattern;

    /** Addresses per burst, a power of two from 1 to {@value #CHUNK}. */
    @Param("64")
    public int burst;

    private RouteTable table;
    private int[][] bursts;
    private final int[] out = new int[CHUNK];
    private int[] scratch;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (burst < 1 || burst > CHUNK || Integer.bitCount(burst) != 1) {
            throw new IllegalArgumentException("burst=" + burst + " is not a power of two in 1.." + CHUNK);
        }
        final RouteSet set = FullTable.load();
        table = Algorithms.byName(algorithm).build(set);
        final int[] pool = addresses(pattern, set, new SplittableRandom(SEED), POOL);
        bursts = new int[POOL / burst][];
        for (int b = 0; b < bursts.length; b++) {
            bursts[b] = Arrays.copyOfRange(pool, b * burst, (b + 1) * burst);
        }
        scratch = new int[burst];
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
                final int[] hot = new int[HOT];
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
        final int size = burst;
        int k = next;
        for (int n = 0; n < CHUNK; n += size) {
            final int[] addresses = b[k];
            for (int i = 0; i < size; i++) {
                o[n + i] = t.lookup(addresses[i]);
            }
            k = (k + 1) & (b.length - 1);
        }
        next = k;
        return o;
    }

    /** {@value #CHUNK} lookups as bursts of {@code burst} addresses through lookupBulk. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public int[] bulk() {
        final RouteTable t = table;
        final int[][] b = bursts;
        final int[] hops = scratch;
        final int size = burst;
        int k = next;
        for (int n = 0; n < CHUNK; n += size) {
            t.lookupBulk(b[k], hops, size);
            k = (k + 1) & (b.length - 1);
        }
        next = k;
        return hops;
    }

    public static void main(final String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(LookupBenchmark.class.getSimpleName()).build()).run();
    }
}
