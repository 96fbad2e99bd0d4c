package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.route.RoutingAlgorithm;

/** {@code router lookup} and {@code router routes stats} in the driver, with a tiny real routing algorithm. */
class TableCommandsTest {
    @TempDir
    Path home;

    private final FakeEngine engine = new FakeEngine();
    private final LinearAlgorithm linear = new LinearAlgorithm();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private String stdin = "";

    private final RoutingAlgorithms algorithms = new RoutingAlgorithms() {
        @Override
        public RoutingAlgorithm find(final String name) {
            return "linear".equals(name) ? linear : null;
        }

        @Override
        public List<String> names() {
            return List.of("linear");
        }
    };

    @BeforeEach
    void routes() throws IOException {
        Files.createDirectories(home.resolve("routes"));
        Files.writeString(home.resolve("routes/test.routes"), """
                # gateways, a connected route, drops
                172.16.0.0/16 via 10.0.0.2 dev p0 proto static
                172.16.9.0/24 via 10.1.0.2
                10.0.0.0/24 dev p0 proto kernel scope link
                blackhole 192.0.2.192/26
                unreachable 198.18.0.0/15
                """);
        engine.configuration = Map.of("routing", "linear", "routes", "routes/test.routes");
    }

    private int execute(final String command, final boolean json, final Map<String, String> overrides,
            final boolean timing) {
        final CommandRunner runner = new CommandRunner(engine, algorithms, home,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.US_ASCII)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                () -> 1, () -> 1);
        return runner.execute(new CliRequest(command, RunLimits.unlimited(), json, overrides, timing));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldLookUpStdinInTheConfiguredTableAndCloseIt() {
        stdin = "172.16.1.1\n172.16.9.9\n10.0.0.7\n192.0.2.193\n198.18.0.1\n8.8.8.8\n";

        assertEquals(0, execute("lookup", false, Map.of(), false));

        assertEquals("""
                172.16.1.1 10.0.0.2
                172.16.9.9 10.1.0.2
                10.0.0.7 p0
                192.0.2.193 blackhole
                198.18.0.1 unreachable
                8.8.8.8 unreachable
                """, out());
        assertEquals("", err());
        assertEquals(1, linear.builds);
        assertEquals(1, linear.closes, "the table is released");
        assertEquals(0, engine.stops + (engine.startedWith == null ? 0 : 1), "the engine is not started");
    }

    @Test
    void shouldExitTwoAfterTheLinesBeforeAMalformedOne() {
        stdin = "172.16.1.1\n\n10.0.0.300\n8.8.8.8\n";

        assertEquals(2, execute("lookup", false, Map.of(), false));

        assertEquals("172.16.1.1 10.0.0.2\n", out());
        assertEquals("router: stdin:3: not an IPv4 address: 10.0.0.300\n", err());
        assertEquals(1, linear.closes);
    }

    @Test
    void shouldPrintTheRateOnStderrWhenAskedTo() {
        stdin = "8.8.8.8\n";

        assertEquals(0, execute("lookup", false, Map.of(), true));

        assertTrue(err().startsWith("router: 1 addresses in "), err());
        assertTrue(err().contains(" M addresses/s (lookupBulk alone "), err());
        assertTrue(err().contains("5 routes, routing=linear"), err());
    }

