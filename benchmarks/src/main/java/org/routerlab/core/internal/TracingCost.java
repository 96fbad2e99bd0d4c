package org.routerlab.core.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.dma.premapped.internal.PremappedReuseFactory;
import org.routerlab.nic.ixgbevf.internal.IxgbevfNicBackend;
import org.routerlab.route.dir24.internal.Dir24Algorithm;
import org.routerlab.trace.chronicle.internal.ChronicleTraceStore;

/**
 * What tracing costs the whole forwarding loop, measured as CPU time of the forwarding thread per packet (so that
 * other processes on a shared machine do not distort it): the real engine (nic=ixgbevf, profile xen-pv,
 * dma=premapped-reuse, routing=dir-24-8, 64-byte frames), N packets per run, with no trace, trace.level=burst and
 * trace.level=packet, in rotating order, several rounds. Lives in the engine's package for its package-private
 * activation and binding methods (like the ixgbevf bundle's EngineHarness).
 *
 * <pre>java --add-opens... -cp target/benchmarks.jar org.routerlab.core.internal.TracingCost [PACKETS] [ROUNDS]</pre>
 */
public final class TracingCost {
    private TracingCost() {
    }

    public static void main(final String[] args) throws Exception {
        final long packets = args.length > 0 ? Long.parseLong(args[0]) : 4_000_000;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final Path home = Files.createTempDirectory("tracing-cost");
        final Path routes = home.resolve("bench.routes");
        Files.writeString(routes, "10.0.0.0/24 dev p0\n10.1.0.0/24 dev p1\n172.16.0.0/12 via 10.1.0.2\n"
                + "198.51.0.0/16 via 10.0.0.2\n192.0.2.0/24 via 10.1.0.2\n");
        final RouterEngine engine = new RouterEngine();
        engine.home(home);
        engine.addNic(new IxgbevfNicBackend(), null);
        engine.addStrategy(new PremappedReuseFactory(), null);
        engine.addAlgorithm(new Dir24Algorithm(), null);
        engine.addTraceStore(new ChronicleTraceStore(), null);
        final Map<String, Object> config = new HashMap<>();
        config.put("nic", "ixgbevf");
        config.put("dma", "premapped-reuse");
        config.put("routing", "dir-24-8");
        config.put("routes", routes.toString());
        config.put("seed", "1");
        config.put("service.pid", "routerlab.router");
        engine.activate(null, config);
        final String[] modes = {"off", "burst", "packet"};
        final Map<String, double[]> nanosPerPacket = new LinkedHashMap<>();
        for (final String m : modes) {
            nanosPerPacket.put(m, new double[rounds]);
        }
        run(engine, home, "off", packets); // warm-up (JIT)
        run(engine, home, "packet", packets);
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < modes.length; k++) {
                final String mode = modes[(r + k) % modes.length];
                nanosPerPacket.get(mode)[r] = run(engine, home, mode, packets);
            }
        }
        final double off = median(nanosPerPacket.get("off"));
        for (final String m : modes) {
            final double median = median(nanosPerPacket.get(m));
            System.out.printf(Locale.ROOT, "%-7s forwarding-thread CPU %.1f ns/packet (median of %d; runs %s) = %.2f "
                    + "Mpps per core; cost vs off %+.1f%%%n", m, median, rounds,
                    round(nanosPerPacket.get(m)), 1e3 / median, (median / off - 1) * 100);
        }
    }

    /** One run; the forwarding thread's CPU nanoseconds per received packet. */
    private static double run(final RouterEngine engine, final Path home, final String level, final long packets)
            throws Exception {
        final Path trace = home.resolve("trace-" + level);
        final Map<String, String> overrides = new HashMap<>();
        if (!level.equals("off")) {
            overrides.put("trace.dir", trace.toString());
            overrides.put("trace.level", level);
        }
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        engine.start(new RunLimits(0, packets), overrides);
        long thread = -1;
        long cpu = 0;
        while (!engine.awaitFinished(Duration.ofMillis(2))) {
            if (thread < 0) {
                for (final Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().equals("routerlab-forwarding")) {
                        thread = t.threadId();
                    }
                }
            }
            if (thread >= 0) {
                final long c = threads.getThreadCpuTime(thread);
                cpu = c > 0 ? c : cpu;
            }
        }
        final RouterStatus status = engine.status();
        if (Files.exists(trace)) {
            try (Stream<Path> files = Files.walk(trace)) {
                for (final Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return (double) cpu / status.packetsRx();
    }

    private static double median(final double[] values) {
        final double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static String round(final double[] values) {
        final StringBuilder s = new StringBuilder();
        for (final double v : values) {
            s.append(s.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f", v));
        }
        return s.toString();
    }
}
