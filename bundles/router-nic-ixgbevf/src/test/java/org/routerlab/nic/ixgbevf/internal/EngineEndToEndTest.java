package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.core.internal.EngineHarness;

/** The real engine, the per-packet strategy and the binary trie over the ixgbevf model. */
class EngineEndToEndTest {
    @TempDir
    Path dir;

    private final RecordingBackend backend = new RecordingBackend();
    private EngineHarness engine;

    @BeforeEach
    void setUp() throws Exception {
        final Path routes = dir.resolve("test.routes");
        Files.writeString(routes, """
                172.16.0.0/12 via 10.0.0.2
                172.16.5.0/24 via 10.1.0.2 dev p1
                198.51.100.0/24 via 10.1.0.2 proto static metric 10
                blackhole 192.0.2.0/24
                unreachable 203.0.113.0/24
                """);
        engine = new EngineHarness(dir, routes, backend);
    }

    private RouterStatus run(final long packets, final String... settings) throws Exception {
        final Map<String, String> overrides = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            overrides.put(settings[i], settings[i + 1]);
        }
        return engine.runPackets(packets, overrides);
    }

    @Test
    void shouldPrintProfiles() throws Exception {
        for (final String profile : new String[] {"none", "xen-pv", "paper", "iommu-strict", "iommu-lazy", "kvm-viommu"}) {
            final RouterStatus s = run(100_000, "profile", profile);
            System.out.println(profile + " rx=" + s.packetsRx() + " tx=" + s.packetsTx() + " modeled=" + s.modeledNanos()
                    + " mpps=" + (s.packetsRx() * 1e3 / s.modeledNanos()) + " " + s.platform() + " " + s.ports());
            assertEquals(s.packetsRx(), s.packetsTx() + s.totalDrops());
            assertEquals(0, s.liveMappings());
            assertTrue(s.packetsRx() > 0);
        }
    }
}
