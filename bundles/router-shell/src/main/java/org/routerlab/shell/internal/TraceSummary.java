package org.routerlab.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceVisitor;

/**
 * What {@code router replay} learns from a trace: one pass over its records. When a directory holds several runs
 * (a sink appends), the last run is summarised and {@link #runs} counts them.
 *
 * <p>Counts come from the burst records (packets received, transmitted, dropped; the platform's deltas) and, at the
 * packet level, from the packet records (drops by reason) and completion records (latency); totals the run footer
 * states are kept apart ({@link #end}) so that a reader can check the two agree. Time lines are 10 ms bins of wall
 * time since the run started.
 */
final class TraceSummary implements TraceVisitor {
    /** Width of a time-line bin. */
    static final long BIN_NANOS = 10_000_000L;
    static final int HYPERCALLS_FIRST = PlatformOp.HYPERCALL_MEMORY_EXCHANGE.id();
    static final int HYPERCALLS_LAST = PlatformOp.HYPERCALL_MULTICALL.id();

    int runs;
    long records;
    Map<String, String> header = Map.of();
    Map<String, String> end = Map.of();
    boolean complete;

    long bursts;
    long packetsRx;
    long packetsTx;
    long dropped;
    long firstWall = -1;
    long lastWall;
    long firstModeled = -1;
    long lastModeled;
    final long[] platform = new long[PlatformOp.count()];
    long rxRingSum;
    long rxRingMax;
    long txRingSum;
    long txRingMax;
    long ringSamples;
    final Histogram rxRing = new Histogram(1L << 16, 2);

    long packetRecords;
    final long[] dropsByReason = new long[DropReason.count() + 8];
    long forwardedRecords;
    final Histogram latency = new Histogram(3_600_000_000_000L, 3);
    long completions;
    long unknownLatency;

    long[] lastCounters;
    final List<Map<String, Object>> swaps = new ArrayList<>();

    /** Per bin: rx, tx, drops, hypercalls, modeled ns at the bin's last burst, rx ring sum, ring samples. */
    long[][] bins = new long[7][64];
    int binCount;

    @Override
    public void header(final Map<String, String> header) {
        runs++;
        records++;
        final int keepRuns = runs;
        final long keepRecords = records;
        reset();
        runs = keepRuns;
        records = keepRecords;
        this.header = header;
    }

    private void reset() {
        end = Map.of();
        bursts = packetsRx = packetsTx = dropped = 0;
        firstWall = firstModeled = -1;
        lastWall = lastModeled = 0;
        java.util.Arrays.fill(platform, 0);
        rxRingSum = rxRingMax = txRingSum = txRingMax = ringSamples = 0;
        rxRing.reset();
        packetRecords = forwardedRecords = completions = unknownLatency = 0;
        java.util.Arrays.fill(dropsByReason, 0);
        latency.reset();
        lastCounters = null;
        swaps.clear();
        bins = new long[7][64];
        binCount = 0;
    }

