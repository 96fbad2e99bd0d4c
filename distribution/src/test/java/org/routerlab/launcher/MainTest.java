package org.routerlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path home;

    private final List<Invocation> invocations = new ArrayList<>();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Session session = invocation -> {
        invocations.add(invocation);
        return 0;
    };

    @BeforeEach
    void createHome() throws IOException {
        Files.createDirectories(home.resolve("features"));
        Files.writeString(home.resolve("features/emulated.json"), "{}");
        Files.writeString(home.resolve("features/shell.json"), "{}");
    }

    private int run(final String... args) {
        return Main.commandLine(invocation -> session.execute(invocation), () -> home, new PrintWriter(out, true),
                new PrintWriter(err, true)).execute(args);
    }

    private void assertUsageError(final String expectedLine, final String... args) {
        assertEquals(2, run(args), String.join(" ", args));
        assertEquals(expectedLine + System.lineSeparator(), err.toString());
        assertEquals(List.of(), invocations, "nothing boots");
    }

    @Test
    void shouldRejectSetWithoutEquals() {
        assertUsageError("router: --set expects KEY=VALUE, got 'nicemulated' (see 'router help run')",
                "run", "--set", "nicemulated");
    }

    @Test
    void shouldRejectSetWithEmptyKey() {
        assertUsageError("router: --set expects KEY=VALUE, got '=emulated' (see 'router help run')",
                "run", "--set", "=emulated");
    }

    @Test
    void shouldRejectUnknownConfigurationKey() {
        assertEquals(2, run("run", "--set", "colour=blue"));
        final String line = err.toString();
        assertTrue(line.startsWith("router: --set colour: unknown configuration key (known: burst, dma, flows, nic, "),
                line);
        assertEquals(1, line.lines().count());
        assertTrue(invocations.isEmpty());
    }

    @Test
    void shouldRejectNonPositiveDurations() {
        assertUsageError("router: --duration must be a positive number of seconds, got -1 (see 'router help run')",
                "run", "--duration", "-1");
        err.getBuffer().setLength(0);
        assertUsageError("router: --duration must be a positive number of seconds, got 0 (see 'router help run')",
                "run", "--duration", "0");
        err.getBuffer().setLength(0);
        assertUsageError("router: --duration must be a positive number of seconds, got NaN (see 'router help run')",
                "run", "--duration", "NaN");
    }

    @Test
    void shouldRejectBadCounts() {
        assertUsageError("router: --packets must be a positive count, got 0 (see 'router help run')",
                "run", "--packets", "0");
        err.getBuffer().setLength(0);
        assertUsageError("router: Invalid value for option '--packets': 'many' is not a long (see 'router help run')",
                "run", "--packets", "many");
        err.getBuffer().setLength(0);
        assertUsageError("router: --seed must be a non-negative integer, got -3 (see 'router help run')",
                "run", "--seed", "-3");
    }

    @Test
    void shouldRejectUnknownOptionsAndCommands() {
        assertUsageError("router: Unknown option: '--fast' (see 'router help run')", "run", "--fast");
        err.getBuffer().setLength(0);
        assertUsageError("router: Unmatched argument at index 0: 'fly' (see 'router help')", "fly");
    }

    @Test
    void shouldRejectUnknownFeatures() {
        assertUsageError("router: unknown feature 'afxdp' (available: emulated, shell)", "run", "--feature", "afxdp");
        err.getBuffer().setLength(0);
        assertUsageError("router: unknown feature '../etc/x' (available: emulated, shell)", "plugins", "--feature",
                "../etc/x");
    }

    @Test
    void shouldRejectOptionsThatContradictSet() {
        assertUsageError("router: --seed 3 conflicts with --set seed=4 (see 'router help run')",
                "run", "--seed", "3", "--set", "seed=4");
    }

    @Test
    void shouldRejectAConfigFolderThatIsAFile() throws IOException {
        final Path file = Files.writeString(home.resolve("file"), "");
        assertUsageError("router: --config " + file + ": not a directory (see 'router help run')",
                "run", "--config", file.toString());
    }

    @Test
    void shouldRunTenSecondsOfTheEmulatedFeatureByDefault() {
        assertEquals(0, run("run"));

        final Invocation invocation = invocations.getFirst();
        assertEquals("run", invocation.command());
        assertEquals(home, invocation.home());
        assertEquals(List.of("emulated"), invocation.features());
        assertEquals(home.resolve("etc"), invocation.etc());
        assertFalse(invocation.json());
        assertFalse(invocation.interactive());
        assertEquals(Map.of(CliProperties.COMMAND, "run", CliProperties.DURATION, "10", CliProperties.JSON, "false",
                CliProperties.SET, ""), invocation.properties());
        assertEquals("", err.toString());
    }

    @Test
    void shouldTranslateOptionsIntoOverrides() {
        assertEquals(0, run("run", "--packets", "100000", "--seed", "7", "--trace", "traces/t1", "--json",
                "--set", "burst=32", "--set", "nic.queues=2", "--set", "seed=7", "--set", "ports=p0=10.0.0.1/24"));

        final Map<String, String> properties = invocations.getFirst().properties();
        assertNull(properties.get(CliProperties.DURATION), "--packets alone has no time limit");
        assertEquals("100000", properties.get(CliProperties.PACKETS));
        assertEquals("true", properties.get(CliProperties.JSON));
        assertEquals("burst=32\nnic.queues=2\nseed=7\nports=p0=10.0.0.1/24\ntrace.dir="
                + Path.of("traces/t1").toAbsolutePath() + "\ntraffic.packets=100000\n",
                properties.get(CliProperties.SET));
        assertTrue(invocations.getFirst().json());
    }

    @Test
    void shouldPassBothLimitsWhenBothAreGiven() {
        assertEquals(0, run("run", "--duration", "2.5", "--packets", "10"));

        assertEquals("2.5", invocations.getFirst().properties().get(CliProperties.DURATION));
        assertEquals("10", invocations.getFirst().properties().get(CliProperties.PACKETS));
    }

    @Test
    void shouldMakeARoutesFileInTheCurrentFolderAbsolute() {
        assertEquals(0, run("run", "--set", "routes=pom.xml", "--set", "routes=routes/default.routes"));
        assertEquals("routes=routes/default.routes\n", invocations.getFirst().properties().get(CliProperties.SET));

        assertEquals(0, run("run", "--set", "routes=pom.xml"));
        assertEquals("routes=" + Path.of("pom.xml").toAbsolutePath() + "\n",
                invocations.get(1).properties().get(CliProperties.SET));
    }

    @Test
    void shouldUseTheGivenConfigFolderAndFeatures() {
        assertEquals(0, run("plugins", "--json", "--config", home.resolve("conf").toString(), "--feature", "shell",
                "--feature", "emulated"));

        final Invocation invocation = invocations.getFirst();
        assertEquals(home.resolve("conf"), invocation.etc());
        assertEquals(List.of("shell", "emulated"), invocation.features());
        assertEquals(Map.of(CliProperties.COMMAND, "plugins", CliProperties.JSON, "true"), invocation.properties());
    }

    @Test
    void shouldStartTheShellInteractivelyWithTheShellFeature() {
        assertEquals(0, run("shell", "--set", "seed=2"));

        final Invocation invocation = invocations.getFirst();
        assertTrue(invocation.interactive());
        assertEquals(List.of("emulated", "shell"), invocation.features());
        assertEquals(Map.of(CliProperties.SET, "seed=2\n", "gosh.args", ""), invocation.properties());
    }

    // ---- lookup, routes stats --------------------------------------------------------------------------------------

    @Test
    void shouldLookUpInTheConfiguredTableByDefault() {
        assertEquals(0, run("lookup"));

        final Invocation invocation = invocations.getFirst();
        assertEquals("lookup", invocation.command());
        assertEquals(List.of("emulated"), invocation.features());
        assertEquals(Map.of(CliProperties.COMMAND, "lookup", CliProperties.TIMING, "false", CliProperties.SET, ""),
                invocation.properties());
        assertFalse(invocation.json());
        assertFalse(invocation.interactive());
        assertTrue(invocation.exclusiveStdout(), "nothing but the lookup lines on stdout");
    }

    @Test
    void shouldPassTheRouteFileTheAlgorithmAndTiming() throws IOException {
        Files.createDirectories(home.resolve("routes"));
        Files.writeString(home.resolve("routes/full.routes"), "1.0.0.0/24\n");

        assertEquals(0, run("lookup", "--routes", "routes/full.routes", "--set", "routing=poptrie", "--timing"));
        assertEquals(0, run("lookup", "--routes", "pom.xml"));
        assertEquals(0, run("lookup", "--routes", home.resolve("routes/full.routes").toString()));

        assertEquals(Map.of(CliProperties.COMMAND, "lookup", CliProperties.TIMING, "true", CliProperties.SET,
                "routing=poptrie\nroutes=routes/full.routes\n"), invocations.get(0).properties(),
                "a file of the router home stays relative to it");
        assertEquals("routes=" + Path.of("pom.xml").toAbsolutePath() + "\n",
                invocations.get(1).properties().get(CliProperties.SET), "a file here is made absolute");
        assertEquals("routes=" + home.resolve("routes/full.routes") + "\n",
                invocations.get(2).properties().get(CliProperties.SET));
        assertEquals("", err.toString());
    }

    @Test
    void shouldRejectAMissingRouteFileBeforeBooting() throws IOException {
        assertUsageError("router: --routes nope.routes: no such file (neither in the current folder nor in " + home
                + ") (see 'router help lookup')", "lookup", "--routes", "nope.routes");
        err.getBuffer().setLength(0);
        assertUsageError("router: --routes /nonexistent/x.gz: no such file (see 'router help routes stats')",
                "routes", "stats", "--routes", "/nonexistent/x.gz");
        err.getBuffer().setLength(0);
        assertUsageError("router: --set routes=/nonexistent/y: no such file (see 'router help lookup')",
                "lookup", "--set", "routes=/nonexistent/y");
        err.getBuffer().setLength(0);
        assertUsageError("router: --routes " + home + ": is a directory (see 'router help lookup')",
                "lookup", "--routes", home.toString());
        err.getBuffer().setLength(0);
        assertUsageError("router: --routes needs a file name (see 'router help lookup')", "lookup", "--routes", " ");
    }

    @Test
    void shouldRejectARouteFileThatContradictsSet() {
        assertUsageError("router: --routes " + Path.of("pom.xml").toAbsolutePath() + " conflicts with --set "
                + "routes=/etc/hostname (see 'router help lookup')",
                "lookup", "--routes", "pom.xml", "--set", "routes=/etc/hostname");
    }

    @Test
    void shouldRejectOptionsThatLookupDoesNotHave() {
        assertUsageError("router: Unknown option: '--json' (see 'router help lookup')", "lookup", "--json");
        err.getBuffer().setLength(0);
        assertEquals(2, run("lookup", "--set", "colour=blue"));
        assertTrue(err.toString().startsWith("router: --set colour: unknown configuration key"), err.toString());
        assertEquals(List.of(), invocations);
    }

    @Test
    void shouldPrintRouteStatistics() {
        assertEquals(0, run("routes", "stats", "--json", "--set", "routing=dir-24-8"));

        final Invocation invocation = invocations.getFirst();
        assertEquals("routes-stats", invocation.command());
        assertEquals(Map.of(CliProperties.COMMAND, "routes-stats", CliProperties.JSON, "true", CliProperties.SET,
                "routing=dir-24-8\n"), invocation.properties());
        assertTrue(invocation.json());
        assertTrue(invocation.exclusiveStdout());
        assertEquals(0, run("routes", "stats"));
        assertTrue(invocations.get(1).exclusiveStdout(), "text statistics too");
    }

    @Test
    void shouldAskForASubcommandOfRoutes() {
        assertUsageError("router: routes needs a subcommand: stats (see 'router help routes')", "routes");
        err.getBuffer().setLength(0);
        assertUsageError("router: Unknown option: '--fast' (see 'router help routes stats')", "routes", "stats",
                "--fast");
        err.getBuffer().setLength(0);
        assertUsageError("router: Unmatched argument at index 1: 'fly' (see 'router help routes')", "routes", "fly");
    }

    @Test
    void shouldPrintHelpForASubcommand() {
        assertEquals(0, run("help", "routes", "stats"));
        assertTrue(out.toString().startsWith("Usage: router routes stats "), out.toString());
        out.getBuffer().setLength(0);

        assertEquals(0, run("help", "lookup"));
        assertTrue(out.toString().contains("ADDRESS NEXTHOP"), out.toString());
        assertTrue(out.toString().contains("10.255.0.1 .. 10.255.0.16"), out.toString());

        assertEquals(2, run("help", "routes", "fly"));
        assertEquals("router: no command 'fly' (see 'router help routes')" + System.lineSeparator(),
                err.toString());
    }

    @Test
    void shouldReportALaunchFailureAsOneLineWithItsExitCode() {
        session = invocation -> {
            throw new LaunchException(LaunchException.FAILURE, "bundles did not start: x");
        };

        assertEquals(1, run("plugins"));
        assertEquals("router: bundles did not start: x" + System.lineSeparator(), err.toString());
    }

    @Test
    void shouldReturnTheExitCodeOfTheCommand() {
        session = invocation -> 2;

        assertEquals(2, run("run", "--set", "nic=foo"));
    }

    @Test
    void shouldPrintUsageWithoutArguments() {
        assertEquals(0, run());

        assertTrue(out.toString().startsWith("Usage: router [-hV] [COMMAND]"), out.toString());
        assertTrue(out.toString().contains("plugins"), out.toString());
    }

    @Test
    void shouldPrintHelpForACommand() {
        assertEquals(0, run("help", "run"));

        assertTrue(out.toString().contains("--duration=SECONDS"), out.toString());
        assertTrue(out.toString().contains("whichever limit is reached first"), out.toString());
    }
}
