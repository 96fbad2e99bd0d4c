package org.routerlab.nic.afxdp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings of nic=af-xdp as a user gives them: defaults, choices and the error for a bad value. */
class AfXdpConfigTest {
    private static Map<String, String> ports(final String... keysAndValues) {
        final Map<String, String> config = new HashMap<>();
        config.put("ports", "r1=10.77.1.1/24,r2=10.77.2.1/24");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            config.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return config;
    }

    @Test
    void shouldPrefetchReceivedFramesUnlessToldNotTo() {
        assertTrue(AfXdpConfig.from(ports()).rxPrefetch(), "default");
        assertTrue(AfXdpConfig.from(ports("nic.rx.prefetch", "On")).rxPrefetch());
        assertFalse(AfXdpConfig.from(ports("nic.rx.prefetch", "off")).rxPrefetch());
    }

    @Test
    void shouldRejectAnUnknownPrefetchChoiceNamingTheKey() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AfXdpConfig.from(ports("nic.rx.prefetch", "maybe")));
        assertEquals("nic.rx.prefetch=maybe must be one of on, off", e.getMessage());
    }

    @Test
    void shouldShareTheUmemForTheStrategiesThatForwardInPlace() {
        assertTrue(AfXdpConfig.from(ports("dma", "premapped-reuse")).sharedUmem());
        assertFalse(AfXdpConfig.from(ports("dma", "per-packet")).sharedUmem());
        assertTrue(AfXdpConfig.from(ports("dma", "per-packet", "nic.umem", "shared")).sharedUmem());
    }

    @Test
    void shouldRejectAMissingPortList() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AfXdpConfig.from(new HashMap<>()));
        assertTrue(e.getMessage().startsWith("ports= is empty"), e.getMessage());
    }
}
