package org.routerlab.shell.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.engine.PluginInfo;
import org.routerlab.api.engine.PluginKind;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.SwapRecord;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.platform.PlatformOp;

/**
 * Every text and JSON form the command line and the Gogo commands print: status lines, run summaries, counters and
 * plug-in lists. Pure functions of API values, so the driver and the shell print the same thing.
 */
final class RouterFormat {
    private static final String DMA_MAPS = PlatformOp.DMA_MAP.key();
    private static final String DMA_UNMAPS = PlatformOp.DMA_UNMAP.key();
    private static final String HYPERCALL_PREFIX = "hypercalls_";
    private static final String PROFILE = "profile";

    private RouterFormat() {
    }

    // ---- status line ---------------------------------------------------------------------------------------------

    /**
     * One line per second of a run: rx and tx Mpps since {@code previous}, drops so far with the non-zero reasons,
     * and DMA map operations per received packet so far. Example:
     * {@code [  3 s] rx 12.345 Mpps  tx 12.001 Mpps  drops 4321 (no-route 4000, ttl-exceeded 321)  dma maps/pkt 2.000}
     */
    static String statusLine(final RouterStatus previous, final RouterStatus current, final long second,
            final double intervalSeconds) {
        final long wallDelta = current.wallNanos() - previous.wallNanos();
        final double seconds = wallDelta > 0 ? wallDelta / 1e9 : intervalSeconds;
        final double rx = rate(current.packetsRx() - previous.packetsRx(), seconds);
        final double tx = rate(current.packetsTx() - previous.packetsTx(), seconds);
        return String.format(Locale.ROOT, "[%3d s] rx %.3f Mpps  tx %.3f Mpps  drops %s  dma maps/pkt %.3f", second,
                rx, tx, dropsText(current.drops()), mapsPerPacket(current));
    }

    private static double rate(final long packets, final double seconds) {
        return seconds > 0 ? packets / seconds / 1e6 : 0;
    }

    /** Total drops followed by the non-zero reasons in {@link DropReason} order: {@code 5 (no-route 3, local 2)}. */
    static String dropsText(final Map<String, Long> drops) {
        long total = 0;
        final List<String> reasons = new ArrayList<>();
        for (final DropReason reason : DropReason.values()) {
            final long n = drops.getOrDefault(reason.key(), 0L);
            total += n;
            if (n != 0) {
                reasons.add(reason.key() + " " + n);
            }
        }
        for (final Map.Entry<String, Long> other : new TreeMap<>(drops).entrySet()) {
            if (!RouterStatus.dropKeys().contains(other.getKey()) && other.getValue() != 0) {
                total += other.getValue();
                reasons.add(other.getKey() + " " + other.getValue());
            }
        }
        return reasons.isEmpty() ? Long.toString(total) : total + " (" + String.join(", ", reasons) + ")";
    }

    /** Platform {@code dma_maps} per received packet; 0 before the first packet. */
    static double mapsPerPacket(final RouterStatus status) {
        final long maps = status.platform().getOrDefault(DMA_MAPS, 0L);
        return status.packetsRx() == 0 ? 0 : (double) maps / status.packetsRx();
    }

    /** Modeled millions of received packets per second of modeled time; 0 when nothing was modeled. */
    static double modeledMpps(final RouterStatus status) {
        return status.modeledNanos() == 0 ? 0 : status.packetsRx() * 1e3 / status.modeledNanos();
    }

    // ---- run --------------------------------------------------------------------------------------------------------

    /** The line printed when a run starts: what forwards, and until when. */
    static String runHeader(final Map<String, String> configuration, final RunLimits limits) {
        return "routerlab: nic=" + configuration.getOrDefault("nic", "?") + " dma="
                + configuration.getOrDefault("dma", "?") + " routing=" + configuration.getOrDefault("routing", "?")
                + " routes=" + configuration.getOrDefault("routes", "?") + ", " + limitsText(limits);
    }

