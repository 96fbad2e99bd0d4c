package org.routerlab.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Boots the assembled distribution's Felix runtime in this JVM, with the built bundles of feature {@code emulated},
 * runs {@code router run --packets N --json --trace DIR} through the real command driver, and checks the result
 * from the outside: bundles, components, counters and the Chronicle trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouterRuntimeIT {
    private static final long PACKETS = 300_000;
    /** ComponentConfigurationDTO states (OSGi DS 1.5): SATISFIED, ACTIVE. */
    private static final int SATISFIED = 4;
    private static final int ACTIVE = 8;

    @TempDir
    static Path work;

    private OsgiRuntime runtime;
    private BundleContext context;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private String json;

    @BeforeAll
    void bootAndRun() throws Exception {
        final Path home = Path.of(System.getProperty("routerlab.dist", "../distribution/target/routerlab"));
        assertTrue(Files.isDirectory(home.resolve("bundles")), "build the distribution first: " + home);
        final Path traces = work.resolve("trace");
        runtime = OsgiRuntime.start(home.toAbsolutePath(), List.of("emulated"), work.resolve("etc"), Map.of(
                "routerlab.cli.command", "run",
                "routerlab.cli.packets", Long.toString(PACKETS),
                "routerlab.cli.json", "true",
                "routerlab.cli.set", "trace.dir=" + traces + "\ntrace.level=burst\ntraffic.bad=0.05\nseed=42"));
        context = runtime.context();
        final Hashtable<String, Object> exitProps = new Hashtable<>(Map.of("routerlab.cli.exit", "true"));
        context.registerService(IntConsumer.class, exit::complete, exitProps);
        final Hashtable<String, Object> outProps = new Hashtable<>(Map.of("routerlab.cli.stdout", "true"));
        context.registerService(PrintStream.class, new PrintStream(stdout, true, StandardCharsets.UTF_8), outProps);
        assertEquals(0, exit.get(120, TimeUnit.SECONDS), () -> "router run failed: " + stdout);
        json = stdout.toString(StandardCharsets.UTF_8).strip();
    }

    @AfterAll
    void shutdown() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void shouldStartEveryBundle() {
        assertEquals(List.of(), runtime.inactiveBundles());
        int routerBundles = 0;
        for (final Bundle b : context.getBundles()) {
            if (b.getSymbolicName().startsWith("org.routerlab.")) {
                routerBundles++;
                assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName());
            }
        }
        assertTrue(routerBundles >= 7, "api, core, a NIC backend, strategies, algorithms, trace, shell: " + routerBundles);
    }

    @Test
    void shouldSatisfyEveryComponent() {
        final ServiceReference<?> ref = context.getServiceReference(
                "org.osgi.service.component.runtime.ServiceComponentRuntime");
        final Object scr = context.getService(ref);
        final Collection<?> descriptions = (Collection<?>) Reflect.call(scr, "getComponentDescriptionDTOs",
                (Object) new Bundle[0]);
        final List<String> names = new ArrayList<>();
        for (final Object description : descriptions) {
            final String name = (String) Reflect.field(description, "name");
            final Collection<?> configurations = (Collection<?>) Reflect.call(scr, "getComponentConfigurationDTOs",
                    description);
            assertEquals(1, configurations.size(), name + " has one configuration");
            for (final Object c : configurations) {
                final int state = (Integer) Reflect.field(c, "state");
                assertTrue(state == SATISFIED || state == ACTIVE, name + " is in state " + state);
            }
            names.add(name);
        }
        for (final String expected : List.of("org.routerlab.core.internal.RouterEngine",
                "org.routerlab.nic.emulated.internal.EmulatedNicBackend",
                "org.routerlab.dma.perpacket.internal.PerPacketStrategyFactory",
                "org.routerlab.route.trie.internal.BinaryTrieAlgorithm")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
    }

    @Test
    void shouldForwardEveryOfferedPacketWithCountersThatAddUp() {
        assertTrue(json.startsWith("{") && json.endsWith("}"), "one JSON object on stdout: " + json);
        final long rx = number("packets_rx");
        final long tx = number("packets_tx");
        assertEquals(PACKETS, rx, "every offered packet was received");
        long drops = 0;
        final Matcher m = Pattern.compile("\"drops\"\\s*:\\s*\\{([^}]*)}").matcher(json);
        assertTrue(m.find(), json);
        for (final String entry : m.group(1).split(",")) {
            drops += Long.parseLong(entry.substring(entry.indexOf(':') + 1).strip());
        }
        assertEquals(rx, tx + drops, "rx = tx + drops");
        assertTrue(tx > PACKETS / 2, "most packets forwarded");
        assertTrue(drops > 0, "the 5% malformed flows were dropped");
        assertEquals(number("dma_maps"), number("dma_unmaps"), "every mapping unmapped");
        assertEquals(number("bundles_total"), number("bundles_active"));
        assertTrue(json.contains("\"nic\":\"emulated\"") || json.contains("\"nic\": \"emulated\""), json);
    }

    @Test
    void shouldLeaveATraceHoldingTheForwardedBursts() throws Exception {
        // getAllServiceReferences: the test's own copy of the API classes is not the bundles' copy.
        final ServiceReference<?>[] refs = context.getAllServiceReferences("org.routerlab.api.trace.TraceStore",
                "(routerlab.name=chronicle)");
        assertTrue(refs != null && refs.length == 1, "the chronicle trace store is registered");
        final Object store = context.getService(refs[0]);
        final Class<?> visitorType = refs[0].getBundle().loadClass("org.routerlab.api.trace.TraceVisitor");
        final AtomicLong bursts = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong transmitted = new AtomicLong();
        final AtomicLong headers = new AtomicLong();
        final Object visitor = Proxy.newProxyInstance(visitorType.getClassLoader(), new Class<?>[] {visitorType},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "burst" -> {
                            bursts.incrementAndGet();
                            received.addAndGet((Integer) args[3]);
                            transmitted.addAndGet((Integer) args[4]);
                        }
                        case "header" -> headers.incrementAndGet();
                        default -> {
                        }
                    }
                    return null;
                });
        final Object reader = Reflect.call(store, "openReader", work.resolve("trace"));
        try {
            Reflect.call(reader, "read", visitor);
            assertEquals(Boolean.TRUE, Reflect.call(reader, "complete"), "the run footer was written");
        } finally {
            Reflect.call(reader, "close");
        }
        assertEquals(1, headers.get(), "one run header");
        assertTrue(bursts.get() > 0);
        assertEquals(number("packets_rx"), received.get(), "the bursts hold every received packet");
        assertEquals(number("packets_tx"), transmitted.get(), "and every transmitted one");
    }

    @Test
    void shouldReportTheRunThroughTheEngineService() throws Exception {
        final ServiceReference<?> ref = context.getAllServiceReferences("org.routerlab.api.engine.EngineControl",
                null)[0];
        final Object engine = context.getService(ref);
        final Object status = Reflect.call(engine, "status");
        assertEquals("FINISHED", Reflect.call(status, "state").toString());
        assertEquals(number("packets_rx"), Reflect.call(status, "packetsRx"));
        assertEquals(0L, Reflect.call(status, "buffersOutstanding"));
        assertEquals(0L, Reflect.call(status, "liveMappings"));
        final List<?> plugins = (List<?>) Reflect.call(engine, "plugins");
        assertTrue(plugins.size() >= 4, "nic, dma, routing and trace plug-ins: " + plugins);
    }

    private long number(final String key) {
        final Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*(-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }
}
