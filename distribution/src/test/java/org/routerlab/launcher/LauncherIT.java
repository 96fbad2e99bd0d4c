package org.routerlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled distribution, run as a user runs it: {@code java $(cat bin/jvm.flags) -jar bin/router-launcher.jar}
 * in a child JVM, against a private home (the distribution's bundles, features and routes, its own etc/ and
 * plugins/), so tests neither see nor change target/routerlab/etc.
 */
class LauncherIT {
    static final Path DIST = Path.of(System.getProperty("routerlab.dist", "target/routerlab")).toAbsolutePath();
    static final long TIMEOUT_SECONDS = 180;

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }

        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(out))) {
                return reader.readObject();
            }
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

    private Result finish(final Process process, final String... args) throws IOException, InterruptedException {
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("router " + String.join(" ", args) + " did not end within " + TIMEOUT_SECONDS
                    + " s; stderr: " + Files.readString(home.resolve("stderr")));
        }
        return new Result(process.exitValue(), Files.readString(home.resolve("stdout")),
                Files.readString(home.resolve("stderr")));
    }

    private Result router(final String... args) throws IOException, InterruptedException {
        final Process process = start(args);
        process.getOutputStream().close();
        return finish(process, args);
    }

    private Result routerWithInput(final String stdin, final String... args) throws IOException,
            InterruptedException {
        final Process process = start(args);
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        return finish(process, args);
    }

    /** The bundles of a feature of the distribution. */
    private static int featureBundles(final String feature) throws IOException {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(DIST.resolve("features/" + feature
                + ".json")))) {
            return reader.readObject().getJsonArray("bundles").size();
        }
    }

    /** The names of the plug-ins of one kind in {@code router plugins --json}. */
    private static List<String> names(final JsonObject plugins, final String kind) {
        return plugins.getJsonArray(kind).getValuesAs(JsonObject.class).stream().map(p -> p.getString("name"))
                .toList();
    }

    private static void assertOneErrorLine(final Result result, final String... fragments) {
        assertEquals(2, result.exit(), result.err());
        assertEquals(1, result.errLines().size(), result.err());
        final String line = result.errLines().getFirst();
        assertTrue(line.startsWith("router: "), line);
        for (final String fragment : fragments) {
            assertTrue(line.contains(fragment), fragment + " in " + line);
        }
        assertEquals("", result.out(), "nothing on stdout");
    }

    @Test
    void shouldListThePluginsAsJson() throws Exception {
        final Result result = router("plugins", "--json");

        assertEquals(0, result.exit(), result.err());
        final JsonObject json = result.json();
        assertTrue(names(json, "nic").containsAll(List.of("emulated", "ixgbevf", "af-xdp")), json.toString());
        assertTrue(names(json, "dma").contains("per-packet"), json.toString());
        assertTrue(names(json, "routing").contains("binary-trie"), json.toString());
        final JsonObject nic = json.getJsonArray("nic").getValuesAs(JsonObject.class).stream()
                .filter(p -> p.getString("name").equals("emulated")).findFirst().orElseThrow();
        assertEquals("org.routerlab.router-nic-emulated", nic.getString("bundle"));
        assertTrue(nic.getString("version").startsWith("0."), nic.toString());
        assertTrue(nic.getBoolean("configured"), "etc/routerlab.router.cfg selects it: " + nic);
        assertTrue(Files.isRegularFile(home.resolve("etc/routerlab.router.cfg")), "etc/ seeded from the feature");
        assertTrue(Files.isRegularFile(home.resolve("etc/org.apache.felix.fileinstall-plugins.cfg")));
    }

    @Test
    void shouldRunForAPacketCountAndPrintOneJsonObject() throws Exception {
        final Result result = router("run", "--packets", "100000", "--json", "--seed", "5");

        assertEquals(0, result.exit(), result.err());
        assertEquals(1, result.out().lines().count(), result.out());
        final JsonObject json = result.json();
        assertEquals("finished", json.getString("state"));
        assertEquals(100_000, json.getJsonNumber("packets_rx").longValue());
        long drops = 0;
        for (final String reason : json.getJsonObject("drops").keySet()) {
            drops += json.getJsonObject("drops").getJsonNumber(reason).longValue();
        }
        assertEquals(100_000, json.getJsonNumber("packets_tx").longValue() + drops, "every packet accounted for");
        assertEquals(json.getJsonNumber("dma_maps").longValue(), json.getJsonNumber("dma_unmaps").longValue());
        assertTrue(json.getJsonNumber("dma_maps").longValue() > 0);
        assertEquals(0, json.getJsonNumber("live_mappings").longValue());
        assertEquals(0, json.getJsonNumber("buffers_outstanding").longValue());
        assertEquals("emulated", json.getString("nic"));
        assertEquals("per-packet", json.getString("dma"));
        assertEquals("binary-trie", json.getString("routing"));
        assertEquals("5", json.getJsonObject("configuration").getString("seed"));
        assertTrue(json.getJsonNumber("wall_seconds").doubleValue() > 0);
        assertTrue(json.getJsonNumber("wall_mpps").doubleValue() > 0);
        assertEquals(featureBundles("emulated"), json.getInt("bundles_total"));
        assertEquals(json.getInt("bundles_total"), json.getInt("bundles_active"));
        assertTrue(result.err().contains("routerlab: nic=emulated"), "the header goes to stderr: " + result.err());
    }

    @Test
    void shouldRunForADurationWithAStatusLinePerSecond() throws Exception {
        final Result result = router("run", "--duration", "2.5");

        assertEquals(0, result.exit(), result.err());
        assertTrue(result.out().contains("\n[  1 s] rx "), result.out());
        assertTrue(result.out().contains("\n[  2 s] rx "), result.out());
        assertTrue(result.out().contains("routerlab run finished after 2.5"), result.out());
        assertTrue(result.out().contains("  dma        maps "), result.out());
    }

    @Test
    void shouldRejectAnUnknownPluginInOneLine() throws Exception {
        assertOneErrorLine(router("run", "--set", "nic=warp-drive"), "warp-drive", "emulated");
    }

    @Test
    void shouldRejectAnUnreadableRouteFileInOneLine() throws Exception {
        assertOneErrorLine(router("run", "--set", "routes=/nonexistent/none.routes"), "/nonexistent/none.routes");
    }

    @Test
    void shouldRejectBadArgumentsBeforeBooting() throws Exception {
        final long started = System.nanoTime();
        assertOneErrorLine(router("run", "--set", "colour=blue"), "colour");
        assertOneErrorLine(router("run", "--duration", "-3"), "--duration");
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "no framework was booted");
        assertTrue(Files.notExists(home.resolve("etc/routerlab.router.cfg")), "nothing seeded");
    }

    @Test
    void shouldTakeTheConfigurationFromTheConfigFolder() throws Exception {
        final Path etc = Files.createDirectories(home.resolve("conf"));
        Files.writeString(etc.resolve("routerlab.router.cfg"), """
                nic=emulated
                dma=no-such-strategy
                routing=binary-trie
                routes=routes/default.routes
                ports=p0=10.0.0.1/24,p1=10.1.0.1/24
                """);

        assertOneErrorLine(router("run", "--config", etc.toString()), "no-such-strategy");
        assertEquals(1, Files.readAllLines(etc.resolve("routerlab.router.cfg")).stream()
                .filter(l -> l.startsWith("dma=")).count(), "the file is left as it was");
    }

    @Test
    void shouldInstallABundleDroppedIntoPluginsAndRunTheShell() throws Exception {
        dropIn(home.resolve("plugins/dropin.jar"));

        final Process shell = start("shell");
        try (OutputStream stdin = shell.getOutputStream()) {
            // FileInstall installs and starts the drop-in shortly after the prompt: ask until it is active.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!dropInActive(Files.readString(home.resolve("stdout"))) && System.nanoTime() < deadline) {
                stdin.write("lb\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                TimeUnit.MILLISECONDS.sleep(500);
            }
            stdin.write("router:plugins\nrouter:status\n".getBytes(StandardCharsets.UTF_8));
        }
        final Result result = finish(shell, "shell");

        assertEquals(0, result.exit(), result.err());
        assertTrue(dropInActive(result.out()), result.out());
        assertTrue(result.out().contains("NIC backends (nic=NAME)"), result.out());
        assertTrue(result.out().contains("  state      idle"), result.out());
    }

    // ---- lookup, routes stats, router:route ------------------------------------------------------------------------

    @Test
    void shouldLookUpAddressesFromStdinInOrder() throws Exception {
        // The built-in table plus the connected routes a run would add for its ports.
        final Path routes = home.resolve("connected.routes");
        Files.writeString(routes, Files.readString(home.resolve("routes/default.routes"))
                + "10.0.0.0/24 dev p0 proto kernel scope link\n10.1.0.0/24 dev p1 proto kernel scope link\n");

        final Result result = routerWithInput("""
                172.16.1.1
                198.51.0.9
                100.64.1.42
                100.64.1.43
                192.0.2.130
                192.0.2.200
                198.18.5.5
                8.8.8.8
                10.0.0.5
                10.1.0.9
                """, "lookup", "--routes", routes.toString());

        assertEquals(0, result.exit(), result.err());
        assertEquals("""
                172.16.1.1 10.0.0.2
                198.51.0.9 10.1.0.2
                100.64.1.42 10.0.0.2
                100.64.1.43 10.1.0.2
                192.0.2.130 10.0.0.2
                192.0.2.200 blackhole
                198.18.5.5 unreachable
                8.8.8.8 unreachable
                10.0.0.5 p0
                10.1.0.9 p1
                """, result.out());
        assertEquals(List.of(), result.errLines());
    }

    @Test
    void shouldStopAtAMalformedAddressWithExitTwo() throws Exception {
        final Result result = routerWithInput("172.16.1.1\n10.0.0.5\n10.0.0.500\n8.8.8.8\n", "lookup");

        assertEquals(2, result.exit(), result.err());
        assertEquals("172.16.1.1 10.0.0.2\n10.0.0.5 unreachable\n", result.out(), "the lines before it");
        assertEquals(List.of("router: stdin:3: not an IPv4 address: 10.0.0.500"), result.errLines());
    }

    @Test
    void shouldPrintRouteStatisticsAsJson() throws Exception {
        final Result result = router("routes", "stats", "--json", "--routes", "routes/default.routes");

        assertEquals(0, result.exit(), result.err());
        assertEquals(1, result.out().lines().count(), result.out());
        final JsonObject json = result.json();
        assertEquals(home.resolve("routes/default.routes").toString(), json.getString("routes_file"));
        assertEquals("binary-trie", json.getString("routing"));
        assertEquals(43, json.getInt("routes"));
        assertEquals(6, json.getInt("next_hops"));
        assertEquals(Json.createObjectBuilder().add("gateway", 41).add("connected", 0).add("blackhole", 1)
                .add("unreachable", 1).build(), json.getJsonObject("kinds"));
        assertEquals(Json.createObjectBuilder().add("10", 1).add("15", 1).add("16", 16).add("24", 18).add("25", 1)
                .add("26", 5).add("32", 1).build(), json.getJsonObject("prefix_lengths"));
        assertEquals(0, json.getInt("skipped_ipv6"));
        assertTrue(json.getJsonNumber("parse_seconds").doubleValue() >= 0, json.toString());
        assertTrue(json.getJsonNumber("build_seconds").doubleValue() >= 0, json.toString());
        assertTrue(json.getJsonNumber("memory_bytes").longValue() > 0, json.toString());
        assertEquals(json.getJsonNumber("memory_bytes").longValue() / 1048576.0,
                json.getJsonNumber("memory_mib").doubleValue(), 0.001);
        assertEquals(List.of(), result.errLines());
    }

    @Test
    void shouldChangeTheRoutesOfTheRunningRouterFromTheShell() throws Exception {
        final Path updates = home.resolve("live.updates");
        Files.writeString(updates, "add 10.7.0.0/16 via 10.1.0.2\nadd blackhole 10.6.0.0/16\n"
                + "withdraw 172.16.0.0/16\nwithdraw 10.5.0.0/16\n");
        final Path routes = home.resolve("small.routes");
        Files.writeString(routes, "172.20.0.0/16 via 10.0.0.2\nunreachable 198.18.0.0/15\n");

        final Process shell = start("shell");
        try (OutputStream stdin = shell.getOutputStream()) {
            // The engine and the commands come up shortly after the prompt: ask until router:route is there.
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(home.resolve("stdout")).contains("usage: router:route")
                    && System.nanoTime() < deadline) {
                stdin.write("router:route\n".getBytes(StandardCharsets.UTF_8));
                stdin.flush();
                TimeUnit.MILLISECONDS.sleep(300);
            }
            stdin.write("""
                    router:start 60
                    router:route add 10.9.0.0/16 via 10.0.0.2
                    router:route lookup 10.9.1.1
                    router:route show 10.9.3.0/24
                    router:route add 10.9.0.0/33 via 10.0.0.2
                    router:route del 10.9.0.0/16
                    router:route lookup 10.9.1.1
                    router:route load %s
                    router:route lookup 10.7.0.1
                    router:route replace %s
                    router:route show
                    router:stop
                    """.formatted(updates, routes).getBytes(StandardCharsets.UTF_8));
        }
        final Result result = finish(shell, "shell");

        assertEquals(0, result.exit(), result.err());
        final String out = result.out();
        assertTrue(out.contains("added 10.9.0.0/16 via 10.0.0.2  (46 routes; build "), out);
        assertTrue(out.contains("10.9.1.1 10.0.0.2  (route 10.9.0.0/16 via 10.0.0.2)"), out);
        assertTrue(out.contains("10.9.0.0/16 via 10.0.0.2\n1 route covers 10.9.3.0/24"), out);
        assertTrue(out.contains("IllegalArgumentException: route add: prefix length out of range 0..32 in "
                + "10.9.0.0/33\n"), out);
        assertTrue(out.contains("withdrew 10.9.0.0/16  (45 routes; build "), out);
        assertTrue(out.contains("10.9.1.1 unreachable  (no route)"), out);
        assertTrue(out.contains("loaded 4 updates from " + updates + ": added 2, withdrawn 1, ignored 1 (not "
                + "present)  (46 routes; build "), out);
        assertTrue(out.contains("10.7.0.1 10.1.0.2  (route 10.7.0.0/16 via 10.1.0.2)"), out);
        assertTrue(out.contains("replaced the table by " + routes + ": 4 routes, was 46  (build "), out);
        assertTrue(out.contains("""
                10.0.0.0/24 dev p0
                10.1.0.0/24 dev p1
                172.20.0.0/16 via 10.0.0.2
                unreachable 198.18.0.0/15
                4 routes
                """), out);
        assertTrue(out.contains(", publish "), out);
    }

    private static boolean dropInActive(final String lb) {
        return lb.lines().anyMatch(l -> l.contains("|Active ") && l.contains("org.example.dropin (1.2.3)"));
    }

    private static void dropIn(final Path jar) throws IOException {
        final Manifest manifest = new Manifest();
        final Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.example.dropin");
        main.putValue("Bundle-Version", "1.2.3");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out,
                manifest)) {
            ignored.flush();
        }
    }
}
