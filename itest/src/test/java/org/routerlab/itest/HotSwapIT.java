package org.routerlab.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.routerlab.launcher.OsgiRuntime;

/**
 * Hot swaps in the real runtime, under load, by every way a user asks for one: the Gogo command
 * ({@code router:swap}), an edit of {@code etc/routerlab.router.cfg} (FileInstall → ConfigAdmin → the engine), and
 * stopping, starting and uninstalling the bundle of the active plug-in. The accounting invariants are checked at
 * the end over the whole run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HotSwapIT {
    @TempDir
    static Path work;

    private OsgiRuntime runtime;
    private BundleContext context;
    private Object engine;
    private Object commands;

    @BeforeAll
    void boot() throws Exception {
        final Path home = Path.of(System.getProperty("routerlab.dist", "../distribution/target/routerlab"));
        assertTrue(Files.isDirectory(home.resolve("bundles")), "build the distribution first: " + home);
        runtime = OsgiRuntime.start(home.toAbsolutePath(), List.of("emulated"), work.resolve("etc"),
                Map.of("routerlab.cli.set", "traffic.bad=0.05\nseed=3"));
        context = runtime.context();
        engine = service("org.routerlab.api.engine.EngineControl");
        commands = service("org.routerlab.shell.internal.RouterCommands");
    }

    @AfterAll
    void shutdown() {
        if (runtime != null) {
            runtime.close();
        }
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

    private Object status() {
        return Reflect.call(engine, "status");
    }

    private String dma() {
        return (String) Reflect.call(status(), "dma");
    }

    private long rx() {
        return (Long) Reflect.call(status(), "packetsRx");
    }

    private void await(final String what, final Supplier<Boolean> condition) throws InterruptedException {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; swaps so far:\n"
                        + Reflect.call(commands, "swaps"));
            }
            Thread.sleep(10);
        }
    }

    /** Waits until the data path has forwarded more packets (it keeps running across the swap). */
    private void awaitTraffic() throws InterruptedException {
        final long before = rx();
        await("traffic", () -> rx() > before + 10_000);
    }

    private Bundle bundleNamed(final String fragment) {
        for (final Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().contains(fragment)) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + fragment);
    }

    @Test
    void shouldSwapByCommandConfigurationEditAndBundleLifecycleWithoutLossOrLeak() throws Exception {
        Reflect.call(commands, "start", 0.0);
        awaitTraffic();
        assertEquals("per-packet", dma());

        // 1. Gogo: router:swap dma premapped-reuse
        final String line = (String) Reflect.call(commands, "swap", "dma", "premapped-reuse");
        assertFalse(line.contains("REFUSED"), line);
        assertEquals("premapped-reuse", dma());
        awaitTraffic();

        // 2. Edit etc/routerlab.router.cfg: FileInstall hands it to ConfigAdmin, the engine swaps what changed.
        final Path cfg = runtime.etc().resolve("routerlab.router.cfg");
        final String text = Files.readString(cfg, StandardCharsets.UTF_8);
        assertTrue(text.contains("dma=per-packet"), text);
        Files.writeString(cfg, text.replace("dma=per-packet", "dma=batch-16"), StandardCharsets.UTF_8);
        await("the configuration edit to take effect", () -> "batch-16".equals(dma()));
        awaitTraffic();

        // 3. Stop the bundle of the active strategy: the engine falls back to the default without loss.
        final Bundle batch16 = bundleNamed("batch16");
        batch16.stop();
        await("the fallback after the bundle stopped", () -> "per-packet".equals(dma()));
        awaitTraffic();

        // 4. Start it again: the configuration still asks for it, so it is swapped back in.
        batch16.start();
        await("the configured strategy to come back", () -> "batch-16".equals(dma()));
        awaitTraffic();

        // 5. Swap to premapped-reuse, then uninstall its bundle: back to the configured batch-16.
        Reflect.call(commands, "swap", "dma", "premapped-reuse");
        awaitTraffic();
        bundleNamed("premapped").uninstall();
        await("the fallback after the uninstall", () -> "batch-16".equals(dma()));
        awaitTraffic();

        Reflect.call(commands, "stop");
        await("the run to end", () -> !"RUNNING".equals(Reflect.call(status(), "state").toString()));
        final Object s = status();
        assertEquals("FINISHED", Reflect.call(s, "state").toString(), () -> "error " + Reflect.call(s, "error"));
        final long rx = (Long) Reflect.call(s, "packetsRx");
        final long tx = (Long) Reflect.call(s, "packetsTx");
        final long drops = (Long) Reflect.call(s, "totalDrops");
        assertEquals(rx, tx + drops, "rx = tx + drops");
        assertEquals(0L, Reflect.call(s, "buffersOutstanding"));
        assertEquals(0L, Reflect.call(s, "liveMappings"));
        @SuppressWarnings("unchecked")
        final Map<String, Long> platform = (Map<String, Long>) Reflect.call(s, "platform");
        assertEquals(platform.get("dma_maps"), platform.get("dma_unmaps"));
        assertEquals(platform.get("buffer_allocs"), platform.get("buffer_frees"));
        assertEquals(0L, platform.get("dma_faults"));
        @SuppressWarnings("unchecked")
        final Map<String, Map<String, Long>> ports = (Map<String, Map<String, Long>>) Reflect.call(s, "ports");
        ports.forEach((name, counters) -> assertEquals(0L, counters.get("rx_missed"), name + " rx_missed"));
        final List<?> swaps = (List<?>) Reflect.call(s, "swaps");
        final List<String> triggers = swaps.stream().map(r -> (String) Reflect.call(r, "trigger")).toList();
        assertEquals(List.of("command", "config", "bundle", "bundle", "command", "bundle"), triggers);
        for (final Object r : swaps) {
            assertEquals(Boolean.TRUE, Reflect.call(r, "ok"), r.toString());
            assertEquals(0L, Reflect.call(r, "packetsLost"), r.toString());
        }
    }
}
