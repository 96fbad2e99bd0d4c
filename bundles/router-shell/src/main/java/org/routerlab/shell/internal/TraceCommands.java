package org.routerlab.shell.internal;

import java.io.BufferedWriter;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceStore;
import org.routerlab.api.trace.TraceVisitor;

/**
 * {@code router replay DIR [--json] [--report FILE.html] [--pcap FILE [--pcap-dropped]] [--csv DIR]
 * [--what-if KEY=VALUE]...} and {@code router diff DIR_A DIR_B [--json] [--report FILE.html]}. Options come in the
 * request's option map (keys {@code dir}, {@code dir2}, {@code report}, {@code pcap}, {@code pcap.dropped},
 * {@code csv}, {@code whatif}: KEY=VALUE lines).
 *
 * <p>A trace that cannot be read (no queue, a queue of something else, a truncated or corrupt file, another schema
 * version) is a usage error: one line naming the directory and the cause, exit code 2.
 */
final class TraceCommands {
    private final EngineControl engine;
    private final Supplier<TraceStore> store;
    private final PrintStream out;
    private final PrintStream err;

    TraceCommands(final EngineControl engine, final Supplier<TraceStore> store, final PrintStream out,
            final PrintStream err) {
        this.engine = engine;
        this.store = store;
        this.out = out;
        this.err = err;
    }

    /** A trace that cannot be used for what was asked (exit code 2). */
    static final class BadTrace extends Exception {
        private static final long serialVersionUID = 1L;

        BadTrace(final String message) {
            super(message);
        }
    }

    // ---- reading

    /** Reads {@code dir} through {@code visitor}; returns whether the last run is complete. */
    boolean read(final Path dir, final TraceVisitor visitor) throws BadTrace {
        final TraceStore traces = store.get();
        if (traces == null) {
            throw new BadTrace("no trace store is registered (trace.store=chronicle)");
        }
        try (TraceReader reader = traces.openReader(dir)) {
            reader.read(visitor);
            return reader.complete();
        } catch (IOException e) {
            final String message = CommandRunner.message(e);
            throw new BadTrace(message.contains(dir.toString()) ? message : "trace " + dir + ": " + message);
        } catch (RuntimeException | Error e) {
            throw new BadTrace("trace " + dir + " is unreadable: " + CommandRunner.message(e));
        }
    }

    TraceSummary summary(final Path dir) throws BadTrace {
        final TraceSummary s = new TraceSummary();
        s.complete = read(dir, s);
        return s;
    }

    // ---- replay

    int replay(final Map<String, String> o, final boolean json) throws BadTrace, IOException, InterruptedException {
        final Path dir = Path.of(o.get("dir"));
        final TraceSummary s = summary(dir);
        final String whatIf = o.getOrDefault("whatif", "");
        if (!whatIf.isBlank()) {
            return whatIf(dir, s, CliRequest.overrides(whatIf), o, json);
        }
        if (json) {
            out.println(Json.write(TraceReport.json(dir.toString(), s)));
        } else {
            out.print(TraceReport.text(dir.toString(), s));
        }
        out.flush();
        exports(dir, s, o);
        return CommandRunner.OK;
    }

    private void exports(final Path dir, final TraceSummary s, final Map<String, String> o)
            throws BadTrace, IOException {
        final String report = o.get("report");
        if (report != null && !report.isBlank()) {
            Files.writeString(Path.of(report), TraceReport.html(List.of(dir.toString()), List.of(s), null));
            err.println("router: report written to " + Path.of(report).toAbsolutePath());
        }
        final String pcap = o.get("pcap");
        if (pcap != null && !pcap.isBlank()) {
            requirePackets(dir, s, "--pcap");
            final boolean dropped = Boolean.parseBoolean(o.get("pcap.dropped"));
            final long n = exportPcap(dir, Path.of(pcap), dropped ? Select.DROPPED : Select.FORWARDED, -1, false);
            err.println("router: " + n + " " + (dropped ? "dropped" : "forwarded") + " packets written to "
                    + Path.of(pcap).toAbsolutePath());
        }
        final String csv = o.get("csv");
        if (csv != null && !csv.isBlank()) {
            exportCsv(dir, s, Path.of(csv));
            err.println("router: CSV tables written to " + Path.of(csv).toAbsolutePath());
        }
        err.flush();
    }

    private static void requirePackets(final Path dir, final TraceSummary s, final String what) throws BadTrace {
        if (!s.packetLevel()) {
            throw new BadTrace(what + " needs packet records: trace " + dir + " was written at trace.level="
                    + s.level() + " (record with --trace-level packet)");
        }
    }

