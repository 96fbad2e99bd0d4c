package org.routerlab.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the machine gives a lookup structure: independent random one-byte reads from arrays of several sizes, in
 * bursts of 64 (a loop of loads with nothing else in it, as the best bulk lookups do), in millions of reads per
 * second of the thread's CPU time, the sizes taken in turn every round so that they see the same load. With
 * {@code page}, only one line of each 4 KiB page is read (line p mod 64 of page p, so that the lines spread over
 * the cache sets): the data then fits in L2 (up to 16 MiB of pages) and what is left is mostly the cost of the
 * address translation.
 * <pre>
 * java -cp target/benchmarks.jar org.routerlab.benchmarks.RandomReads [ROUNDS] [any|page] [MiB,MiB,...]
 * </pre>
 * Defaults: 10 rounds, any, 1,2,4,6,8,16,32 MiB. Prints one line per round and the median per size.
 */
public final class RandomReads {
    private static final int READS = 1 << 20;

    private RandomReads() {
    }

    public static void main(final String[] args) {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final boolean page = args.length > 1 && args[1].equals("page");
        final int[] mib = Arrays.stream((args.length > 2 ? args[2] : "1,2,4,6,8,16,32").split(","))
                .mapToInt(Integer::parseInt).toArray();
        final SplittableRandom random = new SplittableRandom(7);
        final byte[][] arrays = new byte[mib.length][];
        final int[][] index = new int[mib.length][READS];
        for (int k = 0; k < mib.length; k++) {
            final int bytes = mib[k] << 20;
            arrays[k] = new byte[bytes];
            random.nextBytes(arrays[k]);
            for (int i = 0; i < READS; i++) {
                final int pageNumber = random.nextInt(bytes >>> 12);
                index[k][i] = page ? (pageNumber << 12) + ((pageNumber & 63) << 6) + (i & 63) : random.nextInt(bytes);
            }
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final int[] out = new int[64];
        final double[][] rates = new double[mib.length][rounds];
        long sink = 0;
        for (int round = -2; round < rounds; round++) {
            final StringBuilder line = new StringBuilder();
            for (int k = 0; k < mib.length; k++) {
                final long cpu = threads.getCurrentThreadCpuTime();
                for (int rep = 0; rep < 4; rep++) {
                    sink += run(arrays[k], index[k], out);
                }
                final double rate = 4.0 * READS * 1e3 / (threads.getCurrentThreadCpuTime() - cpu);
                if (round >= 0) {
                    rates[k][round] = rate;
                }
                line.append(String.format(Locale.ROOT, " %3d MiB %5.0f", mib[k], rate));
            }
            if (round >= 0) {
                System.out.println(line + "  M reads/CPU-s");
            }
        }
        final StringBuilder medians = new StringBuilder("median");
        for (int k = 0; k < mib.length; k++) {
            final double[] v = rates[k].clone();
            Arrays.sort(v);
            medians.append(String.format(Locale.ROOT, " %3d MiB %5.0f", mib[k], v[v.length / 2]));
        }
        System.out.println(medians + "  (" + (page ? "one line per page" : "uniform") + ", load "
                + String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
                + ", " + (sink & 1) + ")");
    }

    private static int run(final byte[] array, final int[] index, final int[] out) {
        int s = 0;
        for (int b = 0; b < index.length; b += 64) {
            for (int i = 0; i < 64; i++) {
                out[i] = array[index[b + i]];
            }
            s += out[5];
        }
        return s;
    }
}
