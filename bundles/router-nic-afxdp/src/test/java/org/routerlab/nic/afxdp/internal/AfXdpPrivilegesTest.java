package org.routerlab.nic.afxdp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Without CAP_BPF (dropped from the bounding set with setpriv before the JVM starts) opening the backend is refused
 * with a message naming the capability and how to grant it, code 2 on the command line (IllegalArgumentException),
 * and nothing is left attached; with the capability the same probe opens and closes the ports.
 */
class AfXdpPrivilegesTest {
    @Test
    void shouldNameTheMissingCapabilityAndLeaveNothingAttached() throws Exception {
        final String reason = Topology.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "AF_XDP TESTS SKIPPED: " + reason);
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "AF_XDP PRIVILEGE TEST SKIPPED: no /usr/bin/setpriv (util-linux)");
        try (Topology t = Topology.create()) {
            final Topology.Result refused = t.tryIn(t.r, 60, probe("-bpf,-sys_admin"));
            assertEquals(2, refused.exit(), refused.output());
            assertTrue(refused.output().contains("CAP_BPF") && refused.output().contains("setcap"),
                    refused.output());
            assertFalse(t.xdpAttached(t.r, "r1") || t.xdpAttached(t.r, "r2"), "nothing attached");
            final Topology.Result opened = t.tryIn(t.r, 60, probe("+bpf"));
            assertEquals(0, opened.exit(), opened.output());
            assertFalse(t.xdpAttached(t.r, "r1") || t.xdpAttached(t.r, "r2"), "detached at close");
        }
    }

    private static String[] probe(final String bounding) {
        final List<String> c = new ArrayList<>(List.of("setpriv", "--bounding-set", bounding,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), PrivilegeProbe.class.getName(), Topology.PORTS));
        return c.toArray(String[]::new);
    }
}