    static String limitsText(final RunLimits limits) {
        final String time = limits.durationNanos() == 0 ? null
                : String.format(Locale.ROOT, "%s s", decimal(limits.durationNanos() / 1e9));
        final String packets = limits.maxPackets() == 0 ? null : limits.maxPackets() + " packets";
        if (time != null && packets != null) {
            return "until " + packets + " or " + time + ", whichever comes first";
        }
        if (time != null) {
            return "for " + time;
        }
        return packets != null ? "until " + packets : "until stopped";
    }

    private static String decimal(final double value) {
        return value == Math.rint(value) ? Long.toString((long) value)
                : String.format(Locale.ROOT, "%.3f", value).replaceAll("0+$", "");
    }

    /** The readable summary block of a finished run. */
    static String summaryText(final RunReport report) {
        final RouterStatus s = report.status();
        final StringBuilder out = new StringBuilder(1024);
        out.append(String.format(Locale.ROOT, "routerlab run %s%s after %.3f s wall, %.6f s modeled%n",
                s.state().name().toLowerCase(Locale.ROOT), report.interrupted() ? " (interrupted)" : "",
                s.wallNanos() / 1e9, s.modeledNanos() / 1e9));
        row(out, "plug-ins", "nic=" + s.nic() + "  dma=" + s.dma() + "  routing=" + s.routing() + "  (" + s.routes()
                + " routes)");
        row(out, "packets", "offered " + (s.packetsOffered() < 0 ? "?" : Long.toString(s.packetsOffered())) + "  rx "
                + s.packetsRx() + "  tx " + s.packetsTx() + "  in flight " + s.inFlight());
        row(out, "bytes", "rx " + s.bytesRx() + "  tx " + s.bytesTx());
        row(out, "rate", String.format(Locale.ROOT, "wall %.3f Mpps  modeled %.3f Mpps", s.wallMpps(),
                modeledMpps(s)));
        row(out, "drops", dropsText(s.drops()));
        row(out, "dma", String.format(Locale.ROOT, "maps %d  unmaps %d  maps/pkt %.3f  live mappings %d  "
                + "buffers outstanding %d", platform(s, DMA_MAPS), platform(s, DMA_UNMAPS), mapsPerPacket(s),
                s.liveMappings(), s.buffersOutstanding()));
        final String profile = report.configuration().get(PROFILE);
        if (profile != null) {
            row(out, "model", String.format(Locale.ROOT, "profile %s  hypercalls/pkt %.3f  bounce B/pkt %.1f  "
                    + "iotlb invalidations %d  dma faults %d  rx_missed %d  tail writes %d  buffers leaked %d",
                    profile, perPacket(s, totalHypercalls(s)), perPacket(s, platform(s, PlatformOp.BOUNCE_BYTES.key())),
                    platform(s, PlatformOp.IOTLB_INVALIDATION.key()), platform(s, PlatformOp.DMA_FAULT.key()),
                    portTotal(s, PortCounter.RX_MISSED),
                    portTotal(s, PortCounter.RX_TAIL_WRITES) + portTotal(s, PortCounter.TX_TAIL_WRITES),
                    buffersLeaked(s)));
        }
        final StringBuilder platform = new StringBuilder();
        for (final Map.Entry<String, Long> op : platformOrdered(s).entrySet()) {
            if (op.getValue() != 0 && !op.getKey().equals(DMA_MAPS) && !op.getKey().equals(DMA_UNMAPS)) {
                platform.append(platform.isEmpty() ? "" : "  ").append(op.getKey()).append(' ').append(op.getValue());
            }
        }
        if (!platform.isEmpty()) {
            row(out, "platform", platform.toString());
        }
        for (final Map.Entry<String, Map<String, Long>> port : new TreeMap<>(s.ports()).entrySet()) {
            final StringBuilder counters = new StringBuilder();
            for (final Map.Entry<String, Long> c : portOrdered(port.getValue()).entrySet()) {
                if (c.getValue() == 0 && !isPortCounter(c.getKey())) {
                    continue; // a backend's own counters (PortCounters.extra) only when they counted something
                }
                counters.append(counters.isEmpty() ? "" : "  ").append(c.getKey()).append(' ').append(c.getValue());
            }
            row(out, "port " + port.getKey(), counters.toString());
        }
        if (!s.swaps().isEmpty()) {
            row(out, "swaps", swapSummary(s.swaps()));
            final int shown = Math.min(s.swaps().size(), 10);
            for (int i = 0; i < shown; i++) {
                row(out, "", swapLine(s.swaps().get(i)));
            }
            if (shown < s.swaps().size()) {
                row(out, "", "… " + (s.swaps().size() - shown) + " more (--json lists them all)");
            }
        }
        row(out, "trace", s.traceRecords() + " records");
        row(out, "bundles", report.bundlesActive() + "/" + report.bundlesTotal() + " active");
        if (s.error() != null) {
            row(out, "error", s.error());
        }
        return out.toString();
    }

