package org.routerlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSeederTest {
    @TempDir
    Path etc;

    private static FeatureSet emulated() throws LaunchException {
        return FeatureSet.read(FeatureSetTest.DIST.resolve("features"), FeatureSetTest.DIST.resolve("bundles"),
                List.of("emulated"));
    }

    private static Map<String, String> load(final Path file) throws IOException {
        final Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        final Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k)));
        return map;
    }

    @Test
    void shouldSeedEveryConfigurationOfTheFeatures() throws Exception {
        final List<Path> written = ConfigSeeder.seed(emulated(), etc.resolve("new"));

        assertEquals(List.of(etc.resolve("new/routerlab.router.cfg"),
                etc.resolve("new/org.apache.felix.fileinstall-plugins.cfg")), written);
        final Map<String, String> router = load(etc.resolve("new/routerlab.router.cfg"));
        assertEquals(Map.ofEntries(Map.entry("nic", "emulated"), Map.entry("dma", "per-packet"),
                Map.entry("routing", "binary-trie"), Map.entry("routes", "routes/default.routes"),
                Map.entry("ports", "p0=10.0.0.1/24,p1=10.1.0.1/24"), Map.entry("packet.size", "64"),
                Map.entry("flows", "1024"), Map.entry("rate", "0"), Map.entry("seed", "1"), Map.entry("burst", "64"),
                Map.entry("trace.store", "chronicle"), Map.entry("trace.level", "burst"),
                Map.entry("trace.dir", "")), router);
        final Map<String, String> plugins = load(etc.resolve("new/org.apache.felix.fileinstall-plugins.cfg"));
        assertEquals("${routerlab.home}/plugins", plugins.get("felix.fileinstall.dir"));
        assertEquals(".*\\.jar", plugins.get("felix.fileinstall.filter"));
        try (Stream<Path> files = Files.list(etc.resolve("new"))) {
            assertEquals(2, files.count(), "no temporary file left");
        }
    }

    @Test
    void shouldWriteReadableFilesWithAHeader() throws Exception {
        ConfigSeeder.seed(emulated(), etc);

        final List<String> lines = Files.readAllLines(etc.resolve("routerlab.router.cfg"));
        assertTrue(lines.getFirst().startsWith("# routerlab.router: the defaults of feature 'emulated'"), lines.getFirst());
        assertTrue(lines.contains("ports=p0=10.0.0.1/24,p1=10.1.0.1/24"), lines.toString());
        assertTrue(lines.contains("trace.dir="), lines.toString());
    }

    @Test
    void shouldNeverOverwriteAnExistingFile() throws Exception {
        Files.writeString(etc.resolve("routerlab.router.cfg"), "nic=mine\n");

        final List<Path> written = ConfigSeeder.seed(emulated(), etc);

        assertEquals(List.of(etc.resolve("org.apache.felix.fileinstall-plugins.cfg")), written);
        assertEquals("nic=mine\n", Files.readString(etc.resolve("routerlab.router.cfg")));
    }

    @Test
    void shouldEscapeWhatPropertiesWouldMisread() throws IOException {
        final FeatureSet.Config config = new FeatureSet.Config("p", "f", Map.of("a key:x=y", " lead\\ing#\n",
                "#hash", "!bang", "list", List.of("a", "b")));
        Files.writeString(etc.resolve("p.cfg"), ConfigSeeder.render(config));

        assertEquals(Map.of("a key:x=y", " lead\\ing#\n", "#hash", "!bang", "list", "a,b"), load(etc.resolve("p.cfg")));
    }
}
