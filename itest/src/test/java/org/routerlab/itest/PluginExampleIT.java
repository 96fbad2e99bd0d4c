package org.routerlab.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.BundleWiring;
import org.routerlab.launcher.OsgiRuntime;

/**
 * A third-party plug-in in the real runtime, the way a user installs one: the example plug-in's jar
 * ({@code examples/plugin-example}, built by its own pom before this module) and a deliberately incompatible bundle
 * (built here, importing {@code org.routerlab.api.dma;version="[2.0,3)"}) are copied into the {@code plugins/}
 * folder of a running router. FileInstall installs both. The example's DMA strategy and routing algorithm appear in
 * {@code router plugins} and {@code router:plugins}, run the router when selected at start, and are swapped into a
 * running router; the incompatible bundle is refused — never resolved, nothing of it loaded — and listed with the
 * versions that do not match.
 *
 * <p>The router home is a private copy of the distribution's layout (its {@code bundles/}, {@code features/} and
 * {@code routes/} linked, {@code plugins/} empty), so that nothing is dropped into the shared distribution.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginExampleIT {
    private static final String DMA = "copy-to-premapped-tx";
    private static final String ROUTING = "dxr";
    private static final String EXAMPLE_BUNDLE = "org.example.routerlab.routerlab-plugin-example";
    private static final String INCOMPATIBLE_JAR = "future-plugin.jar";
    private static final long PACKETS = 200_000;

    @TempDir
    static Path work;

    private Path home;
    private Path plugins;
    private OsgiRuntime runtime;
    private BundleContext context;
    private Object engine;
    private Object commands;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    @BeforeAll
    void bootAndDropThePlugins() throws Exception {
        final Path dist = Path.of(System.getProperty("routerlab.dist", "../distribution/target/routerlab"))
                .toAbsolutePath();
        assertTrue(Files.isDirectory(dist.resolve("bundles")), "build the distribution first: " + dist);
        final Path example = Path.of(System.getProperty("routerlab.example.jar",
                "../examples/plugin-example/target/routerlab-plugin-example-1.0.0-SNAPSHOT.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(example), "build the example plug-in first (mvn -f examples/plugin-example/"
                + "pom.xml verify, or the root build, which includes it): " + example);
        home = Files.createDirectories(work.resolve("home"));
        for (final String shared : List.of("bundles", "features", "routes")) {
            Files.createSymbolicLink(home.resolve(shared), dist.resolve(shared));
        }
        plugins = Files.createDirectories(home.resolve("plugins"));
        // The command the driver runs once the test registers its exit-code and stdout services: ./router plugins.
        runtime = OsgiRuntime.start(home, List.of("emulated"), work.resolve("etc"),
                Map.of("routerlab.cli.command", "plugins"));
        context = runtime.context();
        engine = service("org.routerlab.api.engine.EngineControl");
        commands = service("org.routerlab.shell.internal.RouterCommands");

        Files.copy(example, plugins.resolve(example.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        writeIncompatibleBundle(plugins.resolve(INCOMPATIBLE_JAR));
        await("the example's services", () -> registered("org.routerlab.api.dma.DmaStrategyFactory", DMA)
                && registered("org.routerlab.api.route.RoutingAlgorithm", ROUTING));
        await("the incompatible bundle installed", () -> bundle("org.example.future-plugin") != null);
        runtime.awaitQuiet(java.time.Duration.ofMillis(1500), java.time.Duration.ofSeconds(20));
    }

    @AfterAll
    void shutdown() throws IOException {
        if (runtime != null) {
            runtime.close();
        }
        for (final String shared : List.of("bundles", "features", "routes")) {
            Files.deleteIfExists(home.resolve(shared)); // the links, before the temporary folder is cleaned up
        }
    }

    /**
     * A bundle built against a future, incompatible API: it imports {@code org.routerlab.api.dma} 2.x (and, to be
     * realistic, a compatible {@code org.routerlab.api.route}). Written by hand: only the manifest matters.
     */
    private static void writeIncompatibleBundle(final Path jar) throws IOException {
        final Manifest manifest = new Manifest();
        final Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.example.future-plugin");
        a.putValue("Bundle-Version", "2.0.0");
        a.putValue("Import-Package",
                "org.routerlab.api.dma;version=\"[2.0,3)\",org.routerlab.api.route;version=\"[1.1,2)\"");
        final Path partial = jar.resolveSibling(jar.getFileName() + ".part");
        try (OutputStream out = Files.newOutputStream(partial);
                JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.flush();
        }
        // FileInstall sees the jar complete or not at all.
        Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- the example is registered and listed ---------------------------------------------------------------------

    @Test
    @Order(1)
    void shouldListTheExampleAndTheRefusedBundleInRouterPlugins() throws Exception {
        final Hashtable<String, Object> exitProps = new Hashtable<>(Map.of("routerlab.cli.exit", "true"));
        context.registerService(IntConsumer.class, exit::complete, exitProps);
        final Hashtable<String, Object> outProps = new Hashtable<>(Map.of("routerlab.cli.stdout", "true"));
        context.registerService(PrintStream.class, new PrintStream(stdout, true, StandardCharsets.UTF_8), outProps);
        assertEquals(0, exit.get(60, TimeUnit.SECONDS), () -> "router plugins failed: " + stdout);
        final String text = stdout.toString(StandardCharsets.UTF_8);
        assertTrue(text.matches("(?s).*\\n  [ *] " + DMA + " +" + EXAMPLE_BUNDLE + " 1\\.0\\.0\\.SNAPSHOT .*"),
                text);
        assertTrue(text.matches("(?s).*\\n  [ *] " + ROUTING + " +" + EXAMPLE_BUNDLE + " 1\\.0\\.0\\.SNAPSHOT .*"),
                text);
        assertTrue(text.contains("refused plug-ins (installed, not loaded)\n  " + refusalLine() + "\n"), text);
    }

    @Test
    @Order(2)
    void shouldListTheSameInTheGogoCommand() {
        final String text = (String) Reflect.call(commands, "plugins");
        assertTrue(text.contains(DMA) && text.contains(ROUTING) && text.contains(EXAMPLE_BUNDLE), text);
        assertTrue(text.contains(refusalLine()), text);
        final List<?> plugins = (List<?>) Reflect.call(engine, "plugins");
        long fromExample = plugins.stream().filter(p -> EXAMPLE_BUNDLE.equals(Reflect.call(p, "bundle"))).count();
        assertEquals(2, fromExample, "a DMA strategy and a routing algorithm from the example: " + plugins);
    }

    /** What the router says about the incompatible bundle, with the dma version this router really exports. */
    private String refusalLine() {
        return "plugin " + INCOMPATIBLE_JAR + " refused: it requires org.routerlab.api.dma [2.0.0,3.0.0) but this "
                + "router provides " + exportedVersion("org.routerlab.api.dma");
    }

    private String exportedVersion(final String pkg) {
        for (final Bundle b : context.getBundles()) {
            final BundleRevision r = b.adapt(BundleRevision.class);
            if (r == null) {
                continue;
            }
            for (final BundleCapability c : r.getDeclaredCapabilities("osgi.wiring.package")) {
                if (pkg.equals(c.getAttributes().get("osgi.wiring.package"))) {
                    return c.getAttributes().get("version").toString();
                }
            }
        }
        throw new AssertionError("nothing exports " + pkg);
    }

    // ---- the incompatible bundle is refused, not half-loaded --------------------------------------------------------

    @Test
    @Order(3)
    void shouldRefuseTheIncompatibleBundleWithoutLoadingAnyOfIt() {
        final Bundle future = bundle("org.example.future-plugin");
        assertNotNull(future);
        assertEquals(Bundle.INSTALLED, future.getState(), "never resolved");
        assertNull(future.adapt(BundleWiring.class), "no wiring: no class loader, nothing of it loaded");
        assertNull(future.getRegisteredServices(), "no services");
        final BundleException e = assertThrows(BundleException.class, future::start);
        assertTrue(e.getMessage().contains("org.routerlab.api.dma"), e.getMessage());
        assertEquals(Bundle.INSTALLED, future.getState(), "still not resolved after an explicit start");
    }

    // ---- the example runs the router ----------------------------------------------------------------------------

    @Test
    @Order(4)
    void shouldRunTheRouterWithTheExampleSelectedAtStart() throws Exception {
        final Object reference = run(Map.of());
        final Object example = run(Map.of("dma", DMA, "routing", ROUTING));
        assertEquals(DMA, Reflect.call(example, "dma"));
        assertEquals(ROUTING, Reflect.call(example, "routing"));
        assertEquals(PACKETS, Reflect.call(example, "packetsRx"), "every offered packet received");
        assertEquals(Reflect.call(reference, "packetsTx"), Reflect.call(example, "packetsTx"),
                "the same traffic is forwarded the same way as with per-packet and binary-trie");
        assertEquals(Reflect.call(reference, "drops"), Reflect.call(example, "drops"),
                "and dropped for the same reasons");
        assertInvariants(example);
        final Map<?, ?> platform = (Map<?, ?>) Reflect.call(example, "platform");
        final long maps = (Long) platform.get("dma_maps");
        assertTrue(maps < PACKETS / 10, "the example maps its pools once, not per packet: " + maps + " maps");
        assertTrue((Long) platform.get("copies") >= (Long) Reflect.call(example, "packetsTx"),
                "and copies each transmitted frame: " + platform);
    }

    private Object run(final Map<String, String> overrides) throws Exception {
        final Object limits = apiRecord("org.routerlab.api.engine.RunLimits", 0L, PACKETS);
        Reflect.call(engine, "start", limits, overrides);
        assertTrue((Boolean) Reflect.call(engine, "awaitFinished", java.time.Duration.ofSeconds(120)), "run finished");
        final Object status = Reflect.call(engine, "status");
        assertNull(Reflect.call(status, "error"), () -> "run failed: " + Reflect.call(status, "error"));
        return status;
    }

    private static void assertInvariants(final Object status) {
        long drops = 0;
        for (final Object v : ((Map<?, ?>) Reflect.call(status, "drops")).values()) {
            drops += (Long) v;
        }
        assertEquals((Long) Reflect.call(status, "packetsRx"), (Long) Reflect.call(status, "packetsTx") + drops,
                "rx = tx + drops");
        assertEquals(0L, Reflect.call(status, "buffersOutstanding"), "no buffer outstanding");
        assertEquals(0L, Reflect.call(status, "liveMappings"), "no live mapping");
        final Map<?, ?> platform = (Map<?, ?>) Reflect.call(status, "platform");
        assertEquals(platform.get("dma_maps"), platform.get("dma_unmaps"), "maps = unmaps");
        assertEquals(platform.get("buffer_allocs"), platform.get("buffer_frees"), "allocations = frees");
        assertEquals(0L, platform.get("dma_faults"), "no DMA fault");
    }

    // ---- and is swapped in live ---------------------------------------------------------------------------------

    @Test
    @Order(5)
    void shouldSwapTheExampleIntoARunningRouterAndBack() throws Exception {
        Reflect.call(engine, "start", apiRecord("org.routerlab.api.engine.RunLimits", 0L, 0L), Map.of());
        try {
            awaitTraffic();
            assertEquals("per-packet", Reflect.call(status(), "dma"));
            for (final String[] swap : new String[][] {
                {"dma", DMA}, {"routing", ROUTING}, {"dma", "per-packet"}, {"dma", DMA}, {"routing", "binary-trie"}}) {
                final Object record = Reflect.call(engine, "swap", swap[0], swap[1]);
                assertEquals(Boolean.TRUE, Reflect.call(record, "ok"), () -> "swap " + String.join("=", swap)
                        + " refused: " + Reflect.call(record, "message"));
                assertEquals(swap[1], Reflect.call(status(), swap[0]), "now running " + String.join("=", swap));
                awaitTraffic();
            }
        } finally {
            Reflect.call(engine, "stop");
            assertTrue((Boolean) Reflect.call(engine, "awaitFinished", java.time.Duration.ofSeconds(30)));
        }
        final Object status = status();
        assertInvariants(status);
        assertEquals(5, ((List<?>) Reflect.call(status, "swaps")).size(), "every swap recorded");
    }

    // ---- removing the jar removes the plug-ins ------------------------------------------------------------------

    @Test
    @Order(6)
    void shouldForgetThePluginsWhenTheJarsAreDeleted() throws Exception {
        try (var jars = Files.list(plugins)) {
            for (final Path jar : jars.toList()) {
                Files.delete(jar);
            }
        }
        await("the example's services gone", () -> !registered("org.routerlab.api.dma.DmaStrategyFactory", DMA)
                && !registered("org.routerlab.api.route.RoutingAlgorithm", ROUTING));
        await("both bundles uninstalled", () -> bundle(EXAMPLE_BUNDLE) == null
                && bundle("org.example.future-plugin") == null);
        final String text = (String) Reflect.call(commands, "plugins");
        assertTrue(!text.contains(DMA) && !text.contains("refused"), text);
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private Object status() {
        return Reflect.call(engine, "status");
    }

    private void awaitTraffic() throws InterruptedException {
        final long before = (Long) Reflect.call(status(), "packetsRx");
        await("traffic", () -> (Long) Reflect.call(status(), "packetsRx") > before + 20_000);
    }

    /** An instance of an API record, made with the class the bundles use (not the test class path's copy). */
    private Object apiRecord(final String type, final Object... args) throws Exception {
        final ServiceReference<?> ref = context.getAllServiceReferences("org.routerlab.api.engine.EngineControl",
                null)[0];
        final Class<?> c = ref.getBundle().loadClass(type);
        for (final Constructor<?> k : c.getConstructors()) {
            if (k.getParameterCount() == args.length) {
                return k.newInstance(args);
            }
        }
        throw new AssertionError("no constructor of " + type + " with " + args.length + " arguments");
    }

    private boolean registered(final String type, final String name) {
        try {
            final ServiceReference<?>[] refs = context.getAllServiceReferences(type, "(routerlab.name=" + name + ")");
            return refs != null && refs.length > 0;
        } catch (final org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Bundle bundle(final String symbolicName) {
        for (final Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        return null;
    }

    private Object service(final String type) throws Exception {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            final ServiceReference<?>[] refs = context.getAllServiceReferences(type, null);
            if (refs != null && refs.length > 0) {
                return context.getService(refs[0]);
            }
            Thread.sleep(20);
        }
        throw new AssertionError(type + " never registered");
    }

    private static void await(final String what, final Supplier<Boolean> condition) throws InterruptedException {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