    @Override
    public void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped) {
        burst(wallNanos, modeledNanos, port, received, transmitted, dropped, -1, -1, new long[0]);
    }

    @Override
    public void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped, final int rxRing, final int txRing,
            final long[] platformDeltas) {
        records++;
        bursts++;
        packetsRx += received;
        packetsTx += transmitted;
        this.dropped += dropped;
        if (firstWall < 0) {
            firstWall = wallNanos;
            firstModeled = modeledNanos;
        }
        lastWall = Math.max(lastWall, wallNanos);
        lastModeled = Math.max(lastModeled, modeledNanos);
        long hypercalls = 0;
        for (int k = 0; k < platformDeltas.length && k < platform.length; k++) {
            platform[k] += platformDeltas[k];
            if (k >= HYPERCALLS_FIRST && k <= HYPERCALLS_LAST) {
                hypercalls += platformDeltas[k];
            }
        }
        if (rxRing >= 0) {
            ringSamples++;
            rxRingSum += rxRing;
            txRingSum += txRing;
            rxRingMax = Math.max(rxRingMax, rxRing);
            txRingMax = Math.max(txRingMax, txRing);
            this.rxRing.recordValue(Math.min(rxRing, (1L << 16) - 1));
        }
        final int bin = bin(wallNanos);
        bins[0][bin] += received;
        bins[1][bin] += transmitted;
        bins[2][bin] += dropped;
        bins[3][bin] += hypercalls;
        bins[4][bin] = Math.max(bins[4][bin], modeledNanos);
        if (rxRing >= 0) {
            bins[5][bin] += rxRing;
            bins[6][bin]++;
        }
    }

    private int bin(final long wallNanos) {
        final int bin = (int) Math.max(0, Math.min(wallNanos / BIN_NANOS, 1_000_000));
        if (bin >= bins[0].length) {
            final int size = Math.max(bin + 1, bins[0].length * 2);
            for (int r = 0; r < bins.length; r++) {
                bins[r] = java.util.Arrays.copyOf(bins[r], size);
            }
        }
        binCount = Math.max(binCount, bin + 1);
        return bin;
    }

    @Override
    public void packets(final long wallNanos, final long modeledNanos, final PacketRecords block) {
        records++;
        final int size = block.size();
        packetRecords += size;
        for (int i = 0; i < size; i++) {
            final int verdict = block.verdict(i);
            if (verdict == PacketRecords.FORWARDED) {
                forwardedRecords++;
            } else if (verdict - 1 < dropsByReason.length) {
                dropsByReason[verdict - 1]++;
            }
        }
    }

    @Override
    public void completions(final long wallNanos, final long modeledNanos, final int port, final long[] latencies,
            final int count) {
        records++;
        completions += count;
        for (int i = 0; i < count; i++) {
            if (latencies[i] >= 0) {
                latency.recordValue(Math.min(latencies[i], latency.getHighestTrackableValue()));
            } else {
                unknownLatency++;
            }
        }
    }

    @Override
    public void counters(final long wallNanos, final long modeledNanos, final long[] values) {
        records++;
        lastCounters = values;
    }

    @Override
    public void swap(final long wallNanos, final long modeledNanos, final String what, final String from,
            final String to, final long pauseNanos, final long packetsLost, final String outcome) {
        records++;
        final Map<String, Object> swap = new LinkedHashMap<>();
        swap.put("wall_s", wallNanos / 1e9);
        swap.put("modeled_ns", modeledNanos);
        swap.put("what", what);
        swap.put("from", from);
        swap.put("to", to);
        swap.put("pause_us", pauseNanos / 1e3);
        swap.put("packets_lost", packetsLost);
        swap.put("outcome", outcome);
        swaps.add(swap);
    }

    @Override
    public void end(final Map<String, String> summary) {
        records++;
        end = summary;
    }

    // ---- derived figures

    String config(final String key) {
        return header.getOrDefault("config." + key, "");
    }

    /** The cost profile: configured, or the backend's default as its platform names it (e.g. ixgbevf/xen-pv). */
    String profile() {
        final String configured = config("profile");
        return configured.isEmpty() ? header.getOrDefault("run.platform", "") : configured;
    }

    String level() {
        return header.getOrDefault("run.trace_level", config("trace.level"));
    }

    boolean packetLevel() {
        return "packet".equals(level());
    }

    /** Run-wide platform totals: the footer's when the run ended, else the sum of the burst deltas. */
    long platformTotal(final PlatformOp op) {
        final String v = end.get("platform." + op.key());
        if (v != null) {
            return Long.parseLong(v);
        }
        return platform[op.id()];
    }

    long hypercalls() {
        long sum = 0;
        for (int k = HYPERCALLS_FIRST; k <= HYPERCALLS_LAST; k++) {
            sum += platformTotal(PlatformOp.byId(k));
        }
        return sum;
    }

    double perPacket(final long value) {
        return packetsRx == 0 ? 0 : (double) value / packetsRx;
    }

    double wallSeconds() {
        final String v = end.get("wall_ns");
        return v != null ? Long.parseLong(v) / 1e9 : lastWall / 1e9;
    }

    long modeledNanos() {
        final String v = end.get("modeled_ns");
        return v != null ? Long.parseLong(v) : lastModeled;
    }

    /** Drops by reason key: from packet records at the packet level, else from the footer or last snapshot. */
    Map<String, Long> drops() {
        final Map<String, Long> drops = new LinkedHashMap<>();
        for (final DropReason r : DropReason.values()) {
            long n;
            if (packetLevel() && filtersOff()) {
                n = dropsByReason[r.id()];
            } else if (end.containsKey("drops." + r.key())) {
                n = Long.parseLong(end.get("drops." + r.key()));
            } else {
                n = counter("drops." + r.key());
            }
            if (n != 0) {
                drops.put(r.key(), n);
            }
        }
        return drops;
    }

    /** Whether the trace holds every packet record (no port, prefix or kind filter). */
    boolean filtersOff() {
        return config("trace.ports").isBlank() && config("trace.prefixes").isBlank()
                && config("trace.events").isBlank();
    }

    /** A value of the last counter snapshot by its key in the header's layout, 0 when absent. */
    long counter(final String key) {
        if (lastCounters == null) {
            return 0;
        }
        final String[] layout = header.getOrDefault("run.counters", "").split(",");
        for (int i = 0; i < layout.length && i < lastCounters.length; i++) {
            if (layout[i].equals(key)) {
                return lastCounters[i];
            }
        }
        return 0;
    }
}
