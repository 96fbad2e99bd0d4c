package org.routerlab.shell.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The outputs of {@code router bench}: a text table, JSON (one record per cell), and a self-contained HTML report
 * whose charts are inline SVG (no script, no network), one panel per profile with modeled Mpps and hypercalls per
 * packet against frame size, one line per strategy.
 */
final class BenchReport {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2", "#17becf"};

    private BenchReport() {
    }

    static String table(final List<BenchCell> cells) {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-13s %-16s %5s %6s %9s %9s %9s %10s %9s %7s %9s %10s %9s%n",
                "profile", "strategy", "size", "fwd%", "hcall/pkt", "maps/pkt", "iotlb/pkt", "bounceB/pkt", "tail/pkt", "faults",
                "rx_missed", "model Mpps", "wall Mpps"));
        for (final BenchCell c : cells) {
            out.append(String.format(Locale.ROOT,
                    "%-13s %-16s %5d %6.1f %9.3f %9.3f %9.3f %10.1f %9.3f %7d %9d %10.2f %9.2f%s%n",
                    c.profile(), c.strategy(), c.size(), 100 * c.forwardedShare(), c.hypercallsPerPacket(), c.mapsPerPacket(),
                    c.iotlbPerPacket(), c.bounceBytesPerPacket(), c.tailWritesPerPacket(), c.dmaFaults(),
                    c.rxMissed(), c.modeledMpps(), c.wallMpps(), c.error() == null ? "" : "  error: " + c.error()));
        }
        return out.toString();
    }

    static String json(final List<BenchCell> cells) {
        final List<Object> records = new ArrayList<>();
        for (final BenchCell c : cells) {
            records.add(c.json());
        }
        return Json.write(records);
    }

    static String html(final List<BenchCell> cells, final String title) {
        final Set<String> profiles = new LinkedHashSet<>();
        final Set<String> strategies = new LinkedHashSet<>();
        for (final BenchCell c : cells) {
            profiles.add(c.profile());
            strategies.add(c.strategy());
        }
        final StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;color:#222}"
                        + "h2{margin-top:2em}.panel{display:flex;flex-wrap:wrap;gap:2em}"
                        + "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px;"
                        + "text-align:right}th{background:#eee}td.l{text-align:left}</style></head><body>\n");
        h.append("<h1>").append(escape(title)).append("</h1>\n<p>Each cell is the steady-state window of a run of the "
                + "emulated router; figures are per received packet. Modeled Mpps = packets / modeled CPU time "
                + "of the cost profile; wall Mpps is the emulator itself on this machine.</p>\n");
        final List<String> legend = new ArrayList<>(strategies);
        for (final String profile : profiles) {
            h.append("<h2>profile ").append(escape(profile)).append("</h2>\n<div class=\"panel\">\n");
            h.append(chart(cells, profile, legend, "modeled Mpps", BenchCell::modeledMpps));
            h.append(chart(cells, profile, legend, "hypercalls per packet", BenchCell::hypercallsPerPacket));
            h.append("</div>\n");
        }
        h.append("<h2>all cells</h2>\n<table><tr>");
        for (final String col : new String[] {"profile", "strategy", "size", "forwarded %", "hypercalls/pkt", "maps/pkt",
            "iotlb/pkt", "bounce B/pkt", "tail writes/pkt", "DMA faults", "rx_missed", "modeled Mpps", "wall Mpps"}) {
            h.append("<th>").append(col).append("</th>");
        }
        h.append("</tr>\n");
        for (final BenchCell c : cells) {
            h.append("<tr><td class=\"l\">").append(escape(c.profile())).append("</td><td class=\"l\">")
                    .append(escape(c.strategy())).append("</td><td>").append(c.size()).append("</td><td>")
                    .append(fmt(100 * c.forwardedShare())).append("</td>");
            for (final double v : new double[] {c.hypercallsPerPacket(), c.mapsPerPacket(), c.iotlbPerPacket(),
                c.bounceBytesPerPacket(), c.tailWritesPerPacket()}) {
                h.append("<td>").append(fmt(v)).append("</td>");
            }
            h.append("<td>").append(c.dmaFaults()).append("</td><td>").append(c.rxMissed()).append("</td><td>")
                    .append(fmt(c.modeledMpps())).append("</td><td>").append(fmt(c.wallMpps())).append("</td></tr>\n");
        }
        h.append("</table>\n</body></html>\n");
        return h.toString();
    }

    /** One line chart: x = frame size, y = the metric, a polyline per strategy. */
    static String chart(final List<BenchCell> cells, final String profile, final List<String> strategies,
            final String label, final ToDoubleFunction<BenchCell> metric) {
        final int w = 460;
        final int hgt = 300;
        final int left = 60;
        final int right = 130;
        final int top = 30;
        final int bottom = 40;
        final Map<String, List<double[]>> series = new LinkedHashMap<>();
        double maxX = 0;
        double minX = Double.MAX_VALUE;
        double maxY = 0;
        for (final BenchCell c : cells) {
            if (!c.profile().equals(profile)) {
                continue;
            }
            final double y = metric.applyAsDouble(c);
            if (!Double.isFinite(y)) {
                continue;
            }
            series.computeIfAbsent(c.strategy(), k -> new ArrayList<>()).add(new double[] {c.size(), y});
            maxX = Math.max(maxX, c.size());
            minX = Math.min(minX, c.size());
            maxY = Math.max(maxY, y);
        }
        if (series.isEmpty()) {
            return "<p>no data for " + escape(label) + "</p>";
        }
        maxY = niceCeiling(maxY);
        if (maxX == minX) {
            maxX = minX + 1;
        }
        final double plotW = w - left - right;
        final double plotH = hgt - top - bottom;
        final StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "role=\"img\" aria-label=\"%s, %s\">", w, hgt, escape(label), escape(profile)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"14\">%s</text>", left, escape(label)));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", left,
                hgt - bottom, w - right, hgt - bottom));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>", left, top,
                left, hgt - bottom));
        for (int i = 0; i <= 4; i++) {
            final double v = maxY * i / 4;
            final double y = hgt - bottom - plotH * i / 4;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>", left, y, w - right,
                    y, left - 4, y + 3, fmt(v)));
        }
        final Set<Integer> xs = new java.util.TreeSet<>();
        for (final BenchCell c : cells) {
            if (c.profile().equals(profile)) {
                xs.add(c.size());
            }
        }
        double lastLabel = Double.NEGATIVE_INFINITY;
        for (final int x : xs) {
            final double px = left + plotW * (x - minX) / (maxX - minX);
            if (px - lastLabel < 24) {
                continue; // too close to the previous label to be read
            }
            lastLabel = px;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d"
                    + "</text>", px, hgt - bottom + 14, x));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">frame "
                + "size (bytes)</text>", left + plotW / 2, hgt - 6));
        int legendRow = 0;
        for (final String strategy : strategies) {
            final List<double[]> points = series.get(strategy);
            final String colour = COLOURS[strategies.indexOf(strategy) % COLOURS.length];
            if (points == null) {
                continue;
            }
            final StringBuilder poly = new StringBuilder();
            for (final double[] p : points) {
                final double px = left + plotW * (p[0] - minX) / (maxX - minX);
                final double py = hgt - bottom - (maxY == 0 ? 0 : plotH * p[1] / maxY);
                poly.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
                s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"><title>%s %d B:"
                        + " %s</title></circle>", px, py, colour, escape(strategy), (int) p[0], fmt(p[1])));
            }
            s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"")
                    .append(poly.toString().strip()).append("\"/>");
            final int ly = top + 14 * legendRow++;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"2\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", w - right + 10, ly,
                    w - right + 28, ly, colour, w - right + 32, ly + 4, escape(strategy)));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double niceCeiling(final double v) {
        if (v <= 0) {
            return 1;
        }
        final double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (final double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    static String fmt(final double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : Math.abs(v) >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.3f", v);
    }

    static String escape(final String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
