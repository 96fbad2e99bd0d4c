package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.api.route.RoutingAlgorithm;

class CommandRunnerTest {
    private final FakeEngine engine = new FakeEngine();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final CommandRunner runner = new CommandRunner(engine, new NoAlgorithms(), Path.of("."),
            InputStream.nullInputStream(), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), () -> 20, () -> 21);

    /** No routing algorithm: run and plugins do not need one. */
    static final class NoAlgorithms implements RoutingAlgorithms {
        @Override
        public RoutingAlgorithm find(final String name) {
            return null;
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    }

    private static CliRequest run(final boolean json) {
        return new CliRequest("run", new RunLimits(3_000_000_000L, 0), json, Map.of("seed", "3"));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintOneStatusLinePerSecondAndASummary() {
        engine.secondsToRun = 3;

        assertEquals(0, runner.execute(run(false)));

        assertEquals(new RunLimits(3_000_000_000L, 0), engine.startedWith);
        assertEquals(Map.of("seed", "3"), engine.overridesGiven);
        final String[] lines = out().split("\n");
        assertTrue(lines[0].startsWith("routerlab: nic=emulated dma=per-packet routing=binary-trie"), out());
        assertTrue(lines[1].startsWith("[  1 s] rx 1.000 Mpps  tx 1.000 Mpps  drops 0  dma maps/pkt 2.000"), out());
        assertTrue(lines[3].startsWith("[  3 s]"), out());
        assertTrue(lines[4].startsWith("routerlab run finished after 3.000 s wall"), out());
        assertEquals("", err());
    }

    @Test
    void shouldPrintOnlyTheJsonSummaryOnStdoutWithJson() {
        engine.secondsToRun = 2;

        assertEquals(0, runner.execute(run(true)));

        assertEquals(1, out().lines().count(), out());
        assertTrue(out().startsWith("{\"state\":\"finished\""), out());
        assertTrue(out().contains("\"packets_rx\":2000000"), out());
        assertTrue(out().contains("\"bundles_active\":20,\"bundles_total\":21"), out());
        assertTrue(err().contains("[  2 s] rx"), err());
    }

    @Test
    void shouldExitTwoWithOneLineOnConfigurationErrors() {
        engine.startFailure = new IllegalArgumentException("nic=foo: no such NIC backend (available: emulated)");

        assertEquals(2, runner.execute(run(false)));

        assertEquals("router: nic=foo: no such NIC backend (available: emulated)\n", err());
        assertEquals("", out());
    }

    @Test
    void shouldExitTwoOnRouteFileErrors() {
        engine.startFailure = new RouteFileException(Path.of("r.routes"), 3, "bad prefix '10.0.0.0/33'");

        assertEquals(2, runner.execute(run(true)));

        assertEquals("router: r.routes:3: bad prefix '10.0.0.0/33'\n", err());
    }

    @Test
    void shouldExitOneOnOtherStartFailures() {
        engine.startFailure = new IllegalStateException("a run is in progress");

        assertEquals(1, runner.execute(run(false)));

        assertEquals("router: a run is in progress\n", err());
    }

    @Test
    void shouldExitOneWhenTheRunFails() {
        engine.secondsToRun = 1;
        engine.finalState = EngineState.FAILED;
        engine.error = "forwarding thread died: boom";

        assertEquals(1, runner.execute(run(false)));

        assertTrue(out().contains("  error      forwarding thread died: boom"), out());
        assertEquals("router: forwarding thread died: boom\n", err());
    }

    @Test
    void shouldWarnAboutLeaksAfterTheRun() {
        engine.secondsToRun = 1;
        engine.leakedBuffers = 3;

        assertEquals(0, runner.execute(run(false)));

        assertEquals("router: warning: the run left 3 buffers outstanding and 3 DMA mappings live (a leak in the DMA "
                + "strategy or the NIC backend)\n", err());
    }

    @Test
    void shouldMarkTheSummaryWhenInterrupted() {
        engine.secondsToRun = 1;
        runner.interrupt();

        assertEquals(0, runner.execute(run(true)));

        assertTrue(out().contains("\"interrupted\":true"), out());
        assertEquals(1, engine.stops);
    }

    @Test
    void shouldListPlugins() {
        assertEquals(0, runner.execute(new CliRequest("plugins", RunLimits.unlimited(), true, Map.of())));

        assertTrue(out().startsWith("{\"nic\":[{\"name\":\"emulated\""), out());
    }
}
