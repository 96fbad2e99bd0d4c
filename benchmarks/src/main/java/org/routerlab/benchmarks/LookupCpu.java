package org.routerlab.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link LookupBenchmark}'s loops measured in lookups per second of the measuring thread's <em>CPU time</em> as well
 * as of wall time, and interleaved: one JVM per algorithm (so each call site sees one table class, as under JMH's
 * forks), all started up front, and a driver that runs one slice at a time, round-robin over every algorithm,
 * pattern and mode, so that each round compares them under the same machine load. On a shared machine the CPU-time
 * rate is what one core does while this thread has it (descheduling does not count); what other tenants do to the
 * shared L3 still shows, which is why the slices are interleaved and the report gives the median and range, and the
 * median and quartiles of each round's ratio to the first algorithm (its slice ran seconds before or after).
 * <pre>
 * java -cp target/benchmarks.jar org.routerlab.benchmarks.LookupCpu [-a poptrie,dir-24-8] [-p random] [-m bulk,single]
 *      [-r ROUNDS] [-s SECONDS_PER_SLICE] [-b BURST] [-j JVM_OPTION]...
 * </pre>
 * The algorithm {@code c-dir-24-8} is {@link CBaseline}: a straightforward DIR-24-8 in C, compiled here with the
 * system's {@code cc}, checked against the Java DIR-24-8's answers and measured in the same rounds, so that the Java
 * algorithms are compared with C on the same minute of this shared machine.
 * An algorithm written {@code NAME@OPTION@OPTION} runs with those extra JVM options (e.g.
 * {@code -a poptrie,poptrie@-XX:+UseTransparentHugePages}). Defaults: poptrie and dir-24-8, pattern random, both modes, 10 rounds of 1 s slices after 2 warm-up rounds, burst
 * 64. The same pool of 2^20 addresses per pattern as {@link LookupBenchmark} (same seed).
 */