    /** {@code N swaps (K refused), pause max X us, p99 Y us, packets lost Z}. */
    static String swapSummary(final List<SwapRecord> swaps) {
        final long refused = swaps.stream().filter(r -> !r.ok()).count();
        final long[] pauses = swaps.stream().filter(SwapRecord::ok).mapToLong(SwapRecord::pauseNanos).sorted()
                .toArray();
        final long lost = swaps.stream().mapToLong(SwapRecord::packetsLost).sum();
        final StringBuilder b = new StringBuilder();
        b.append(swaps.size()).append(" swaps");
        if (refused > 0) {
            b.append(" (").append(refused).append(" refused)");
        }
        if (pauses.length > 0) {
            b.append(String.format(Locale.ROOT, ", pause median %.1f us, p99 %.1f us, max %.1f us",
                    pauses[pauses.length / 2] / 1e3, pauses[(int) Math.min(pauses.length - 1,
                            Math.ceil(pauses.length * 0.99) - 1)] / 1e3, pauses[pauses.length - 1] / 1e3));
        }
        b.append(", packets lost ").append(lost);
        return b.toString();
    }

    static String swapLine(final SwapRecord r) {
        return String.format(Locale.ROOT, "%8.3f s  %-7s %s -> %s  (%s)  %s", r.wallNanos() / 1e9, r.what(), r.from(),
                r.to(), r.trigger(), r.ok() ? String.format(Locale.ROOT, "pause %.1f us%s, lost %d", r.pauseNanos() / 1e3,
                        r.workNanos() > r.pauseNanos() ? String.format(Locale.ROOT, " (%.1f us of work in steps)",
                                r.workNanos() / 1e3) : "", r.packetsLost()) : "REFUSED: " + r.message());
    }

    private static void row(final StringBuilder out, final String label, final String text) {
        out.append(String.format(Locale.ROOT, "  %-10s %s%n", label, text));
    }

    private static long platform(final RouterStatus s, final String key) {
        return s.platform().getOrDefault(key, 0L);
    }

