package org.routerlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/** Boots a real Felix with tiny synthetic bundles (the router's bundles are exercised by LauncherIT). */
class OsgiRuntimeTest {
    @TempDir
    Path home;

    @BeforeEach
    void createHome() throws IOException {
        Files.createDirectories(home.resolve("features"));
        Files.createDirectories(home.resolve("bundles"));
        bundle("first", "1.0.0", null);
        bundle("second", "2.0.0", null);
        bundle("broken", "1.0.0", "org.nowhere");
        Files.writeString(home.resolve("features/good.json"), """
                {"feature-resource-version": "1.0", "id": "t:good:osgifeature:1",
                 "bundles": [{"id": "t:first:1.0.0", "start-order": 1}, {"id": "t:second:2.0.0", "start-order": 3}],
                 "configurations": {"t.pid": {"k": "v"}}}""");
        Files.writeString(home.resolve("features/bad.json"), """
                {"feature-resource-version": "1.0", "id": "t:bad:osgifeature:1",
                 "bundles": [{"id": "t:broken:1.0.0", "start-order": 2}]}""");
    }

    private void bundle(final String name, final String version, final String imports) throws IOException {
        final Manifest manifest = new Manifest();
        final Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "t." + name);
        main.putValue("Bundle-Version", version);
        if (imports != null) {
            main.putValue("Import-Package", imports);
        }
        try (OutputStream out = Files.newOutputStream(home.resolve("bundles/" + name + "-" + version + ".jar"));
                JarOutputStream jar = new JarOutputStream(out, manifest)) {
            jar.flush();
        }
    }

    @Test
    void shouldStartEveryBundleAtItsStartOrderAndDeleteTheStorageOnClose() throws Exception {
        final Path storage;
        try (OsgiRuntime runtime = OsgiRuntime.start(home, List.of("good"), home.resolve("etc"),
                Map.of("t.extra", "yes"))) {
            storage = runtime.storage();
            final Bundle[] bundles = runtime.context().getBundles();
            assertEquals(3, bundles.length);
            assertEquals("t.first", bundles[1].getSymbolicName());
            assertEquals(Bundle.ACTIVE, bundles[1].getState());
            assertEquals(1, bundles[1].adapt(BundleStartLevel.class).getStartLevel());
            assertEquals(Bundle.ACTIVE, bundles[2].getState());
            assertEquals(3, bundles[2].adapt(BundleStartLevel.class).getStartLevel());
            assertEquals(3, runtime.framework().adapt(FrameworkStartLevel.class).getStartLevel());
            assertEquals("yes", runtime.context().getProperty("t.extra"));
            assertEquals(home.toString(), runtime.context().getProperty(CliProperties.HOME));
            assertEquals(home.resolve("etc").toString(), runtime.context().getProperty("felix.fileinstall.dir"));
            assertEquals("k=v", Files.readAllLines(home.resolve("etc/t.pid.cfg")).getLast());
            assertTrue(Files.isDirectory(storage));
            assertEquals(List.of(), runtime.inactiveBundles());
            assertTrue(runtime.awaitQuiet(Duration.ofMillis(50), Duration.ofSeconds(5)));
        }
        assertFalse(Files.exists(storage), "storage deleted");
    }

    @Test
    void shouldStopEverythingAndSayWhyWhenABundleDoesNotResolve() {
        final LaunchException e = assertThrows(LaunchException.class,
                () -> OsgiRuntime.start(home, List.of("good", "bad"), home.resolve("etc"), Map.of()));

        assertEquals(LaunchException.FAILURE, e.exitCode());
        assertTrue(e.getMessage().startsWith("bundles did not start: t.broken 1.0.0: "), e.getMessage());
        assertTrue(e.getMessage().contains("org.nowhere"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void shouldRefuseAFolderThatIsNotADistribution() {
        final LaunchException e = assertThrows(LaunchException.class,
                () -> OsgiRuntime.start(home.resolve("etc"), List.of("good"), home.resolve("etc"), Map.of()));

        assertTrue(e.getMessage().endsWith("is not a routerlab distribution (it needs features/ and bundles/; build "
                + "it with ./router or mvn install)"), e.getMessage());
    }

    @Test
    void shouldLetExtraPropertiesOverrideTheDefaults() {
        final Map<String, String> p = OsgiRuntime.frameworkProperties(home, home.resolve("etc"), home.resolve("s"), 7,
                Map.of("gosh.args", ""));

        assertEquals("", p.get("gosh.args"));
        assertEquals("sun.*,com.sun.*,jdk.internal.*", p.get("org.osgi.framework.bootdelegation"));
        assertEquals("7", p.get("org.osgi.framework.startlevel.beginning"));
        assertEquals("false", p.get("felix.fileinstall.enableConfigSave"));
        assertEquals("true", p.get("felix.fileinstall.noInitialDelay"));
        assertEquals("500", p.get("felix.fileinstall.poll"));
        assertEquals(home.resolve("s").toString(), p.get("org.osgi.framework.storage"));
    }
}