public final class LookupCpu {
    private LookupCpu() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args[1], Integer.parseInt(args[2]));
            return;
        }
        List<String> algorithms = List.of("poptrie", "dir-24-8");
        List<String> patterns = List.of("random");
        List<String> modes = List.of("bulk", "single");
        int rounds = 10;
        double seconds = 1;
        int burst = 64;
        final List<String> jvm = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            final String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "-a" -> algorithms = List.of(value.split(","));
                case "-p" -> patterns = List.of(value.split(","));
                case "-m" -> modes = List.of(value.split(","));
                case "-r" -> rounds = Integer.parseInt(value);
                case "-s" -> seconds = Double.parseDouble(value);
                case "-b" -> burst = Integer.parseInt(value);
                case "-j" -> jvm.add(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; usage: [-a ALGORITHMS] [-p PATTERNS] [-m MODES] [-r ROUNDS] [-s SECONDS] [-b BURST] [-j JVM_OPTION]");
            }
            i++;
        }
        drive(algorithms, patterns, modes, rounds, seconds, burst, jvm);
    }

    private record Child(String algorithm, Process process, BufferedReader out, PrintStream in) {
        long[] run(final String pattern, final String mode, final double seconds) throws Exception {
            in.println(pattern + " " + mode + " " + seconds);
            in.flush();
            final String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException(algorithm + ": child ended");
            }
            return Arrays.stream(line.trim().split(" ")).mapToLong(Long::parseLong).toArray();
        }
    }

    private static void drive(final List<String> algorithms, final List<String> patterns, final List<String> modes,
                              final int rounds, final double seconds, final int burst, final List<String> jvm)
            throws Exception {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final String classpath = System.getProperty("java.class.path");
        final List<Child> children = new ArrayList<>();
        CBaseline baseline = null;
        for (final String algorithm : algorithms) {
            if (algorithm.equals(CBaseline.NAME)) {
                if (baseline == null) {
                    baseline = CBaseline.prepare(patterns);
                }
                final Process process = new ProcessBuilder(baseline.command(burst))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                final Child child = new Child(algorithm, process,
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                        new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8));
                baseline.verify(child.in(), child.out(), patterns);
                children.add(child);
                continue;
            }
            // NAME@OPTION@OPTION: the same algorithm with extra JVM options (e.g. poptrie@-XX:+UseTransparentHugePages).
            final String[] parts = algorithm.split("@");
            final List<String> command = new ArrayList<>(List.of(java));
            command.addAll(jvm);
            command.addAll(Arrays.asList(parts).subList(1, parts.length));
            command.addAll(List.of("-cp", classpath, LookupCpu.class.getName(), "--child", parts[0],
                    Integer.toString(burst)));
            final Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            children.add(new Child(algorithm, process,
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
                    new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8)));
        }
        final Map<String, List<double[]>> results = new LinkedHashMap<>();
        try {
            for (final Child child : children) {
                // Builds and warm-up: two slices of every pattern and mode, discarded.
                for (int w = 0; w < 2; w++) {
                    for (final String pattern : patterns) {
                        for (final String mode : modes) {
                            child.run(pattern, mode, seconds);
                        }
                    }
                }
            }
            for (int round = 0; round < rounds; round++) {
                final StringBuilder slices = new StringBuilder();
                for (int k = 0; k < children.size(); k++) {
                    final Child child = children.get((k + round) % children.size());
                    for (final String pattern : patterns) {
                        for (final String mode : modes) {
                            final long[] r = child.run(pattern, mode, seconds);
                            results.computeIfAbsent(child.algorithm() + " " + pattern + " " + mode,
                                    key -> new ArrayList<>()).add(new double[] {r[0] * 1e9 / r[2], r[0] * 1e9 / r[1]});
                            slices.append(String.format(Locale.ROOT, " %s %s %s %.1f;", child.algorithm(), pattern,
                                    mode, r[0] * 1e3 / r[2]));
                        }
                    }
                }
                System.err.printf(Locale.ROOT, "round %d/%d done, M lookups/CPU-s in slice order:%s%n", round + 1,
                        rounds, slices);
            }
        } finally {
            for (final Child child : children) {
                child.in().close();
                child.process().waitFor();
            }
        }
        final String first = algorithms.get(0);
        System.out.printf(Locale.ROOT, "%-30s %28s %28s %30s%n", "algorithm pattern mode", "M lookups/CPU-s med [min-max]",
                "M lookups/wall-s med [min-max]", "CPU-s ratio to " + first + " med [quartiles]");
        for (final Map.Entry<String, List<double[]>> e : results.entrySet()) {
            final String key = e.getKey();
            final List<double[]> base = results.get(first + key.substring(key.indexOf(' ')));
            System.out.printf(Locale.ROOT, "%-30s %28s %28s %30s%n", key, summary(e.getValue(), 0),
                    summary(e.getValue(), 1), ratios(e.getValue(), base));
        }
        System.out.printf(Locale.ROOT, "(%d rounds of %.1f s slices, burst %d, load %s)%n", rounds, seconds, burst,
                String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    }

    /**
     * The per-round ratio of CPU-time rates to the first algorithm's in the same round (slices seconds apart see
     * nearly the same machine, so the ratio is much steadier than the rates): median and quartiles.
     */
    private static String ratios(final List<double[]> values, final List<double[]> base) {
        if (base == null || base.size() != values.size()) {
            return "-";
        }
        final double[] r = new double[values.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = values.get(i)[0] / base.get(i)[0];
        }
        Arrays.sort(r);
        return String.format(Locale.ROOT, "%5.2f [%4.2f-%4.2f]", r[r.length / 2], r[r.length / 4], r[3 * r.length / 4]);
    }

    private static String summary(final List<double[]> values, final int column) {
        final double[] v = values.stream().mapToDouble(a -> a[column] / 1e6).sorted().toArray();
        final double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        return String.format(Locale.ROOT, "%7.1f [%6.1f-%6.1f]", median, v[0], v[v.length - 1]);
    }

    /** One algorithm: reads "PATTERN MODE SECONDS" lines, answers "LOOKUPS WALL_NS CPU_NS". */
    private static void child(final String algorithm, final int burst) throws Exception {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<String, LookupBenchmark> benchmarks = new LinkedHashMap<>();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err);
        long sink = 0;
        try {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                final String[] words = line.trim().split(" ");
                final String pattern = words[0];
                final boolean bulk = words[1].equals("bulk");
                final long nanos = (long) (Double.parseDouble(words[2]) * 1e9);
                LookupBenchmark b = benchmarks.get(pattern);
                if (b == null) {
                    b = new LookupBenchmark();
                    b.algorithm = algorithm;
                    b.pattern = pattern;
                    b.burst = burst;
                    b.setUp();
                    benchmarks.put(pattern, b);
                }
                long lookups = 0;
                final long wall0 = System.nanoTime();
                final long cpu0 = threads.getCurrentThreadCpuTime();
                final long end = wall0 + nanos;
                do {
                    for (int i = 0; i < 256; i++) {
                        sink += (bulk ? b.bulk() : b.single())[0];
                    }
                    lookups += 256L * LookupBenchmark.CHUNK;
                } while (System.nanoTime() < end);
                final long cpu = threads.getCurrentThreadCpuTime() - cpu0;
                final long wall = System.nanoTime() - wall0;
                out.println(lookups + " " + wall + " " + cpu);
            }
        } finally {
            for (final LookupBenchmark b : benchmarks.values()) {
                b.tearDown();
            }
            System.err.println(algorithm + " done (" + (sink & 1) + ")");
        }
    }
}