    /** The summary of a run as the map {@code --json} writes. */
    static Map<String, Object> summaryMap(final RunReport report) {
        final RouterStatus s = report.status();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", s.state().name().toLowerCase(Locale.ROOT));
        json.put("interrupted", report.interrupted());
        json.put("error", s.error());
        json.put("nic", s.nic());
        json.put("dma", s.dma());
        json.put("routing", s.routing());
        json.put("routes", s.routes());
        json.put("packets_offered", s.packetsOffered());
        json.put("packets_rx", s.packetsRx());
        json.put("packets_tx", s.packetsTx());
        json.put("bytes_rx", s.bytesRx());
        json.put("bytes_tx", s.bytesTx());
        json.put("in_flight", s.inFlight());
        json.put("drops_total", s.totalDrops());
        json.put("drops", dropsOrdered(s.drops()));
        json.put("wall_seconds", s.wallNanos() / 1e9);
        json.put("wall_mpps", s.wallMpps());
        json.put("modeled_ns", s.modeledNanos());
        json.put("modeled_mpps", modeledMpps(s));
        json.put("profile", report.configuration().get(PROFILE));
        json.put("hypercalls", hypercalls(s));
        json.put("hypercalls_per_packet", perPacket(s, totalHypercalls(s)));
        json.put("iotlb_invalidations", platform(s, PlatformOp.IOTLB_INVALIDATION.key()));
        json.put("bounce_bytes_per_packet", perPacket(s, platform(s, PlatformOp.BOUNCE_BYTES.key())));
        json.put("dma_faults", platform(s, PlatformOp.DMA_FAULT.key()));
        json.put("rx_missed", portTotal(s, PortCounter.RX_MISSED));
        json.put("tail_writes", portTotal(s, PortCounter.RX_TAIL_WRITES) + portTotal(s, PortCounter.TX_TAIL_WRITES));
        json.put("buffers_leaked", buffersLeaked(s));
        json.put("dma_maps", platform(s, DMA_MAPS));
        json.put("dma_unmaps", platform(s, DMA_UNMAPS));
        json.put("dma_maps_per_packet", mapsPerPacket(s));
        json.put("buffers_outstanding", s.buffersOutstanding());
        json.put("live_mappings", s.liveMappings());
        json.put("platform", platformOrdered(s));
        final Map<String, Object> ports = new TreeMap<>();
        s.ports().forEach((name, counters) -> ports.put(name, portOrdered(counters)));
        json.put("ports", ports);
        json.put("trace_records", s.traceRecords());
        json.put("platform_name", s.platformName());
        final List<Object> swaps = new ArrayList<>();
        for (final SwapRecord r : s.swaps()) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("time_seconds", r.wallNanos() / 1e9);
            m.put("modeled_ns", r.modeledNanos());
            m.put("what", r.what());
            m.put("from", r.from());
            m.put("to", r.to());
            m.put("trigger", r.trigger());
            m.put("ok", r.ok());
            m.put("pause_ns", r.pauseNanos());
            m.put("work_ns", r.workNanos());
            m.put("pause_cpu_ns", r.pauseCpuNanos());
            m.put("packets_lost", r.packetsLost());
            m.put("message", r.message());
            swaps.add(m);
        }
        json.put("swaps", swaps);
        json.put("configuration", new TreeMap<>(report.configuration()));
        final Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("duration_seconds", report.limits().durationNanos() / 1e9);
        limits.put("packets", report.limits().maxPackets());
        json.put("limits", limits);
        json.put("bundles_active", report.bundlesActive());
        json.put("bundles_total", report.bundlesTotal());
        return json;
    }

    /** Hypercalls by type: the platform's {@code hypercalls_TYPE} counters keyed by TYPE, every type present. */
    static Map<String, Long> hypercalls(final RouterStatus s) {
        final Map<String, Long> byType = new LinkedHashMap<>();
        for (final PlatformOp op : PlatformOp.values()) {
            if (op.key().startsWith(HYPERCALL_PREFIX)) {
                byType.put(op.key().substring(HYPERCALL_PREFIX.length()), platform(s, op.key()));
            }
        }
        return byType;
    }

    private static long totalHypercalls(final RouterStatus s) {
        long total = 0;
        for (final long n : hypercalls(s).values()) {
            total += n;
        }
        return total;
    }

    /** {@code count} per received packet; 0 before the first packet. */
    private static double perPacket(final RouterStatus s, final long count) {
        return s.packetsRx() == 0 ? 0 : (double) count / s.packetsRx();
    }

    private static long portTotal(final RouterStatus s, final PortCounter counter) {
        long total = 0;
        for (final Map<String, Long> port : s.ports().values()) {
            total += port.getOrDefault(counter.key(), 0L);
        }
        return total;
    }

    /**
     * Buffers neither in a ring, in flight nor free at shutdown: the platform's allocations minus its frees once the
     * strategy has detached (it has reclaimed its rx rings and the tx rings have drained by then). Must be 0.
     */
    static long buffersLeaked(final RouterStatus s) {
        return platform(s, PlatformOp.BUFFER_ALLOC.key()) - platform(s, PlatformOp.BUFFER_FREE.key());
    }

    static String summaryJson(final RunReport report) {
        return Json.write(summaryMap(report));
    }

    /** Drop counters in {@link DropReason} order, every reason present; unknown keys after them. */
    static Map<String, Long> dropsOrdered(final Map<String, Long> drops) {
        final Map<String, Long> ordered = new LinkedHashMap<>();
        for (final DropReason reason : DropReason.values()) {
            ordered.put(reason.key(), drops.getOrDefault(reason.key(), 0L));
        }
        new TreeMap<>(drops).forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static Map<String, Long> platformOrdered(final RouterStatus s) {
        final Map<String, Long> ordered = new LinkedHashMap<>();
        for (final PlatformOp op : PlatformOp.values()) {
            final Long n = s.platform().get(op.key());
            if (n != null) {
                ordered.put(op.key(), n);
            }
        }
        new TreeMap<>(s.platform()).forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static boolean isPortCounter(final String key) {
        for (final PortCounter c : PortCounter.values()) {
            if (c.key().equals(key)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Long> portOrdered(final Map<String, Long> counters) {
        final Map<String, Long> ordered = new LinkedHashMap<>();
        for (final PortCounter c : PortCounter.values()) {
            final Long n = counters.get(c.key());
            if (n != null) {
                ordered.put(c.key(), n);
            }
        }
        new TreeMap<>(counters).forEach(ordered::putIfAbsent);
        return ordered;
    }

    // ---- shell: status and counters ---------------------------------------------------------------------------------

    /** {@code router:status}: state, plug-ins, totals and rates. */
    static String statusText(final RouterStatus s) {
        final StringBuilder out = new StringBuilder(512);
        row(out, "state", s.state().name().toLowerCase(Locale.ROOT) + (s.error() == null ? "" : ": " + s.error()));
        row(out, "plug-ins", "nic=" + s.nic() + "  dma=" + s.dma() + "  routing=" + s.routing() + "  (" + s.routes()
                + " routes)");
        row(out, "packets", "rx " + s.packetsRx() + "  tx " + s.packetsTx() + "  in flight " + s.inFlight());
        row(out, "drops", dropsText(s.drops()));
        row(out, "time", String.format(Locale.ROOT, "wall %.3f s  modeled %.6f s", s.wallNanos() / 1e9,
                s.modeledNanos() / 1e9));
        row(out, "rate", String.format(Locale.ROOT, "wall %.3f Mpps  modeled %.3f Mpps  dma maps/pkt %.3f",
                s.wallMpps(), modeledMpps(s), mapsPerPacket(s)));
        return out.toString();
    }

    /** {@code router:counters}: every counter, grouped: engine, drops, platform, then each port. */
    static String countersText(final RouterStatus s) {
        final StringBuilder out = new StringBuilder(1024);
        out.append("engine\n");
        counter(out, "packets_offered", s.packetsOffered());
        counter(out, "packets_rx", s.packetsRx());
        counter(out, "packets_tx", s.packetsTx());
        counter(out, "bytes_rx", s.bytesRx());
        counter(out, "bytes_tx", s.bytesTx());
        counter(out, "buffers_outstanding", s.buffersOutstanding());
        counter(out, "live_mappings", s.liveMappings());
        counter(out, "trace_records", s.traceRecords());
        out.append("drops\n");
        dropsOrdered(s.drops()).forEach((k, v) -> counter(out, k, v));
        out.append("platform\n");
        platformOrdered(s).forEach((k, v) -> counter(out, k, v));
        for (final Map.Entry<String, Map<String, Long>> port : new TreeMap<>(s.ports()).entrySet()) {
            out.append("port ").append(port.getKey()).append('\n');
            portOrdered(port.getValue()).forEach((k, v) -> counter(out, k, v));
        }
        return out.toString();
    }

    private static void counter(final StringBuilder out, final String key, final long value) {
        out.append(String.format(Locale.ROOT, "  %-28s %d%n", key, value));
    }

    // ---- plug-ins ---------------------------------------------------------------------------------------------------

    private static final Comparator<PluginInfo> BY_NAME = Comparator.comparing(PluginInfo::name)
            .thenComparing(PluginInfo::bundle);

    /** Plug-ins grouped by kind in {@link PluginKind} order, sorted by name; every kind present. */
    static Map<PluginKind, List<PluginInfo>> byKind(final List<PluginInfo> plugins) {
        final Map<PluginKind, List<PluginInfo>> grouped = new LinkedHashMap<>();
        for (final PluginKind kind : PluginKind.values()) {
            grouped.put(kind, plugins.stream().filter(p -> p.kind() == kind).sorted(BY_NAME).toList());
        }
        return grouped;
    }

    /** Whether {@code plugin} is the one {@code configuration} selects for its kind. */
    static boolean configured(final PluginInfo plugin, final Map<String, String> configuration) {
        return plugin.name().equals(configuration.get(plugin.kind().key()));
    }

    /**
     * {@code router plugins} and {@code router:plugins}: one block per kind; {@code *} marks the plug-in the
     * configuration selects.
     */
    static String pluginsText(final List<PluginInfo> plugins, final Map<String, String> configuration) {
        final StringBuilder out = new StringBuilder(512);
        for (final Map.Entry<PluginKind, List<PluginInfo>> kind : byKind(plugins).entrySet()) {
            out.append(kindTitle(kind.getKey())).append(" (").append(kind.getKey().key()).append("=NAME)\n");
            if (kind.getValue().isEmpty()) {
                out.append("  (none registered)\n");
            }
            for (final PluginInfo p : kind.getValue()) {
                out.append(String.format(Locale.ROOT, "  %s %-16s %s %s%s%n", configured(p, configuration) ? "*" : " ",
                        p.name(),
                        p.bundle(), p.version(), p.description() == null || p.description().isBlank() ? ""
                                : "  " + p.description()));
            }
        }
        return out.toString();
    }

    private static String kindTitle(final PluginKind kind) {
        return switch (kind) {
            case NIC -> "NIC backends";
            case DMA -> "DMA strategies";
            case ROUTING -> "routing algorithms";
            case TRACE -> "trace stores";
        };
    }

    /**
     * {@code {"nic": [...], "dma": [...], "routing": [...], "trace": [...]}}; each entry has name, bundle, version,
     * description, configured (the configuration selects it) and active (the current or last run uses it).
     */
    static String pluginsJson(final List<PluginInfo> plugins, final Map<String, String> configuration) {
        return Json.write(pluginsMap(plugins, configuration));
    }

    /**
     * {@link #pluginsText(List, Map)} followed, when some plug-in bundle could not be loaded, by one line per
     * refused bundle saying which requirement failed ({@link PluginCompatibility}).
     */
    static String pluginsText(final List<PluginInfo> plugins, final Map<String, String> configuration,
            final List<PluginCompatibility.Refusal> refused) {
        final StringBuilder out = new StringBuilder(pluginsText(plugins, configuration));
        if (!refused.isEmpty()) {
            out.append("refused plug-ins (installed, not loaded)\n");
            for (final PluginCompatibility.Refusal r : refused) {
                out.append("  ").append(r.line()).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * {@link #pluginsJson(List, Map)} with {@code "refused"}: one entry per bundle that could not be loaded, with
     * file, bundle, version, reasons and message (the line {@code router plugins} prints).
     */
    static String pluginsJson(final List<PluginInfo> plugins, final Map<String, String> configuration,
            final List<PluginCompatibility.Refusal> refused) {
        final Map<String, Object> json = pluginsMap(plugins, configuration);
        final List<Object> entries = new ArrayList<>();
        for (final PluginCompatibility.Refusal r : refused) {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("file", r.file());
            entry.put("bundle", r.bundle());
            entry.put("version", r.version());
            entry.put("reasons", r.reasons());
            entry.put("message", r.line());
            entries.add(entry);
        }
        json.put("refused", entries);
        return Json.write(json);
    }

    private static Map<String, Object> pluginsMap(final List<PluginInfo> plugins,
            final Map<String, String> configuration) {
        final Map<String, Object> json = new LinkedHashMap<>();
        for (final Map.Entry<PluginKind, List<PluginInfo>> kind : byKind(plugins).entrySet()) {
            final List<Object> entries = new ArrayList<>();
            for (final PluginInfo p : kind.getValue()) {
                final Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("name", p.name());
                entry.put("bundle", p.bundle());
                entry.put("version", p.version());
                entry.put("description", p.description());
                entry.put("configured", configured(p, configuration));
                entry.put("active", p.active());
                entries.add(entry);
            }
            json.put(kind.getKey().jsonName(), entries);
        }
        return json;
    }
}
