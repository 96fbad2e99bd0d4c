package org.routerlab.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.launcher.OsgiRuntime;

/**
 * {@code router bench} in the real runtime on the ixgbevf model: the paper's claim must come out of the
 * measurement. Under {@code paper}, per-packet makes at least 2 mapping hypercalls per packet, batch-16 about as
 * many with 1/16 of the rx tail writes, premapped-reuse about none; under {@code none} nobody makes any.
 */
class BenchIT {
    @TempDir
    Path work;

    @Test
    void shouldMeasureThePapersClaim() throws Exception {
        final Path home = Path.of(System.getProperty("routerlab.dist", "../distribution/target/routerlab"));
        final Path report = work.resolve("bench.html");
        final CompletableFuture<Integer> exit = new CompletableFuture<>();
        final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        try (OsgiRuntime runtime = OsgiRuntime.start(home.toAbsolutePath(), List.of("emulated"), work.resolve("etc"),
                Map.of("routerlab.cli.command", "bench", "routerlab.cli.json", "true",
                        "routerlab.cli.duration", "0.3",
                        "routerlab.cli.bench.strategies", "per-packet,batch-16,premapped-reuse",
                        "routerlab.cli.bench.sizes", "64", "routerlab.cli.bench.profiles", "paper,none",
                        "routerlab.cli.bench.report", report.toString()))) {
            runtime.context().registerService(IntConsumer.class, exit::complete,
                    new Hashtable<>(Map.of("routerlab.cli.exit", "true")));
            runtime.context().registerService(PrintStream.class, new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new Hashtable<>(Map.of("routerlab.cli.stdout", "true")));
            assertEquals(0, exit.get(180, TimeUnit.SECONDS), () -> "bench failed: " + stdout);
        }
        final String json = stdout.toString(StandardCharsets.UTF_8).strip();
        final List<String> records = new ArrayList<>();
        final Matcher m = Pattern.compile("\\{\"strategy\".*?\"buffers_leaked\":\\d+[^}]*}").matcher(json);
        while (m.find()) {
            records.add(m.group());
        }
        assertEquals(6, records.size(), json);
        final double perPacket = value(find(records, "per-packet", "paper"), "hypercalls_per_packet");
        final double batch = value(find(records, "batch-16", "paper"), "hypercalls_per_packet");
        final double premapped = value(find(records, "premapped-reuse", "paper"), "hypercalls_per_packet");
        assertTrue(perPacket >= 2, "per-packet under paper: " + perPacket);
        assertEquals(perPacket, batch, perPacket * 0.05, "batch-16 maps as often as per-packet");
        assertTrue(premapped < 0.01, "premapped-reuse: about 0 hypercalls per packet, got " + premapped);
        final double tailPerPacket = value(find(records, "per-packet", "paper"), "tail_writes_per_packet");
        final double tailBatch = value(find(records, "batch-16", "paper"), "tail_writes_per_packet");
        assertTrue(tailBatch < tailPerPacket, "batch-16 writes the tail less often");
        for (final String strategy : List.of("per-packet", "batch-16", "premapped-reuse")) {
            assertEquals(0.0, value(find(records, strategy, "none"), "hypercalls_per_packet"), 1e-9);
        }
        for (final String strategy : List.of("per-packet", "batch-16")) {
            assertTrue(value(find(records, strategy, "none"), "modeled_mpps")
                    > value(find(records, strategy, "paper"), "modeled_mpps"), strategy + ": mapping costs under paper");
        }
        final double premappedPaper = value(find(records, "premapped-reuse", "paper"), "modeled_mpps");
        final double premappedNone = value(find(records, "premapped-reuse", "none"), "modeled_mpps");
        assertTrue(premappedPaper > 0.5 * premappedNone && premappedPaper < 2 * premappedNone,
                "premapped-reuse maps nothing per packet, so the mapping profile barely matters: " + premappedPaper
                        + " vs " + premappedNone);
        assertTrue(premappedPaper > 3 * value(find(records, "per-packet", "paper"), "modeled_mpps"),
                "under the paper's assumption, premapped-reuse forwards several times faster than per-packet");
        final double forwarded = value(find(records, "per-packet", "paper"), "forwarded_share");
        for (final String r : records) {
            assertEquals(forwarded, value(r, "forwarded_share"), 0.02, "every strategy forwards the same traffic: " + r);
            assertTrue(r.contains("\"dma_faults\":0"), r);
            assertTrue(r.contains("\"buffers_leaked\":0"), r);
        }
        final String html = Files.readString(report);
        assertTrue(html.contains("<svg") && html.contains("premapped-reuse"), "the HTML report has the charts");
    }

    private static String find(final List<String> records, final String strategy, final String profile) {
        return records.stream().filter(r -> r.contains("\"strategy\":\"" + strategy + "\"")
                && r.contains("\"profile\":\"" + profile + "\"")).findFirst().orElseThrow(
                        () -> new AssertionError(strategy + "/" + profile + " missing in " + records));
    }

    private static double value(final String record, final String key) {
        final Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.E]+|null)").matcher(record);
        assertTrue(m.find(), key + " in " + record);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }
}
