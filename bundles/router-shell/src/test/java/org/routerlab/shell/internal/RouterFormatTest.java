package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.PluginInfo;
import org.routerlab.api.engine.PluginKind;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;

class RouterFormatTest {
    @Test
    void shouldSummarizeSwapsWithPausePercentilesAndLoss() {
        final List<org.routerlab.api.engine.SwapRecord> swaps = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            swaps.add(new org.routerlab.api.engine.SwapRecord(i * 1_000_000L, 0, "dma", "per-packet",
                    "premapped-reuse", "schedule", i * 1_000L, 0, true, ""));
        }
        swaps.add(new org.routerlab.api.engine.SwapRecord(0, 0, "dma", "per-packet", "broken", "command", 0, 0,
                false, "broken failed to start: boom"));
        assertEquals("101 swaps (1 refused), pause median 51.0 us, p99 99.0 us, max 100.0 us, packets lost 0",
                RouterFormat.swapSummary(swaps));
        assertEquals("   0.001 s  dma     per-packet -> premapped-reuse  (schedule)  pause 1.0 us, lost 0",
                RouterFormat.swapLine(swaps.get(0)));
        assertTrue(RouterFormat.swapLine(swaps.get(100)).endsWith("REFUSED: broken failed to start: boom"));
        assertEquals("   0.002 s  dma     per-packet -> premapped-reuse  (command)  pause 40.0 us (310.5 us of work in"
                + " steps), lost 0", RouterFormat.swapLine(new org.routerlab.api.engine.SwapRecord(2_000_000L, 0, "dma",
                        "per-packet", "premapped-reuse", "command", 40_000L, 0, true, "", 310_500L, 39_000L)));
    }

    @Test
    void shouldFormatStatusLineWithRatesOverTheLastSecondAndNonZeroDropReasons() {
        final RouterStatus before = Statuses.status(EngineState.RUNNING, 1_000_000, 900_000, 1_000_000_000L,
                Map.of("no-route", 50_000L), Map.of("dma_maps", 2_000_000L));
        final RouterStatus after = Statuses.status(EngineState.RUNNING, 3_500_000, 3_000_000, 2_000_000_000L,
                Map.of("no-route", 400_000L, "ttl-exceeded", 100_000L), Map.of("dma_maps", 7_000_000L));

        assertEquals("[  2 s] rx 2.500 Mpps  tx 2.100 Mpps  drops 500000 (ttl-exceeded 100000, no-route 400000)"
                + "  dma maps/pkt 2.000", RouterFormat.statusLine(before, after, 2, 1.0));
    }

    @Test
    void shouldUseTheSampleIntervalWhenTheEngineClockDidNotMove() {
        final RouterStatus before = Statuses.status(EngineState.RUNNING, 0, 0, 0, Map.of(), Map.of());
        final RouterStatus after = Statuses.status(EngineState.RUNNING, 500_000, 500_000, 0, Map.of(), Map.of());

        assertEquals("[  1 s] rx 1.000 Mpps  tx 1.000 Mpps  drops 0  dma maps/pkt 0.000",
                RouterFormat.statusLine(before, after, 1, 0.5));
    }

    @Test
    void shouldReportZeroMapsPerPacketBeforeTheFirstPacket() {
        assertEquals(0.0, RouterFormat.mapsPerPacket(Statuses.idle()));
    }

    @Test
    void shouldListDropReasonsInEnumOrderWithUnknownKeysLast() {
        assertEquals("6 (too-short 1, no-route 2, zz-custom 3)", RouterFormat.dropsText(
                Map.of("zz-custom", 3L, "no-route", 2L, "too-short", 1L, "local", 0L)));
    }

    @Test
    void shouldDescribeLimits() {
        assertEquals("for 10 s", RouterFormat.limitsText(new RunLimits(10_000_000_000L, 0)));
        assertEquals("for 0.25 s", RouterFormat.limitsText(new RunLimits(250_000_000L, 0)));
        assertEquals("until 100 packets", RouterFormat.limitsText(new RunLimits(0, 100)));
        assertEquals("until 100 packets or 3 s, whichever comes first",
                RouterFormat.limitsText(new RunLimits(3_000_000_000L, 100)));
        assertEquals("until stopped", RouterFormat.limitsText(RunLimits.unlimited()));
    }

    @Test
    void shouldWriteTheSummaryAsOneJsonObjectWithTheRequiredFields() {
        final RouterStatus last = Statuses.status(EngineState.FINISHED, 1000, 990, 2_000_000_000L,
                Map.of("no-route", 10L), Map.of("dma_maps", 1980L, "dma_unmaps", 1980L));
        final String json = RouterFormat.summaryJson(new RunReport(last, Map.of("nic", "emulated", "seed", "7"),
                new RunLimits(0, 1000), 21, 22, false));

        assertTrue(json.startsWith("{\"state\":\"finished\","), json);
        assertEquals(1, json.lines().count());
        for (final String field : List.of("\"packets_rx\":1000", "\"packets_tx\":990", "\"wall_seconds\":2.0",
                "\"wall_mpps\":5.0E-4", "\"dma_maps\":1980", "\"dma_unmaps\":1980", "\"nic\":\"emulated\"",
                "\"dma\":\"per-packet\"", "\"routing\":\"binary-trie\"", "\"bundles_active\":21",
                "\"bundles_total\":22", "\"modeled_ns\":200000000", "\"packets_offered\":1000",
                "\"buffers_outstanding\":0", "\"live_mappings\":0", "\"trace_records\":0",
                "\"configuration\":{\"nic\":\"emulated\",\"seed\":\"7\"}",
                "\"drops\":{\"too-short\":0,\"not-ipv4\":0,", "\"no-route\":10,",
                "\"ports\":{\"p0\":{\"rx_packets\":1000,\"tx_packets\":990,\"rx_missed\":0}}",
                "\"limits\":{\"duration_seconds\":0.0,\"packets\":1000}")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
    }

    @Test
    void shouldReportTheModelOfTheRunInTheJsonSummary() {
        final Map<String, Long> platform = Map.ofEntries(Map.entry("dma_maps", 1980L), Map.entry("dma_unmaps", 1980L),
                Map.entry("hypercalls_grant_table_op", 3960L), Map.entry("hypercalls_multicall", 40L),
                Map.entry("hypercalls_memory_exchange", 10L), Map.entry("bounce_bytes", 64_000L),
                Map.entry("iotlb_invalidations", 7L), Map.entry("dma_faults", 0L), Map.entry("buffer_allocs", 2000L),
                Map.entry("buffer_frees", 1998L));
        final RouterStatus base = Statuses.status(EngineState.FINISHED, 1000, 990, 2_000_000_000L, Map.of(), platform);
        final RouterStatus last = new RouterStatus(base.state(), "ixgbevf", base.dma(), base.routing(),
                base.packetsRx(), base.packetsTx(), base.bytesRx(), base.bytesTx(), base.drops(), base.platform(),
                Map.of("p0", Map.of("rx_packets", 600L, "rx_missed", 5L, "rx_tail_writes", 30L, "tx_tail_writes", 20L),
                        "p1", Map.of("rx_packets", 400L, "rx_missed", 7L, "rx_tail_writes", 25L)),
                base.wallNanos(), 500_000L, base.routes(), 0, 0, 1012, null, 0);
        final String json = RouterFormat.summaryJson(new RunReport(last, Map.of("nic", "ixgbevf", "profile", "paper"),
                new RunLimits(0, 1000), 21, 21, false));

        for (final String field : List.of("\"profile\":\"paper\"", "\"modeled_mpps\":2.0",
                "\"hypercalls\":{\"memory_exchange\":10,\"mmu_update\":0,\"grant_table_op\":3960,\"multicall\":40}",
                "\"hypercalls_per_packet\":4.01", "\"iotlb_invalidations\":7", "\"bounce_bytes_per_packet\":64.0",
                "\"dma_faults\":0", "\"rx_missed\":12", "\"tail_writes\":75", "\"buffers_leaked\":2")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        final String text = RouterFormat.summaryText(new RunReport(last, Map.of("profile", "paper"),
                new RunLimits(0, 1000), 3, 3, false));
        assertTrue(text.contains("  model      profile paper  hypercalls/pkt 4.010  bounce B/pkt 64.0  "
                + "iotlb invalidations 7  dma faults 0  rx_missed 12  tail writes 75  buffers leaked 2"), text);
    }

    @Test
    void shouldReportNoProfileAndZerosForABackendWithoutAModel() {
        final RouterStatus last = Statuses.status(EngineState.FINISHED, 1000, 990, 2_000_000_000L, Map.of(),
                Map.of("dma_maps", 1980L, "dma_unmaps", 1980L));
        final String json = RouterFormat.summaryJson(new RunReport(last, Map.of("nic", "emulated"),
                new RunLimits(0, 1000), 21, 21, false));
        for (final String field : List.of("\"profile\":null", "\"hypercalls_per_packet\":0.0",
                "\"buffers_leaked\":0", "\"rx_missed\":0", "\"tail_writes\":0")) {
            assertTrue(json.contains(field), field + " in " + json);
        }
        assertTrue(!RouterFormat.summaryText(new RunReport(last, Map.of(), new RunLimits(0, 1000), 3, 3, false))
                .contains("  model "));
    }

    @Test
    void shouldWriteAReadableSummary() {
        final RouterStatus last = Statuses.status(EngineState.FINISHED, 1000, 990, 2_000_000_000L,
                Map.of("no-route", 10L), Map.of("dma_maps", 1980L, "dma_unmaps", 1980L, "hypercalls_multicall", 5L));
        final String text = RouterFormat.summaryText(new RunReport(last, Map.of(), new RunLimits(0, 1000), 3, 3,
                true));

        assertTrue(text.startsWith("routerlab run finished (interrupted) after 2.000 s wall"), text);
        assertTrue(text.contains("  drops      10 (no-route 10)"), text);
        assertTrue(text.contains("maps 1980  unmaps 1980  maps/pkt 1.980"), text);
        assertTrue(text.contains("  platform   hypercalls_multicall 5"), text);
        assertTrue(text.contains("  port p0    rx_packets 1000  tx_packets 990  rx_missed 0"), text);
        assertTrue(text.contains("  bundles    3/3 active"), text);
    }

    @Test
    void shouldGroupPluginsByKindWithEveryKindPresent() {
        final List<PluginInfo> plugins = List.of(
                new PluginInfo(PluginKind.DMA, "per-packet", "map per packet", "org.routerlab.router-dma-per-packet",
                        "0.1.0.SNAPSHOT", true),
                new PluginInfo(PluginKind.NIC, "emulated", "82599 VF model", "org.routerlab.router-nic-emulated",
                        "0.1.0.SNAPSHOT", false));

        assertEquals("{\"nic\":[{\"name\":\"emulated\",\"bundle\":\"org.routerlab.router-nic-emulated\","
                + "\"version\":\"0.1.0.SNAPSHOT\",\"description\":\"82599 VF model\",\"configured\":false,"
                + "\"active\":false}],"
                + "\"dma\":[{\"name\":\"per-packet\",\"bundle\":\"org.routerlab.router-dma-per-packet\","
                + "\"version\":\"0.1.0.SNAPSHOT\",\"description\":\"map per packet\",\"configured\":true,"
                + "\"active\":true}],"
                + "\"routing\":[],\"trace\":[]}", RouterFormat.pluginsJson(plugins, Map.of("dma", "per-packet")));
        final String text = RouterFormat.pluginsText(plugins, Map.of("dma", "per-packet", "nic", "other"));
        assertTrue(text.contains("NIC backends (nic=NAME)\n    emulated"), text);
        assertTrue(text.contains("  * per-packet       org.routerlab.router-dma-per-packet 0.1.0.SNAPSHOT"), text);
        assertTrue(text.contains("routing algorithms (routing=NAME)\n  (none registered)"), text);
    }

    @Test
    void shouldListEveryCounterGroup() {
        final String text = RouterFormat.countersText(Statuses.status(EngineState.FINISHED, 5, 5, 1, Map.of(),
                Map.of("dma_maps", 10L)));

        assertTrue(text.startsWith("engine\n"), text);
        assertTrue(text.contains("\ndrops\n  too-short"), text);
        assertTrue(text.contains("\nplatform\n  dma_maps                     10\n"), text);
        assertTrue(text.contains("\nport p0\n  rx_packets"), text);
    }
}