    // ---- diff

    int diff(final Map<String, String> o, final boolean json) throws BadTrace, IOException {
        final Path a = Path.of(o.get("dir"));
        final Path b = Path.of(o.get("dir2"));
        final TraceSummary sa = summary(a);
        final TraceSummary sb = summary(b);
        final Map<String, Object> d = TraceReport.diffJson(TraceReport.json(a.toString(), sa),
                TraceReport.json(b.toString(), sb));
        out.print(json ? Json.write(d) + "\n" : TraceReport.diffText(d));
        out.flush();
        final String report = o.get("report");
        if (report != null && !report.isBlank()) {
            Files.writeString(Path.of(report), TraceReport.html(List.of("A " + a, "B " + b), List.of(sa, sb),
                    "<h2>Differences</h2>\n<pre>" + BenchReport.escape(TraceReport.diffText(d)) + "</pre>\n"));
            err.println("router: report written to " + Path.of(report).toAbsolutePath());
            err.flush();
        }
        return CommandRunner.OK;
    }

    // ---- what-if

    private int whatIf(final Path dir, final TraceSummary original, final Map<String, String> changes,
            final Map<String, String> o, final boolean json) throws BadTrace, IOException, InterruptedException {
        requirePackets(dir, original, "--what-if");
        if (!original.filtersOff()) {
            throw new BadTrace("--what-if needs every packet: trace " + dir + " was filtered (trace.ports, "
                    + "trace.prefixes or trace.events)");
        }
        final String[] ports = original.header.getOrDefault("run.ports", "").split(",");
        final Path work = Files.createTempDirectory("routerlab-whatif");
        final Map<String, String> config = new LinkedHashMap<>();
        original.header.forEach((k, v) -> {
            if (k.startsWith("config.")) {
                config.put(k.substring("config.".length()), v);
            }
        });
        config.remove(ConfigKeys.TRACE_DIR);
        config.remove(ConfigKeys.TRAFFIC_PACKETS);
        config.keySet().removeIf(k -> k.startsWith("traffic.pcap"));
        long total = 0;
        for (int p = 0; p < ports.length; p++) {
            final Path file = work.resolve(ports[p] + ".pcap");
            final long n = exportPcap(dir, file, Select.ALL, p, true);
            if (n == 0) {
                throw new BadTrace("--what-if: port " + ports[p] + " received no packets in trace " + dir
                        + "; nothing to re-drive there");
            }
            total += n;
            config.put("traffic.pcap." + ports[p], file.toString());
        }
        final boolean switched = !"ixgbevf".equals(config.getOrDefault(ConfigKeys.NIC, ""));
        config.put(ConfigKeys.NIC, "ixgbevf");
        config.put("traffic.pcap.timing", "recorded");
        config.put("traffic.pcap.start", "absolute");
        config.put(ConfigKeys.TRACE_LEVEL, "packet");
        config.putAll(changes);
        final Path target = o.containsKey("whatif.trace") ? Path.of(o.get("whatif.trace")) : freeSibling(dir);
        config.put(ConfigKeys.TRACE_DIR, target.toAbsolutePath().toString());
        err.println("router: what-if: re-driving " + total + " recorded arrivals of " + dir + " through nic=ixgbevf"
                + (switched ? " (the original ran on nic=" + original.config("nic") + ")" : "") + " with "
                + (changes.isEmpty() ? "the same configuration" : changes) + "; trace " + target);
        err.flush();
        try {
            engine.start(new RunLimits(0, total), config);
        } catch (IllegalArgumentException e) {
            throw new BadTrace("what-if: " + CommandRunner.message(e));
        } catch (Exception e) {
            throw new IOException("what-if: " + CommandRunner.message(e), e);
        }
        while (!engine.awaitFinished(Duration.ofSeconds(1))) {
            // a line per second would interleave with the result; the run is bounded by the packet count
        }
        final RouterStatus status = engine.status();
        deleteQuietly(work);
        if (status.state() == EngineState.FAILED) {
            err.println("router: what-if run failed: " + status.error());
            return CommandRunner.FAILURE;
        }
        final TraceSummary redriven = summary(target);
        final Map<String, Object> d = TraceReport.diffJson(TraceReport.json(dir.toString(), original),
                TraceReport.json(target.toString(), redriven));
        if (json) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("original", TraceReport.json(dir.toString(), original));
            m.put("what_if", TraceReport.json(target.toString(), redriven));
            m.put("changes", changes);
            m.put("comparison", d);
            out.println(Json.write(m));
        } else {
            out.print(TraceReport.text(target.toString(), redriven));
            out.println("what-if " + changes + " against the recorded run:");
            out.print(TraceReport.diffText(d));
        }
        out.flush();
        final String report = o.get("report");
        if (report != null && !report.isBlank()) {
            Files.writeString(Path.of(report), TraceReport.html(List.of("recorded " + dir, "what-if " + changes),
                    List.of(original, redriven), "<h2>What-if</h2>\n<pre>" + BenchReport.escape(
                            TraceReport.diffText(d)) + "</pre>\n"));
            err.println("router: report written to " + Path.of(report).toAbsolutePath());
            err.flush();
        }
        return CommandRunner.OK;
    }

    private static Path freeSibling(final Path dir) {
        final Path base = dir.toAbsolutePath().normalize();
        for (int i = 1;; i++) {
            final Path p = base.resolveSibling(base.getFileName() + "-whatif" + (i == 1 ? "" : "-" + i));
            if (!Files.exists(p)) {
                return p;
            }
        }
    }

    private static void deleteQuietly(final Path dir) {
        try (var files = Files.list(dir)) {
            for (final Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a temporary folder; the OS cleans it eventually
        }
    }

    // ---- pcap

    enum Select { FORWARDED, DROPPED, ALL }

    /**
     * Writes the selected packet records of {@code dir} as a nanosecond libpcap file (link type Ethernet): the frames
     * as received (before the MAC and TTL rewrite), time-stamped with their modeled arrival. Returns the count.
     *
     * @param ingress only packets received on this port index, or -1 for all
     * @param pad write each frame at its full length, the bytes beyond the snap length zero (for re-driving)
     */
    long exportPcap(final Path dir, final Path file, final Select select, final int ingress, final boolean pad)
            throws BadTrace, IOException {
        try (DataOutputStream pcap = new DataOutputStream(new java.io.BufferedOutputStream(
                Files.newOutputStream(file), 1 << 16))) {
            final ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
            header.putInt(0xA1B23C4D).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(PacketRecords.MAX_SNAP * 64).putInt(1);
            pcap.write(header.array());
            final long[] count = {0};
            final ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            final byte[] zeros = new byte[2048];
            final IOException[] failure = {null};
            read(dir, new TraceVisitor() {
                @Override
                public void packets(final long wallNanos, final long modeledNanos, final PacketRecords r) {
                    if (failure[0] != null) {
                        return;
                    }
                    try {
                        for (int i = 0; i < r.size(); i++) {
                            final boolean dropped = r.dropped(i);
                            if ((select == Select.FORWARDED && dropped) || (select == Select.DROPPED && !dropped)
                                    || (ingress >= 0 && r.ingress(i) != ingress)) {
                                continue;
                            }
                            final long stamp = r.stamp(i);
                            final int captured = r.captured(i);
                            final int length = r.length(i);
                            final int included = pad ? length : captured;
                            record.clear();
                            record.putInt((int) (stamp / 1_000_000_000L)).putInt((int) (stamp % 1_000_000_000L))
                                    .putInt(included).putInt(length);
                            pcap.write(record.array());
                            pcap.write(r.array(), r.snapOffset(i), Math.min(captured, included));
                            for (int left = included - captured; left > 0; left -= zeros.length) {
                                pcap.write(zeros, 0, Math.min(left, zeros.length));
                            }
                            count[0]++;
                        }
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                }
            });
            if (failure[0] != null) {
                throw failure[0];
            }
            return count[0];
        }
    }

    // ---- CSV

    private void exportCsv(final Path dir, final TraceSummary s, final Path folder) throws BadTrace, IOException {
        Files.createDirectories(folder);
        try (BufferedWriter w = Files.newBufferedWriter(folder.resolve("timeline.csv"))) {
            w.write("t_s,rx_mpps_wall,tx_mpps_wall,modeled_mpps,drops,hypercalls_per_s,rx_ring_mean\n");
            for (final Map<String, Object> p : TraceReport.timeline(s)) {
                w.write(p.get("t_s") + "," + p.get("rx_mpps_wall") + "," + p.get("tx_mpps_wall") + ","
                        + p.get("modeled_mpps") + "," + p.get("drops") + "," + p.get("hypercalls_per_s") + ","
                        + p.get("rx_ring_mean") + "\n");
            }
        }
        try (BufferedWriter w = Files.newBufferedWriter(folder.resolve("swaps.csv"))) {
            w.write("wall_s,modeled_ns,what,from,to,pause_us,packets_lost,outcome\n");
            for (final Map<String, Object> x : s.swaps) {
                w.write(x.values().stream().map(v -> String.valueOf(v).replace(',', ';')).reduce((a, b) -> a + ","
                        + b).orElse("") + "\n");
            }
        }
        try (BufferedWriter bursts = Files.newBufferedWriter(folder.resolve("bursts.csv"));
                BufferedWriter packets = Files.newBufferedWriter(folder.resolve("packets.csv"))) {
            bursts.write("wall_ns,modeled_ns,port,received,transmitted,dropped,rx_ring,tx_in_flight,"
                    + "hypercalls,dma_maps,bounces,iotlb_invalidations,dma_faults\n");
            packets.write("seq,rx_modeled_ns,ingress,egress,length,src,dst,proto,sport,dport,next_hop,verdict,"
                    + "latency_ns\n");
            final CsvPackets visitor = new CsvPackets(bursts, packets, s.packetLevel() && s.filtersOff());
            read(dir, visitor);
            visitor.finish();
        }
    }

    /** Writes bursts.csv and packets.csv; latencies are matched to forwarded packets per egress port, in order. */
    private static final class CsvPackets implements TraceVisitor {
        private final BufferedWriter bursts;
        private final BufferedWriter packets;
        private final boolean match;
        private final Map<Integer, ArrayDeque<String>> pending = new HashMap<>();
        private long seq;
        private IOException failure;

        CsvPackets(final BufferedWriter bursts, final BufferedWriter packets, final boolean match) {
            this.bursts = bursts;
            this.packets = packets;
            this.match = match;
        }

        @Override
        public void header(final Map<String, String> header) {
            pending.clear();
        }

        @Override
        public void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
                final int transmitted, final int dropped, final int rxRing, final int txRing, final long[] d) {
            long hypercalls = 0;
            for (int k = TraceSummary.HYPERCALLS_FIRST; k <= TraceSummary.HYPERCALLS_LAST && k < d.length; k++) {
                hypercalls += d[k];
            }
            write(bursts, wallNanos + "," + modeledNanos + "," + port + "," + received + "," + transmitted + ","
                    + dropped + "," + rxRing + "," + txRing + "," + hypercalls + "," + at(d, 2) + "," + at(d, 10)
                    + "," + at(d, 15) + "," + at(d, 20) + "\n");
        }

        private static long at(final long[] d, final int k) {
            return k < d.length ? d[k] : 0;
        }

        @Override
        public void packets(final long wallNanos, final long modeledNanos, final PacketRecords r) {
            for (int i = 0; i < r.size(); i++) {
                final int verdict = r.verdict(i);
                final String row = (seq++) + "," + r.stamp(i) + "," + r.ingress(i) + ","
                        + (r.egress(i) == PacketRecords.NO_PORT ? "" : Integer.toString(r.egress(i))) + ","
                        + r.length(i) + "," + Ipv4Address.format(r.source(i)) + ","
                        + Ipv4Address.format(r.destination(i)) + "," + r.protocol(i) + "," + r.sourcePort(i) + ","
                        + r.destinationPort(i) + "," + r.nextHop(i) + ","
                        + (verdict == PacketRecords.FORWARDED ? "forwarded" : verdict - 1 < DropReason.count()
                                ? DropReason.byId(verdict - 1).key() : "drop-" + (verdict - 1)) + ",";
                if (verdict == PacketRecords.FORWARDED && match) {
                    pending.computeIfAbsent(r.egress(i), k -> new ArrayDeque<>()).add(row);
                } else {
                    write(packets, row + "\n");
                }
            }
        }

        @Override
        public void completions(final long wallNanos, final long modeledNanos, final int port, final long[] l,
                final int count) {
            final ArrayDeque<String> queue = pending.get(port);
            for (int i = 0; i < count && queue != null && !queue.isEmpty(); i++) {
                write(packets, queue.poll() + (l[i] >= 0 ? Long.toString(l[i]) : "") + "\n");
            }
        }

        void finish() throws IOException {
            for (final ArrayDeque<String> queue : pending.values()) {
                for (final String row : queue) {
                    write(packets, row + "\n");
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        private void write(final BufferedWriter w, final String line) {
            if (failure == null) {
                try {
                    w.write(line);
                } catch (IOException e) {
                    failure = e;
                }
            }
        }
    }
}
