package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.RouterStatus;

class BenchTest {
    private static RouterStatus status(final long rx, final long modeledNs, final long wallNs, final long maps,
            final long mmu, final long grantOps, final long missed) {
        return new RouterStatus(EngineState.RUNNING, "ixgbevf", "per-packet", "binary-trie", rx, rx, 0, 0, Map.of(),
                Map.of("dma_maps", maps, "hypercalls_mmu_update", mmu, "hypercalls_grant_table_op", grantOps,
                        "iotlb_invalidations", 0L, "bounce_bytes", rx * 64),
                Map.of("p0", Map.of("rx_missed", missed, "rx_tail_writes", rx / 16, "tx_tail_writes", 0L)), wallNs,
                modeledNs, 45, 0, 0, -1, null, 0);
    }

    @Test
    void shouldMeasureTheWindowBetweenTwoSnapshots() {
        final RouterStatus a = status(1_000, 50_000, 1_000_000, 2_000, 1_000, 0, 5);
        final RouterStatus b = status(11_000, 1_050_000, 3_000_000, 22_000, 21_000, 10_000, 7);
        final RouterStatus end = new RouterStatus(EngineState.FINISHED, "ixgbevf", "per-packet", "binary-trie",
                11_000, 11_000, 0, 0, Map.of(), Map.of("dma_faults", 0L), Map.of(), 3_100_000, 1_060_000, 45, 0, 0,
                -1, null, 0);
        final BenchCell c = BenchRunner.measure("per-packet", 64, "paper", a, b, end);
        assertEquals(10_000, c.packets());
        assertEquals(1.0, c.forwardedShare(), 1e-9);
        assertEquals(3.0, c.hypercallsPerPacket(), 1e-9, "(20000 mmu + 10000 grant) / 10000 packets");
        assertEquals(2.0, c.hypercallsByType().get("mmu_update"), 1e-9);
        assertEquals(1.0, c.hypercallsByType().get("grant_table_op"), 1e-9);
        assertEquals(2.0, c.mapsPerPacket(), 1e-9);
        assertEquals(64.0, c.bounceBytesPerPacket(), 1e-9);
        assertEquals(10.0, c.modeledMpps(), 1e-9, "10000 packets in 1 ms modeled");
        assertEquals(5.0, c.wallMpps(), 1e-9, "10000 packets in 2 ms wall");
        assertEquals(2, c.rxMissed());
        assertEquals(0, c.buffersLeaked());
    }

    @Test
    void shouldCheckThePlan() {
        assertEquals(96, new BenchPlan(BenchPlan.DEFAULT_STRATEGIES, BenchPlan.DEFAULT_SIZES,
                BenchPlan.DEFAULT_PROFILES, 0.5, "ixgbevf").cells());
        assertThrows(IllegalArgumentException.class, () -> new BenchPlan(List.of("a"), List.of(63), List.of("p"), 1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new BenchPlan(List.of("a"), List.of(64), List.of("p"), 0, "x"));
        assertThrows(IllegalArgumentException.class, () -> BenchPlan.sizes("64,big"));
        assertEquals(List.of("a", "b"), BenchPlan.names(" a, b ,", List.of()));
    }

    @Test
    void shouldWriteASelfContainedReportWithALinePerStrategyAndAPanelPerProfile() {
        final List<BenchCell> cells = List.of(
                cell("per-packet", 64, "paper", 2.0, 3.1), cell("per-packet", 1518, "paper", 2.0, 0.8),
                cell("premapped-reuse", 64, "paper", 0.0, 12.0), cell("premapped-reuse", 1518, "paper", 0.0, 0.8),
                cell("per-packet", 64, "xen-pv", 0.0, 9.0), cell("per-packet", 1518, "xen-pv", 0.0, 0.8));
        final String html = BenchReport.html(cells, "bench <test>");
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("bench &lt;test&gt;"), "titles are escaped");
        assertEquals(4, count(html, "<svg "), "two charts per profile");
        assertEquals(6, count(html, "<polyline"), "a line per strategy per chart");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.replace("http://www.w3.org/2000/svg", "").contains("http"), "no network references");
        final String table = BenchReport.table(cells);
        assertEquals(7, table.split("\n").length);
        final String json = BenchReport.json(cells);
        assertTrue(json.startsWith("[{\"strategy\":\"per-packet\",\"size\":64,\"profile\":\"paper\""), json);
    }

    private static BenchCell cell(final String strategy, final int size, final String profile, final double hcalls,
            final double mpps) {
        return new BenchCell(strategy, size, profile, 1000, 0.95, hcalls, Map.of(), hcalls, 0, 0, 0, 0, 0, mpps, 1.0, 0,
                null);
    }

    private static int count(final String text, final String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
