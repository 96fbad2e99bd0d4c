package org.routerlab.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * Paired comparison of bulk lookups: every algorithm's table in one JVM, and rounds in which each takes a short
 * slice ({@code -n} lookups, a million by default) in turn, in a rotating order; reported per algorithm: the median
 * and range of lookups per CPU-second and the median and quartiles of the per-round ratio to the first algorithm.
 * Slices of a few milliseconds taken back to back see nearly the same machine, so the ratios are much steadier than
 * figures from separate runs or JVMs on a shared host (where the absolute rates swing 2-3x within seconds). The
 * tables share the caches here, as they would not in a router, so use it to compare, and {@link LookupCpu} or JMH
 * for the rates themselves.
 * <pre>
 * java -cp target/benchmarks.jar org.routerlab.benchmarks.LookupPaired [-a dir-16-8-8,poptrie,dir-24-8]
 *      [-p random|repeated|prefixes] [-r ROUNDS] [-b BURST] [-n LOOKUPS_PER_SLICE]
 * </pre>
 * Defaults: those three algorithms, random, 300 rounds, bursts of 64, 2^20 lookups per slice. The address pool is
 * {@link LookupBenchmark}'s (same seed).
 */
public final class LookupPaired {
    private LookupPaired() {
    }

    public static void main(final String[] args) throws Exception {
        List<String> algorithms = List.of("dir-16-8-8", "poptrie", "dir-24-8");
        String pattern = "random";
        int rounds = 300;
        int burst = 64;
        int slice = 1 << 20;
        for (int i = 0; i < args.length; i += 2) {
            final String value = args[i + 1];
            switch (args[i]) {
                case "-a" -> algorithms = List.of(value.split(","));
                case "-p" -> pattern = value;
                case "-r" -> rounds = Integer.parseInt(value);
                case "-b" -> burst = Integer.parseInt(value);
                case "-n" -> slice = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [-a ALGORITHMS] [-p PATTERN] [-r ROUNDS] [-b BURST] [-n LOOKUPS_PER_SLICE]");
            }
        }
        final RouteSet set = FullTable.load();
        final RouteTable[] tables = new RouteTable[algorithms.size()];
        for (int k = 0; k < tables.length; k++) {
            tables[k] = Algorithms.byName(algorithms.get(k)).build(set);
        }
        final int pool = 1 << 20;
        final int[] addresses = LookupBenchmark.addresses(pattern, set, new SplittableRandom(LookupBenchmark.SEED), pool);
        final int[][] bursts = new int[pool / burst][];
        for (int b = 0; b < bursts.length; b++) {
            bursts[b] = Arrays.copyOfRange(addresses, b * burst, (b + 1) * burst);
        }
        final int[] out = new int[burst];
        final int[] expected = new int[burst];
        for (int b = 0; b < bursts.length; b++) {
            tables[0].lookupBulk(bursts[b], expected, burst);
            for (int k = 1; k < tables.length; k++) {
                tables[k].lookupBulk(bursts[b], out, burst);
                if (!Arrays.equals(expected, out)) {
                    throw new IllegalStateException(algorithms.get(k) + " differs from " + algorithms.get(0));
                }
            }
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final double[][] rates = new double[tables.length][rounds];
        final int slices = Math.max(1, slice / burst);
        long sink = 0;
        int next = 0;
        for (int round = -20; round < rounds; round++) {
            for (int j = 0; j < tables.length; j++) {
                final int k = (j + Math.max(round, 0)) % tables.length;
                final RouteTable table = tables[k];
                final long cpu = threads.getCurrentThreadCpuTime();
                for (int s = 0; s < slices; s++) {
                    table.lookupBulk(bursts[next], out, burst);
                    next = next + 1 == bursts.length ? 0 : next + 1;
                }
                sink += out[0];
                final long used = threads.getCurrentThreadCpuTime() - cpu;
                if (round >= 0) {
                    rates[k][round] = (double) slices * burst * 1e3 / used;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-12s %26s %34s%n", "algorithm", "M lookups/CPU-s med [min-max]",
                "ratio to " + algorithms.get(0) + " med [quartiles]");
        for (int k = 0; k < tables.length; k++) {
            final double[] r = rates[k].clone();
            Arrays.sort(r);
            final double[] ratio = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                ratio[i] = rates[k][i] / rates[0][i];
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "%-12s %8.1f [%6.1f-%6.1f] %18.2f [%4.2f-%4.2f]%n", algorithms.get(k),
                    r[rounds / 2], r[0], r[rounds - 1], ratio[rounds / 2], ratio[rounds / 4], ratio[3 * rounds / 4]);
        }
        System.out.printf(Locale.ROOT, "(%s, %d rounds of %d lookups each, burst %d, load %.2f, %d)%n", pattern, rounds,
                slices * burst, burst, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), sink & 1);
        for (final RouteTable table : tables) {
            table.close();
        }
    }
}
