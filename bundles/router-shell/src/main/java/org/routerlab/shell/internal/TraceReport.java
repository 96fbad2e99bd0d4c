package org.routerlab.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.routerlab.api.platform.PlatformOp;

/** {@code router replay} and {@code router diff} output: terminal text, JSON and a self-contained HTML report. */
final class TraceReport {
    /** Most points a time line is drawn or printed with (bins are merged to fit). */
    static final int MAX_POINTS = 200;
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd"};

    private TraceReport() {
    }

    /** Everything {@code --json} prints, in a stable order. */
    static Map<String, Object> json(final String trace, final TraceSummary s) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("trace", trace);
        m.put("complete", s.complete);
        m.put("runs", s.runs);
        m.put("records", s.records);
        m.put("schema", 2);
        m.put("level", s.level());
        m.put("nic", s.header.getOrDefault("run.nic", s.config("nic")));
        m.put("dma", s.header.getOrDefault("run.dma", s.config("dma")));
        m.put("routing", s.header.getOrDefault("run.routing", s.config("routing")));
        m.put("profile", s.profile());
        m.put("seed", s.header.getOrDefault("run.seed", ""));
        m.put("started", s.header.getOrDefault("run.started", ""));
        m.put("host", s.header.getOrDefault("host.name", ""));
        m.put("bursts", s.bursts);
        final long offered = Long.parseLong(s.end.getOrDefault("packets_offered", "-1"));
        m.put("packets_offered", offered);
        m.put("packets_missed", offered < 0 ? 0 : Math.max(0, offered - s.packetsRx));
        m.put("packets_rx", s.packetsRx);
        m.put("packets_tx", s.packetsTx);
        m.put("drops_total", s.dropped);
        m.put("drops", s.drops());
        m.put("packet_records", s.packetRecords);
        m.put("wall_seconds", s.wallSeconds());
        m.put("modeled_ns", s.modeledNanos());
        m.put("wall_mpps", s.wallSeconds() > 0 ? s.packetsRx / s.wallSeconds() / 1e6 : 0.0);
        m.put("modeled_mpps", s.modeledNanos() > 0 ? s.packetsRx * 1e3 / s.modeledNanos() : 0.0);
        final Map<String, Long> hypercalls = new LinkedHashMap<>();
        for (int k = TraceSummary.HYPERCALLS_FIRST; k <= TraceSummary.HYPERCALLS_LAST; k++) {
            final PlatformOp op = PlatformOp.byId(k);
            hypercalls.put(op.key().substring("hypercalls_".length()), s.platformTotal(op));
        }
        m.put("hypercalls", hypercalls);
        m.put("hypercalls_per_packet", s.perPacket(s.hypercalls()));
        m.put("bounces_per_packet", s.perPacket(s.platformTotal(PlatformOp.BOUNCE)));
        m.put("bounce_bytes_per_packet", s.perPacket(s.platformTotal(PlatformOp.BOUNCE_BYTES)));
        m.put("dma_maps_per_packet", s.perPacket(s.platformTotal(PlatformOp.DMA_MAP)));
        m.put("dma_unmaps", s.platformTotal(PlatformOp.DMA_UNMAP));
        m.put("iotlb_invalidations", s.platformTotal(PlatformOp.IOTLB_INVALIDATION));
        m.put("dma_faults", s.platformTotal(PlatformOp.DMA_FAULT));
        m.put("latency_ns", latency(s.latency, s.unknownLatency));
        final Map<String, Object> rings = new LinkedHashMap<>();
        rings.put("rx_mean", s.ringSamples == 0 ? 0.0 : (double) s.rxRingSum / s.ringSamples);
        rings.put("rx_max", s.rxRingMax);
        rings.put("tx_in_flight_mean", s.ringSamples == 0 ? 0.0 : (double) s.txRingSum / s.ringSamples);
        rings.put("tx_in_flight_max", s.txRingMax);
        m.put("rings", rings);
        m.put("swaps", s.swaps);
        m.put("swap_pause_us_total", s.swaps.stream().mapToDouble(w -> (Double) w.get("pause_us")).sum());
        m.put("timeline", timeline(s));
        if (!s.end.isEmpty()) {
            final Map<String, Object> footer = new LinkedHashMap<>();
            footer.put("packets_rx", Long.parseLong(s.end.getOrDefault("packets_rx", "0")));
            footer.put("packets_tx", Long.parseLong(s.end.getOrDefault("packets_tx", "0")));
            m.put("footer", footer);
        }
        return m;
    }

    static Map<String, Object> latency(final Histogram h, final long unknown) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("unknown", unknown);
        if (h.getTotalCount() > 0) {
            m.put("min", h.getMinValue());
            m.put("mean", h.getMean());
            m.put("p50", h.getValueAtPercentile(50));
            m.put("p90", h.getValueAtPercentile(90));
            m.put("p99", h.getValueAtPercentile(99));
            m.put("p99_9", h.getValueAtPercentile(99.9));
            m.put("max", h.getMaxValue());
        }
        return m;
    }

    /** The time line: bins merged to at most {@value #MAX_POINTS} points. */
    static List<Map<String, Object>> timeline(final TraceSummary s) {
        final List<Map<String, Object>> points = new ArrayList<>();
        final int n = s.binCount;
        if (n == 0) {
            return points;
        }
        final int group = (n + MAX_POINTS - 1) / MAX_POINTS;
        long previousModeled = s.firstModeled < 0 ? 0 : 0;
        for (int start = 0; start < n; start += group) {
            long rx = 0;
            long tx = 0;
            long drops = 0;
            long hypercalls = 0;
            long ring = 0;
            long samples = 0;
            long modeled = 0;
            for (int b = start; b < Math.min(n, start + group); b++) {
                rx += s.bins[0][b];
                tx += s.bins[1][b];
                drops += s.bins[2][b];
                hypercalls += s.bins[3][b];
                modeled = Math.max(modeled, s.bins[4][b]);
                ring += s.bins[5][b];
                samples += s.bins[6][b];
            }
            final double seconds = (Math.min(n, start + group) - start) * TraceSummary.BIN_NANOS / 1e9;
            final Map<String, Object> p = new LinkedHashMap<>();
            p.put("t_s", (start + group) * TraceSummary.BIN_NANOS / 1e9);
            p.put("rx_mpps_wall", rx / seconds / 1e6);
            p.put("tx_mpps_wall", tx / seconds / 1e6);
            final long modeledDelta = modeled > previousModeled ? modeled - previousModeled : 0;
            p.put("modeled_mpps", modeledDelta > 0 ? rx * 1e3 / modeledDelta : 0.0);
            if (modeled > 0) {
                previousModeled = modeled;
            }
            p.put("drops", drops);
            p.put("hypercalls_per_s", hypercalls / seconds);
            p.put("rx_ring_mean", samples == 0 ? 0.0 : (double) ring / samples);
            points.add(p);
        }
        return points;
    }

    // ---- terminal

    static String text(final String trace, final TraceSummary s) {
        final Map<String, Object> j = json(trace, s);
        final StringBuilder out = new StringBuilder();
        out.append("trace ").append(trace).append("  (").append(s.runs > 1 ? "last of " + s.runs + " runs, " : "")
                .append(s.records).append(" records, level ").append(s.level()).append(")\n");
        if (!s.complete) {
            out.append("  WARNING    the run was cut short: no run footer (the router was killed or failed); "
                    + "figures cover the records written before that\n");
        }
        out.append(String.format(Locale.ROOT, "  run        nic=%s dma=%s routing=%s profile=%s seed=%s, started %s on %s%n",
                j.get("nic"), j.get("dma"), j.get("routing"), blank((String) j.get("profile")), j.get("seed"),
                j.get("started"), j.get("host")));
        out.append(String.format(Locale.ROOT, "  packets    rx %d  tx %d  dropped %d  (%d bursts, %d packet records)%s%n",
                s.packetsRx, s.packetsTx, s.dropped, s.bursts, s.packetRecords, (Long) j.get("packets_missed") > 0
                        ? "  offered " + j.get("packets_offered") + ", missed (rx ring full or DMA fault) "
                        + j.get("packets_missed") : ""));
        out.append("  drops      ").append(s.drops().isEmpty() ? "none" : s.drops().toString()
                .replace("{", "").replace("}", "").replace("=", " ")).append('\n');
        out.append(String.format(Locale.ROOT, "  rate       wall %.3f Mpps over %.3f s  modeled %.3f Mpps over %.6f s%n",
                (Double) j.get("wall_mpps"), s.wallSeconds(), (Double) j.get("modeled_mpps"), s.modeledNanos() / 1e9));
        out.append(String.format(Locale.ROOT, "  platform   hypercalls/pkt %.3f %s  bounces/pkt %.3f  maps/pkt %.3f  "
                + "iotlb invalidations %d  dma faults %d%n", (Double) j.get("hypercalls_per_packet"),
                j.get("hypercalls").toString().replace(" ", ""), (Double) j.get("bounces_per_packet"),
                (Double) j.get("dma_maps_per_packet"), j.get("iotlb_invalidations"), j.get("dma_faults")));
        @SuppressWarnings("unchecked")
        final Map<String, Object> lat = (Map<String, Object>) j.get("latency_ns");
        if (s.latency.getTotalCount() > 0) {
            out.append(String.format(Locale.ROOT, "  latency    modeled rx DMA -> tx completion, ns: p50 %d  p90 %d  "
                    + "p99 %d  p99.9 %d  max %d  (%d packets)%n", lat.get("p50"), lat.get("p90"), lat.get("p99"),
                    lat.get("p99_9"), lat.get("max"), lat.get("count")));
        } else {
            out.append("  latency    none recorded (needs trace.level=packet and a backend with a modeled clock)\n");
        }
        @SuppressWarnings("unchecked")
        final Map<String, Object> rings = (Map<String, Object>) j.get("rings");
        out.append(String.format(Locale.ROOT, "  rings      rx held mean %.1f max %d  tx in flight mean %.1f max %d%n",
                (Double) rings.get("rx_mean"), rings.get("rx_max"), (Double) rings.get("tx_in_flight_mean"),
                rings.get("tx_in_flight_max")));
        out.append("  swaps      ").append(s.swaps.isEmpty() ? "none" : s.swaps.size() + ", pauses "
                + s.swaps.stream().map(w -> w.get("what") + " " + w.get("from") + "->" + w.get("to") + " "
                        + fmt((Double) w.get("pause_us")) + " us " + w.get("outcome")).toList()).append('\n');
        final List<Map<String, Object>> line = timeline(s);
        if (!line.isEmpty()) {
            out.append("  over time  (s: wall Mpps / modeled Mpps)");
            final int step = Math.max(1, line.size() / 8);
            for (int i = step - 1; i < line.size(); i += step) {
                final Map<String, Object> p = line.get(i);
                out.append(String.format(Locale.ROOT, "  %.2f: %.2f/%.2f", (Double) p.get("t_s"),
                        (Double) p.get("rx_mpps_wall"), (Double) p.get("modeled_mpps")));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String blank(final String s) {
        return s == null || s.isBlank() ? "-" : s;
    }

    static String fmt(final double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
    }

    // ---- diff

    /** The figures compared side by side, with the relative change of B against A. */
    static final String[][] DIFF_ROWS = {
        {"packets_rx", "packets"}, {"packets_missed", "packets"}, {"packets_tx", "packets"},
        {"drops_total", "packets"},
        {"wall_mpps", "Mpps"}, {"modeled_mpps", "Mpps"}, {"hypercalls_per_packet", ""},
        {"bounces_per_packet", ""}, {"bounce_bytes_per_packet", "B"}, {"dma_maps_per_packet", ""},
        {"iotlb_invalidations", ""}, {"dma_faults", ""}};

    static Map<String, Object> diffJson(final Map<String, Object> a, final Map<String, Object> b) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", a.get("trace"));
        m.put("b", b.get("trace"));
        final Map<String, Object> rows = new LinkedHashMap<>();
        for (final String[] row : DIFF_ROWS) {
            final double va = ((Number) a.get(row[0])).doubleValue();
            final double vb = ((Number) b.get(row[0])).doubleValue();
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("a", a.get(row[0]));
            r.put("b", b.get(row[0]));
            final Double change = va != 0 ? Double.valueOf((vb - va) / va) : vb == 0 ? Double.valueOf(0) : null;
            r.put("change", change);
            r.put("notable", notable(va, vb));
            rows.put(row[0], r);
        }
        for (final String p : new String[] {"p50", "p99", "max"}) {
            final Object la = ((Map<?, ?>) a.get("latency_ns")).get(p);
            final Object lb = ((Map<?, ?>) b.get("latency_ns")).get(p);
            if (la != null && lb != null) {
                final double va = ((Number) la).doubleValue();
                final double vb = ((Number) lb).doubleValue();
                final Map<String, Object> r = new LinkedHashMap<>();
                r.put("a", la);
                r.put("b", lb);
                r.put("change", va == 0 ? null : Double.valueOf((vb - va) / va));
                r.put("notable", notable(va, vb));
                rows.put("latency_" + p + "_ns", r);
            }
        }
        final Map<String, Object> drops = new LinkedHashMap<>();
        final java.util.Set<String> reasons = new java.util.TreeSet<>();
        reasons.addAll(((Map<String, ?>) a.get("drops")).keySet());
        reasons.addAll(((Map<String, ?>) b.get("drops")).keySet());
        for (final String r : reasons) {
            final Object da = ((Map<?, ?>) a.get("drops")).get(r);
            final Object db = ((Map<?, ?>) b.get("drops")).get(r);
            drops.put(r, List.of(da == null ? 0L : da, db == null ? 0L : db));
        }
        m.put("figures", rows);
        m.put("drops", drops);
        final Map<String, Object> config = new LinkedHashMap<>();
        for (final String k : new String[] {"nic", "dma", "routing", "profile", "seed", "level", "complete"}) {
            if (!String.valueOf(a.get(k)).equals(String.valueOf(b.get(k)))) {
                config.put(k, List.of(String.valueOf(a.get(k)), String.valueOf(b.get(k))));
            }
        }
        m.put("differences", config);
        return m;
    }

    /** A change worth highlighting: more than 5 % (or from zero to something). */
    static boolean notable(final double a, final double b) {
        if (a == 0) {
            return b != 0;
        }
        return Math.abs(b - a) / Math.abs(a) > 0.05;
    }

    static String diffText(final Map<String, Object> d) {
        final StringBuilder out = new StringBuilder();
        out.append("A ").append(d.get("a")).append('\n').append("B ").append(d.get("b")).append('\n');
        @SuppressWarnings("unchecked")
        final Map<String, List<String>> config = (Map<String, List<String>>) d.get("differences");
        config.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-8s A %s  B %s%n", k, v.get(0), v.get(1))));
        out.append(String.format(Locale.ROOT, "  %-24s %16s %16s %9s%n", "figure", "A", "B", "B vs A"));
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Object>> rows = (Map<String, Map<String, Object>>) d.get("figures");
        rows.forEach((k, r) -> {
            final Object change = r.get("change");
            out.append(String.format(Locale.ROOT, "%s %-24s %16s %16s %9s%n", Boolean.TRUE.equals(r.get("notable"))
                    ? "*" : " ", k, num(r.get("a")), num(r.get("b")),
                    change == null ? "new" : String.format(Locale.ROOT, "%+.1f%%", (Double) change * 100)));
        });
        @SuppressWarnings("unchecked")
        final Map<String, List<Object>> drops = (Map<String, List<Object>>) d.get("drops");
        drops.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-24s %16s %16s%n", "drops " + k, v.get(0),
                v.get(1))));
        out.append("  (* more than 5 % apart)\n");
        return out.toString();
    }

    private static String num(final Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(v);
    }

    // ---- HTML

    static String html(final List<String> names, final List<TraceSummary> runs, final String extra) {
        final StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>routerlab trace report</title>\n"
                + "<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}th{background:#eee}"
                + "td:first-child{text-align:left}.hot{background:#ffe08a}.warn{color:#b00}</style></head><body>\n");
        h.append("<h1>routerlab trace report</h1>\n");
        for (int i = 0; i < runs.size(); i++) {
            final TraceSummary s = runs.get(i);
            h.append("<p><span style=\"color:").append(COLOURS[i % COLOURS.length]).append("\">&#9632;</span> <b>")
                    .append(BenchReport.escape(names.get(i))).append("</b>: nic=").append(esc(s, "run.nic"))
                    .append(" dma=").append(esc(s, "run.dma")).append(" routing=").append(esc(s, "run.routing"))
                    .append(" profile=").append(BenchReport.escape(s.profile())).append(" seed=")
                    .append(esc(s, "run.seed")).append(s.complete ? "" : " <span class=\"warn\">(cut short: no run "
                            + "footer)</span>").append("</p>\n");
        }
        if (extra != null) {
            h.append(extra);
        }
        h.append("<h2>Summary</h2>\n<pre>");
        for (int i = 0; i < runs.size(); i++) {
            h.append(BenchReport.escape(text(names.get(i), runs.get(i)))).append('\n');
        }
        h.append("</pre>\n<h2>Time lines</h2>\n");
        h.append(lineChart("Throughput (rx, wall Mpps)", runs, "rx_mpps_wall"));
        h.append(lineChart("Modeled throughput (Mpps of modeled CPU time)", runs, "modeled_mpps"));
        h.append(lineChart("Drops per bin", runs, "drops"));
        h.append(lineChart("Hypercall rate (per wall second)", runs, "hypercalls_per_s"));
        h.append(lineChart("rx ring occupancy (descriptors holding a buffer, mean)", runs, "rx_ring_mean"));
        h.append("<h2>Histograms</h2>\n");
        h.append(histogram("Latency, modeled ns from rx DMA to tx completion", runs, true));
        h.append(histogram("rx ring occupancy at each burst", runs, false));
        h.append("<p style=\"color:#777\">Generated by router replay; time lines are 10 ms bins of wall time "
                + "(merged to at most 200 points); dashed vertical lines mark swaps.</p>\n</body></html>\n");
        return h.toString();
    }

    private static String esc(final TraceSummary s, final String key) {
        return BenchReport.escape(s.header.getOrDefault(key, ""));
    }

    private static String lineChart(final String title, final List<TraceSummary> runs, final String field) {
        final int w = 900;
        final int hgt = 220;
        final int left = 70;
        final int bottom = 30;
        double maxX = 0;
        double maxY = 0;
        final List<List<Map<String, Object>>> lines = new ArrayList<>();
        for (final TraceSummary s : runs) {
            final List<Map<String, Object>> line = timeline(s);
            lines.add(line);
            for (final Map<String, Object> p : line) {
                maxX = Math.max(maxX, (Double) p.get("t_s"));
                maxY = Math.max(maxY, ((Number) p.get(field)).doubleValue());
            }
        }
        if (maxY <= 0) {
            maxY = 1;
        }
        if (maxX <= 0) {
            maxX = 1;
        }
        final StringBuilder s = new StringBuilder();
        s.append("<h3>").append(BenchReport.escape(title)).append("</h3>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
                w, hgt));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left,
                hgt - bottom, w - 10, hgt - bottom));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>", left,
                left, hgt - bottom));
        for (int t = 0; t <= 4; t++) {
            final double v = maxY * t / 4;
            final double y = hgt - bottom - (hgt - bottom - 10) * t / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s"
                    + "</text><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", left - 4, y + 4,
                    fmt(v), left, y, w - 10, y));
            final double x = left + (w - 10 - left) * t / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
                    + "%s s</text>", x, hgt - 10, fmt(maxX * t / 4)));
        }
        for (int i = 0; i < runs.size(); i++) {
            final String colour = COLOURS[i % COLOURS.length];
            final StringBuilder points = new StringBuilder();
            for (final Map<String, Object> p : lines.get(i)) {
                final double x = left + (w - 10 - left) * (Double) p.get("t_s") / maxX;
                final double y = hgt - bottom - (hgt - bottom - 10) * ((Number) p.get(field)).doubleValue() / maxY;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append("<polyline fill=\"none\" stroke=\"").append(colour).append("\" stroke-width=\"1.5\" points=\"")
                    .append(points).append("\"/>");
            for (final Map<String, Object> swap : runs.get(i).swaps) {
                final double x = left + (w - 10 - left) * Math.min(1, (Double) swap.get("wall_s") / maxX);
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
                        + "stroke-dasharray=\"4,3\"><title>swap %s %s -&gt; %s, pause %s us</title></line>", x, x,
                        hgt - bottom, colour, BenchReport.escape(String.valueOf(swap.get("what"))),
                        BenchReport.escape(String.valueOf(swap.get("from"))),
                        BenchReport.escape(String.valueOf(swap.get("to"))), fmt((Double) swap.get("pause_us"))));
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String histogram(final String title, final List<TraceSummary> runs, final boolean latency) {
        final StringBuilder s = new StringBuilder();
        s.append("<h3>").append(BenchReport.escape(title)).append("</h3>\n");
        long max = 1;
        for (final TraceSummary r : runs) {
            max = Math.max(max, (latency ? r.latency : r.rxRing).getMaxValue());
        }
        final int buckets = 40;
        final double width = Math.max(1.0, (double) (max + 1) / buckets);
        final long[][] counts = new long[runs.size()][buckets];
        long top = 1;
        for (int i = 0; i < runs.size(); i++) {
            final Histogram hist = latency ? runs.get(i).latency : runs.get(i).rxRing;
            for (final org.HdrHistogram.HistogramIterationValue v : hist.recordedValues()) {
                final int b = (int) Math.min(buckets - 1, v.getValueIteratedTo() / width);
                counts[i][b] += v.getCountAtValueIteratedTo();
            }
            for (final long c : counts[i]) {
                top = Math.max(top, c);
            }
        }
        if (runs.stream().allMatch(r -> (latency ? r.latency : r.rxRing).getTotalCount() == 0)) {
            return s.append("<p>nothing recorded</p>\n").toString();
        }
        final int w = 900;
        final int hgt = 200;
        final int left = 70;
        final int bottom = 30;
        final double barW = (w - 10 - left) / (double) buckets / runs.size();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\">",
                w, hgt));
        for (int i = 0; i < runs.size(); i++) {
            for (int b = 0; b < buckets; b++) {
                final double bh = (hgt - bottom - 10) * counts[i][b] / (double) top;
                final double x = left + (b * runs.size() + i) * barW;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                        + "fill=\"%s\"><title>%s..%s: %d</title></rect>", x, hgt - bottom - bh, Math.max(0.5, barW - 0.5),
                        bh, COLOURS[i % COLOURS.length], fmt(b * width), fmt((b + 1) * width), counts[i][b]));
            }
        }
        for (int t = 0; t <= 4; t++) {
            final double x = left + (w - 10 - left) * t / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">"
                    + "%s</text>", x, hgt - 10, fmt(max * t / 4.0)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"11\" text-anchor=\"end\">%d</text>",
                left - 4, top));
        s.append("</svg>\n");
        return s.toString();
    }
}
