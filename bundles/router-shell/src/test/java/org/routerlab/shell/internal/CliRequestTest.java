package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.engine.RunLimits;

class CliRequestTest {
    @Test
    void shouldReadARunRequestFromFrameworkProperties() {
        final Map<String, String> props = Map.of(CliRequest.COMMAND, "run", CliRequest.DURATION, "2.5",
                CliRequest.PACKETS, "1000", CliRequest.JSON, "true",
                CliRequest.SET, "seed=7\nports=p0=10.0.0.1/24,p1=10.1.0.1/24\n");

        final CliRequest request = CliRequest.from(props::get);

        assertEquals("run", request.command());
        assertEquals(new RunLimits(2_500_000_000L, 1000), request.limits());
        assertTrue(request.json());
        assertEquals(Map.of("seed", "7", "ports", "p0=10.0.0.1/24,p1=10.1.0.1/24", "traffic.packets", "1000"),
                request.overrides());
    }

    @Test
    void shouldDefaultToNoLimitsNoJsonAndNoOverrides() {
        final CliRequest request = CliRequest.from(Map.of(CliRequest.COMMAND, "plugins")::get);

        assertEquals(RunLimits.unlimited(), request.limits());
        assertFalse(request.json());
        assertEquals(Map.of(), request.overrides());
    }

    @Test
    void shouldReadALookupRequest() {
        final CliRequest request = CliRequest.from(Map.of(CliRequest.COMMAND, "lookup", CliRequest.TIMING, "true",
                CliRequest.SET, "routes=/tmp/full.txt.gz\nrouting=binary-trie\n")::get);

        assertEquals("lookup", request.command());
        assertTrue(request.timing());
        assertFalse(request.json());
        assertEquals(Map.of("routes", "/tmp/full.txt.gz", "routing", "binary-trie"), request.overrides());
        assertEquals("routes-stats", CliRequest.from(Map.of(CliRequest.COMMAND, "routes-stats")::get).command());
        assertFalse(CliRequest.from(Map.of(CliRequest.COMMAND, "routes-stats")::get).timing());
    }

    @Test
    void shouldKeepAnExplicitTrafficPacketsOverride() {
        final CliRequest request = CliRequest.from(Map.of(CliRequest.COMMAND, "run", CliRequest.PACKETS, "10",
                CliRequest.SET, "traffic.packets=5")::get);

        assertEquals("5", request.overrides().get("traffic.packets"));
    }

    @Test
    void shouldKeepEmptyValuesAndLetLaterKeysWin() {
        assertEquals(Map.of("trace.dir", "", "seed", "2"), CliRequest.overrides("trace.dir=\nseed=1\nseed=2"));
    }

    @Test
    void shouldRejectBadProperties() {
        for (final Map<String, String> bad : List.of(Map.of(CliRequest.COMMAND, "fly"),
                Map.of(CliRequest.COMMAND, "run", CliRequest.DURATION, "-1"),
                Map.of(CliRequest.COMMAND, "run", CliRequest.DURATION, "soon"),
                Map.of(CliRequest.COMMAND, "run", CliRequest.PACKETS, "-5"),
                Map.of(CliRequest.COMMAND, "run", CliRequest.SET, "=x"),
                Map.of(CliRequest.COMMAND, "run", CliRequest.SET, "novalue"))) {
            assertThrows(IllegalArgumentException.class, () -> CliRequest.from(bad::get), bad.toString());
        }
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CliRequest.from(Map.<String, String>of()::get));
        assertEquals("routerlab.cli.command=null (expected run, plugins, lookup, routes-stats, bench, replay or diff)",
                e.getMessage());
    }
}
