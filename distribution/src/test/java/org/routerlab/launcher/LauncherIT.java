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
        assertEquals("emulated", json.getJsonArray("nic").getJsonObject(0).getString("name"));
        assertEquals("per-packet", json.getJsonArray("dma").getJsonObject(0).getString("name"));
        assertEquals("binary-trie", json.getJsonArray("routing").getJsonObject(0).getString("name"));
        final JsonObject nic = json.getJsonArray("nic").getJsonObject(0);
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
        assertEquals(21, json.getInt("bundles_total"));
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
