package org.routerlab.shell.internal;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;
import java.time.Duration;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;

/**
 * Runs {@code router bench}: for each cell of the plan, starts the engine with that strategy, frame size and
 * profile, lets it warm up, snapshots the counters, measures a window, snapshots again and stops. The cell's
 * figures are the differences between the two snapshots, so they describe the steady state. A progress bar goes to
 * {@code progress} (the terminal's stderr).
 */
final class BenchRunner {
    private static final long POLL_MILLIS = 5;

    private final EngineControl engine;
    private final PrintStream progress;

    BenchRunner(final EngineControl engine, final PrintStream progress) {
        this.engine = engine;
        this.progress = progress;
    }

    List<BenchCell> run(final BenchPlan plan, final Map<String, String> overrides) throws Exception {
        final List<BenchCell> cells = new ArrayList<>();
        final int total = plan.cells();
        int done = 0;
        for (final String profile : plan.profiles()) {
            for (final String strategy : plan.strategies()) {
                for (final int size : plan.sizes()) {
                    progress(done, total, strategy + " " + size + " B " + profile);
                    cells.add(cell(plan, overrides, strategy, size, profile));
                    done++;
                }
            }
        }
        progress(done, total, "done");
        progress.println();
        return cells;
    }

    private BenchCell cell(final BenchPlan plan, final Map<String, String> overrides, final String strategy,
            final int size, final String profile) throws Exception {
        final Map<String, String> config = new TreeMap<>(overrides);
        config.put("nic", plan.nic());
        config.put("dma", strategy);
        config.put("profile", profile);
        config.put("packet.size", Integer.toString(size - BenchPlan.FCS));
        config.putIfAbsent("trace.dir", "");
        final long warmup = (long) (plan.seconds() * BenchPlan.WARMUP_SHARE * 1e9);
        final long window = (long) (plan.seconds() * 1e9) - warmup;
        engine.start(RunLimits.unlimited(), config);
        final RouterStatus a;
        final RouterStatus b;
        try {
            a = awaitWall(warmup);
            b = awaitWall(warmup + window);
        } finally {
            engine.stop();
            engine.awaitFinished(Duration.ofSeconds(30));
        }
        final RouterStatus end = engine.status();
        return measure(strategy, size, profile, a, b, end);
    }

    /** Waits until the run's wall clock reaches {@code nanos} (or it ended) and returns a status snapshot. */
    private RouterStatus awaitWall(final long nanos) throws InterruptedException {
        RouterStatus s = engine.status();
        while (s.wallNanos() < nanos && s.state() == org.routerlab.api.engine.EngineState.RUNNING) {
            Thread.sleep(POLL_MILLIS);
            s = engine.status();
        }
        return s;
    }

    static BenchCell measure(final String strategy, final int size, final String profile, final RouterStatus a,
            final RouterStatus b, final RouterStatus end) {
        final long packets = b.packetsRx() - a.packetsRx();
        final double per = packets == 0 ? Double.NaN : 1.0 / packets;
        final Map<String, Double> byType = new LinkedHashMap<>();
        long hypercalls = 0;
        for (final Map.Entry<String, Long> e : b.platform().entrySet()) {
            if (e.getKey().startsWith("hypercalls_")) {
                final long delta = e.getValue() - a.platform().getOrDefault(e.getKey(), 0L);
                hypercalls += delta;
                byType.put(e.getKey().substring("hypercalls_".length()), delta * per);
            }
        }
        final long modeled = b.modeledNanos() - a.modeledNanos();
        final long wall = b.wallNanos() - a.wallNanos();
        return new BenchCell(strategy, size, profile, packets, (b.packetsTx() - a.packetsTx()) * per,
                hypercalls * per, byType,
                delta(a, b, "dma_maps") * per, delta(a, b, "iotlb_invalidations") * per,
                delta(a, b, "bounce_bytes") * per, (portDelta(a, b, "rx_tail_writes") + portDelta(a, b,
                        "tx_tail_writes")) * per,
                end.platform().getOrDefault("dma_faults", 0L), portDelta(a, b, "rx_missed"),
                modeled == 0 ? Double.NaN : packets * 1e3 / modeled, wall == 0 ? Double.NaN : packets * 1e3 / wall,
                Math.max(0, end.buffersOutstanding()) + Math.max(0, end.liveMappings()), end.error());
    }

    private static long delta(final RouterStatus a, final RouterStatus b, final String key) {
        return b.platform().getOrDefault(key, 0L) - a.platform().getOrDefault(key, 0L);
    }

    private static long portDelta(final RouterStatus a, final RouterStatus b, final String key) {
        long sum = 0;
        for (final Map.Entry<String, Map<String, Long>> e : b.ports().entrySet()) {
            final Map<String, Long> before = a.ports().getOrDefault(e.getKey(), Map.of());
            sum += e.getValue().getOrDefault(key, 0L) - before.getOrDefault(key, 0L);
        }
        return sum;
    }

    private void progress(final int done, final int total, final String what) {
        final int width = 30;
        final int filled = total == 0 ? width : done * width / total;
        progress.print("\r[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + done + "/" + total + "  "
                + String.format("%-40s", what));
        progress.flush();
    }
}
