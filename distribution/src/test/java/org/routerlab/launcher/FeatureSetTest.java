package org.routerlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSetTest {
    /** The assembled distribution: features filtered and bundles copied at process-resources, before the tests. */
    static final Path DIST = Path.of("target/routerlab");

    @TempDir
    Path dir;

    private static FeatureSet built(final String... names) throws LaunchException {
        return FeatureSet.read(DIST.resolve("features"), DIST.resolve("bundles"), List.of(names));
    }

    /** The entries of a feature document's bundle list (the features grow as plug-ins are added). */
    private static int featureBundles(final String feature) {
        try (jakarta.json.JsonReader reader = jakarta.json.Json.createReader(Files.newBufferedReader(
                DIST.resolve("features/" + feature + ".json")))) {
            return reader.readObject().getJsonArray("bundles").size();
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Integer> startOrders(final FeatureSet set) {
        return set.bundles().stream().collect(Collectors.toMap(
                b -> b.symbolic().substring(b.symbolic().indexOf(':') + 1), FeatureSet.BundleRef::startOrder));
    }

    @Test
    void shouldReadTheEmulatedFeatureInStartOrder() throws LaunchException {
        final FeatureSet set = built("emulated");

        final Map<String, Integer> orders = startOrders(set);
        assertEquals(featureBundles("emulated"), set.bundles().size());
        assertEquals(1, orders.get("org.apache.aries.spifly.dynamic.bundle"));
        assertEquals(1, orders.get("asm"));
        assertEquals(2, orders.get("slf4j-api"));
        assertEquals(2, orders.get("slf4j-simple"));
        assertEquals(3, orders.get("org.apache.felix.scr"));
        assertEquals(3, orders.get("org.osgi.service.component"));
        assertEquals(3, orders.get("org.apache.felix.configadmin"));
        assertEquals(4, orders.get("org.apache.felix.fileinstall"));
        assertEquals(5, orders.get("router-api"));
        assertEquals(5, orders.get("router-nic-emulated"));
        assertEquals(6, orders.get("router-core"));
        assertEquals(7, orders.get("router-shell"));
        assertEquals(7, set.maxStartOrder());
        assertEquals("org.apache.aries.spifly:org.apache.aries.spifly.dynamic.bundle", set.bundles().getFirst()
                .symbolic());
        final List<Integer> inOrder = set.bundles().stream().map(FeatureSet.BundleRef::startOrder).toList();
        assertEquals(inOrder.stream().sorted().toList(), inOrder, "listed in start order");
    }

    @Test
    void shouldResolveEveryBundleToAJarOfTheDistribution() throws LaunchException {
        final FeatureSet set = built("emulated", "shell");

        for (final FeatureSet.BundleRef bundle : set.bundles()) {
            assertTrue(Files.isRegularFile(bundle.file()), bundle.file().toString());
            assertTrue(bundle.file().getFileName().toString().endsWith("-" + bundle.version() + ".jar"),
                    bundle.toString());
            assertTrue(!bundle.version().contains("${"), "filtered: " + bundle);
        }
        assertEquals(featureBundles("emulated") + featureBundles("shell"), set.bundles().size());
        assertEquals(3, startOrders(set).get("org.apache.felix.gogo.runtime"));
        assertEquals(7, startOrders(set).get("org.apache.felix.gogo.shell"));
    }

    @Test
    void shouldCarryTheRouterDefaultsAndThePluginsWatcher() throws LaunchException {
        final FeatureSet set = built("emulated");

        final Map<String, FeatureSet.Config> configs = set.configurations().stream()
                .collect(Collectors.toMap(FeatureSet.Config::pid, c -> c));
        final Map<String, Object> router = configs.get("routerlab.router").values();
        assertEquals("emulated", router.get("nic"));
        assertEquals("per-packet", router.get("dma"));
        assertEquals("binary-trie", router.get("routing"));
        assertEquals("routes/default.routes", router.get("routes"));
        assertEquals("p0=10.0.0.1/24,p1=10.1.0.1/24", router.get("ports"));
        assertEquals("", router.get("trace.dir"));
        assertEquals(List.of("nic", "dma", "routing", "routes", "ports", "packet.size", "flows", "rate", "seed",
                "burst", "trace.store", "trace.level", "trace.dir"), List.copyOf(router.keySet()));
        final FeatureSet.Config plugins = configs.get("org.apache.felix.fileinstall~plugins");
        assertEquals("org.apache.felix.fileinstall-plugins.cfg", plugins.fileName());
        assertEquals("${routerlab.home}/plugins", plugins.values().get("felix.fileinstall.dir"));
    }

    @Test
    void shouldNameTheAvailableFeaturesWhenOneIsMissing() {
        final LaunchException e = assertThrows(LaunchException.class, () -> built("emulated", "afxdp"));

        assertEquals(LaunchException.USAGE, e.exitCode());
        assertEquals("unknown feature 'afxdp' (available: emulated, shell)", e.getMessage());
    }

    @Test
    void shouldNameTheMissingBundleJar() throws IOException {
        feature("f", """
                {"feature-resource-version": "1.0", "id": "g:f:osgifeature:1",
                 "bundles": [{"id": "org.example:gone:1.0.0", "start-order": 2}]}""");

        final LaunchException e = assertThrows(LaunchException.class, () -> read("f"));

        assertEquals(LaunchException.FAILURE, e.exitCode());
        assertEquals("f.json names bundle org.example:gone:1.0.0 but " + dir.resolve("bundles/gone-1.0.0.jar")
                + " is missing (rebuild the distribution: ./router)", e.getMessage());
    }

    @Test
    void shouldRejectAMalformedFeatureInOneLine() throws IOException {
        feature("bad", "{\"bundles\": [ oops");

        final LaunchException e = assertThrows(LaunchException.class, () -> read("bad"));

        assertEquals(LaunchException.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith(dir.resolve("features/bad.json") + ": not a valid feature: "),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void shouldRejectABadStartOrder() throws IOException {
        jar("a-1.jar");
        feature("f", """
                {"feature-resource-version": "1.0", "id": "g:f:osgifeature:1",
                 "bundles": [{"id": "g:a:1", "start-order": 0}]}""");

        final LaunchException e = assertThrows(LaunchException.class, () -> read("f"));

        assertTrue(e.getMessage().endsWith("bundle g:a:1: start-order=0 (expected >= 1)"), e.getMessage());
    }

    @Test
    void shouldCombineFeatures() throws IOException, LaunchException {
        jar("a-1.jar");
        jar("b-2.jar");
        jar("c-3-tests.jar");
        feature("one", """
                {"feature-resource-version": "1.0", "id": "g:one:osgifeature:1",
                 "bundles": [{"id": "g:a:1", "start-order": 4}, {"id": "g:b:2"}],
                 "configurations": {"p": {"x": "1", "y": "2"}}}""");
        feature("two", """
                {"feature-resource-version": "1.0", "id": "g:two:osgifeature:1",
                 "bundles": [{"id": "g:a:1", "start-order": 2}, {"id": "g:c:jar:tests:3", "start-order": 9}],
                 "configurations": {"p": {"y": "3"}, "f~n": {"z": "4"}}}""");

        final FeatureSet set = read("one", "two");

        assertEquals(List.of("g:a", "g:b", "g:c"), set.bundles().stream().map(FeatureSet.BundleRef::symbolic).toList());
        assertEquals(List.of(2, 1, 9), set.bundles().stream().map(FeatureSet.BundleRef::startOrder).toList());
        assertEquals(dir.resolve("bundles/c-3-tests.jar"), set.bundles().get(2).file());
        assertEquals(9, set.maxStartOrder());
        assertEquals(Map.of("x", "1", "y", "3"), set.configurations().getFirst().values());
        assertEquals("two", set.configurations().getFirst().feature());
        assertEquals("f-n.cfg", set.configurations().get(1).fileName());
    }

    @Test
    void shouldRejectTwoVersionsOfOneBundle() throws IOException {
        jar("a-1.jar");
        jar("a-2.jar");
        feature("one", """
                {"feature-resource-version": "1.0", "id": "g:one:osgifeature:1", "bundles": [{"id": "g:a:1"}]}""");
        feature("two", """
                {"feature-resource-version": "1.0", "id": "g:two:osgifeature:1", "bundles": [{"id": "g:a:2"}]}""");

        final LaunchException e = assertThrows(LaunchException.class, () -> read("one", "two"));

        assertTrue(e.getMessage().endsWith("bundle g:a 2 conflicts with version 1 of an earlier feature"),
                e.getMessage());
    }

    private FeatureSet read(final String... names) throws LaunchException {
        return FeatureSet.read(dir.resolve("features"), dir.resolve("bundles"), List.of(names));
    }

    private void feature(final String name, final String json) throws IOException {
        Files.createDirectories(dir.resolve("features"));
        Files.writeString(dir.resolve("features/" + name + ".json"), json);
    }

    private void jar(final String name) throws IOException {
        Files.createDirectories(dir.resolve("bundles"));
        Files.writeString(dir.resolve("bundles/" + name), "");
    }
}