    @Test
    void shouldSpreadBarePrefixesOverSixteenGateways() throws IOException {
        final StringBuilder file = new StringBuilder("2001:db8::/32\n");
        for (int i = 0; i < 256; i++) {
            file.append(i).append(".0.0.0/8\n");
        }
        Files.writeString(home.resolve("bare.routes"), file);
        stdin = "1.2.3.4\n200.1.1.1\n1.2.3.4\n";

        assertEquals(0, execute("lookup", false, Map.of("routes", "bare.routes"), false));

        final List<String> lines = out().lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).matches("1\\.2\\.3\\.4 10\\.255\\.0\\.([1-9]|1[0-6])"), lines.get(0));
        assertEquals(lines.get(0), lines.get(2), "deterministic");
        err.reset();
        out.reset();
        assertEquals(0, execute("routes-stats", true, Map.of("routes", "bare.routes"), false));
        assertTrue(out().contains("\"routes\":256,\"next_hops\":16,"), out());
        assertTrue(out().contains("\"skipped_ipv6\":1,"), out());
    }

    @Test
    void shouldPrintRouteStatistics() {
        assertEquals(0, execute("routes-stats", false, Map.of(), false));

        final String text = out();
        assertTrue(text.startsWith("routes " + home.resolve("routes/test.routes") + "  (routing=linear)\n"), text);
        assertTrue(text.contains("  routes       5  (gateway 2, connected 1, blackhole 1, unreachable 1)\n"), text);
        assertTrue(text.contains("  next hops    5\n"), text);
        assertTrue(text.contains("  skipped      0 IPv6 prefixes\n"), text);
        assertTrue(text.contains("  memory       60 bytes (0.000 MiB)\n"), text);
        assertTrue(text.contains("    /15                1\n    /16                1\n    /24                2\n"
                + "    /26                1\n"), text);
        assertTrue(!text.contains("/32"), "only lengths that occur");
        assertEquals(1, linear.closes);
    }

    @Test
    void shouldPrintRouteStatisticsAsJson() {
        assertEquals(0, execute("routes-stats", true, Map.of(), false));

        assertEquals(1, out().lines().count(), out());
        final String json = out();
        assertTrue(json.startsWith("{\"routes_file\":\"" + home.resolve("routes/test.routes") + "\",\"routing\":"
                + "\"linear\",\"routes\":5,\"next_hops\":5,\"kinds\":{\"gateway\":2,\"connected\":1,\"blackhole\":1,"
                + "\"unreachable\":1},\"prefix_lengths\":{\"15\":1,\"16\":1,\"24\":2,\"26\":1},\"skipped_ipv6\":0,"
                + "\"parse_seconds\":"), json);
        assertTrue(json.contains(",\"build_seconds\":"), json);
        assertTrue(json.contains(",\"memory_bytes\":60,\"memory_mib\":0.0}"), json);
    }

    @Test
    void shouldReadGzippedRouteFiles() throws IOException {
        try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(home.resolve("t.routes.gz")))) {
            gz.write("1.0.0.0/24\n1.0.4.0/22\n".getBytes(StandardCharsets.US_ASCII));
        }

        assertEquals(0, execute("routes-stats", true, Map.of("routes", home.resolve("t.routes.gz").toString()),
                false));

        assertTrue(out().contains("\"routes\":2,"), out());
    }

    @Test
    void shouldExitTwoForAMalformedRouteFile() throws IOException {
        Files.writeString(home.resolve("bad.routes"), "10.0.0.0/24 dev p0\n10.1.0.0/33 via 10.0.0.2\n");

        assertEquals(2, execute("lookup", false, Map.of("routes", "bad.routes"), false));

        assertEquals("router: " + home.resolve("bad.routes") + ":2: prefix length out of range 0..32 in "
                + "10.1.0.0/33\n", err());
        assertEquals("", out());
        assertEquals(0, linear.builds);
    }

    @Test
    void shouldExitTwoForAMissingRouteFile() {
        assertEquals(2, execute("routes-stats", false, Map.of("routes", "none.routes"), false));

        assertEquals("router: " + home.resolve("none.routes") + ": no such file\n", err());
    }

    @Test
    void shouldExitTwoForAnUnknownAlgorithm() {
        assertEquals(2, execute("lookup", false, Map.of("routing", "poptrie"), false));

        assertEquals("router: routing=poptrie: no such routing algorithm is registered (available: linear)\n",
                err());
    }

    @Test
    void shouldExitTwoWithoutARouteFile() {
        assertEquals(2, execute("routes-stats", false, Map.of("routes", ""), false));

        assertEquals("router: no route file: give one with --routes FILE\n", err());
    }
}
