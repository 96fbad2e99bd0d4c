package org.routerlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.nic.ixgbevf.internal.PcapReadBack;

/**
 * Traces end to end, in child JVMs as a user runs them: a run's trace replays to the run's own counts, exports pcap
 * (read back) and CSV, a what-if with the same configuration reproduces the run exactly, a router killed with
 * SIGKILL leaves a readable trace that says it was cut short, and broken traces get one error line and exit 2.
 */
class TraceIT {
    static final Path DIST = LauncherIT.DIST;
    static final long TIMEOUT_SECONDS = 180;

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(out))) {
                return reader.readObject();
            }
        }

        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    @BeforeEach
    void privateHome() throws IOException {
        for (final String shared : List.of("bundles", "features", "routes")) {
            Files.createSymbolicLink(home.resolve(shared), DIST.resolve(shared));
        }
        Files.createDirectories(home.resolve("etc"));
        Files.createDirectories(home.resolve("plugins"));
    }

    @AfterEach
    void unlink() throws IOException {
        for (final String shared : List.of("bundles", "features", "routes")) {
            Files.deleteIfExists(home.resolve(shared));
        }
    }

    private Process start(final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(Files.readString(DIST.resolve("bin/jvm.flags")).trim().split("\\s+")));
        command.add("-D" + CliProperties.HOME + "=" + home);
        command.add("-jar");
        command.add(DIST.resolve("bin/router-launcher.jar").toString());
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectOutput(home.resolve("stdout").toFile())
                .redirectError(home.resolve("stderr").toFile()).start();
    }

    private Result router(final String... args) throws IOException, InterruptedException {
        final Process process = start(args);
        process.getOutputStream().close();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("router " + String.join(" ", args) + " did not end; stderr: "
                    + Files.readString(home.resolve("stderr")));
        }
        return new Result(process.exitValue(), Files.readString(home.resolve("stdout")),
                Files.readString(home.resolve("stderr")));
    }

    private static void assertOneErrorLine(final Result result, final String... fragments) {
        assertEquals(2, result.exit(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        final String line = result.errLines().getFirst();
        assertTrue(line.startsWith("router: "), line);
        for (final String fragment : fragments) {
            assertTrue(line.contains(fragment), fragment + " in " + line);
        }
    }

    private static long drops(final JsonObject drops) {
        return drops.values().stream().mapToLong(v -> ((jakarta.json.JsonNumber) v).longValue()).sum();
    }

    @Test
    void shouldReplayExportAndReproduceARecordedRun() throws Exception {
        final Path trace = home.resolve("trace");
        final Result run = router("run", "--packets", "60000", "--seed", "7", "--set", "nic=ixgbevf",
                "--trace", trace.toString(), "--trace-level", "packet", "--json");
        assertEquals(0, run.exit(), run.err());
        final JsonObject ran = run.json();

        final Path pcap = home.resolve("forwarded.pcap");
        final Path csv = home.resolve("csv");
        final Path html = home.resolve("report.html");
        final Result replay = router("replay", trace.toString(), "--json", "--pcap", pcap.toString(), "--csv",
                csv.toString(), "--report", html.toString());
        assertEquals(0, replay.exit(), replay.err());
        final JsonObject r = replay.json();
        assertTrue(r.getBoolean("complete"));
        assertEquals(ran.getJsonNumber("packets_rx").longValue(), r.getJsonNumber("packets_rx").longValue());
        assertEquals(ran.getJsonNumber("packets_tx").longValue(), r.getJsonNumber("packets_tx").longValue());
        assertEquals(60000, r.getJsonNumber("packet_records").longValue());
        final JsonObject ranDrops = ran.getJsonObject("drops");
        r.getJsonObject("drops").forEach((reason, n) -> assertEquals(ranDrops.getJsonNumber(reason).longValue(),
                ((jakarta.json.JsonNumber) n).longValue(), reason));
        assertEquals(drops(ranDrops), drops(r.getJsonObject("drops")));
        assertEquals(ran.getJsonNumber("packets_tx").longValue(),
                r.getJsonObject("latency_ns").getJsonNumber("count").longValue());

        final Object[] forwarded = PcapReadBack.read(pcap);
        assertEquals(ran.getJsonNumber("packets_tx").longValue(), ((Integer) forwarded[0]).longValue());
        assertEquals(0L, forwarded[1]);
        assertEquals(1, forwarded[2], "time stamps never run backwards");
        assertEquals(64, forwarded[3]);
        assertEquals("pcap-ns", forwarded[4]);
        assertEquals(60001, Files.readAllLines(csv.resolve("packets.csv")).size());
        assertTrue(Files.readAllLines(csv.resolve("timeline.csv")).size() > 1);
        final String report = Files.readString(html);
        assertTrue(report.contains("<svg") && !report.contains("<script") && !report.contains("src=\"http"));

        final Result whatIf = router("replay", trace.toString(), "--what-if", "dma=per-packet", "--json");
        assertEquals(0, whatIf.exit(), whatIf.err());
        final JsonObject redriven = whatIf.json().getJsonObject("what_if");
        for (final String key : List.of("packets_rx", "packets_tx", "modeled_ns", "drops_total", "dma_unmaps")) {
            assertEquals(r.get(key), redriven.get(key), key);
        }
        assertEquals(ran.getJsonNumber("modeled_ns").longValue(), redriven.getJsonNumber("modeled_ns").longValue());
        assertEquals(r.getJsonObject("drops"), redriven.getJsonObject("drops"));
        assertEquals(r.getJsonObject("hypercalls"), redriven.getJsonObject("hypercalls"));
        assertEquals(r.getJsonObject("latency_ns"), redriven.getJsonObject("latency_ns"));

        final Result diff = router("diff", trace.toString(), trace + "-whatif");
        assertEquals(0, diff.exit(), diff.err());
        assertFalse(diff.out().lines().anyMatch(l -> l.startsWith("* packets")), diff.out());
    }

    @Test
    void shouldSayARunKilledWithSigkillWasCutShort() throws Exception {
        final Path trace = home.resolve("killed");
        final Process process = start("run", "--duration", "60", "--set", "nic=ixgbevf", "--trace", trace.toString());
        process.getOutputStream().close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!Files.readString(home.resolve("stdout")).contains("[  2 s]")) {
            assertTrue(process.isAlive(), () -> "the run ended early: " + read(home.resolve("stderr")));
            assertTrue(System.nanoTime() < deadline, "no status line after 90 s");
            Thread.sleep(100);
        }
        process.destroyForcibly(); // SIGKILL on Linux: no shutdown hook, no run footer
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, process.exitValue());

        final Result text = router("replay", trace.toString());
        assertEquals(0, text.exit(), text.err());
        assertTrue(text.out().contains("the run was cut short"), text.out());
        assertTrue(text.out().lines().anyMatch(l -> l.matches("  packets    rx [1-9][0-9]* .*")), text.out());
    }

    @Test
    void shouldRejectBrokenTracesInOneLine() throws Exception {
        final Path empty = Files.createDirectories(home.resolve("empty"));
        assertOneErrorLine(router("replay", empty.toString()), "no trace in " + empty);
        final Path foreign = Files.createDirectories(home.resolve("foreign"));
        final byte[] noise = new byte[8192];
        new java.util.Random(3).nextBytes(noise);
        Files.write(foreign.resolve("20260101L.cq4"), noise);
        Files.write(foreign.resolve("metadata.cq4t"), noise);
        assertOneErrorLine(router("replay", foreign.toString()), foreign.toString());
        assertOneErrorLine(router("diff", empty.toString(), foreign.toString()), empty.toString());
    }

    private static String read(final Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
