package org.routerlab.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SwapScheduleTest {
    @TempDir
    Path dir;

    @Test
    void shouldParseSortAndIgnoreCommentsAndBlankLines() throws Exception {
        final Path file = dir.resolve("s.txt");
        Files.writeString(file, """
                # scenario
                4.0 routing=dir-24-8

                2 dma=premapped-reuse   # the paper's strategy
                6.5 routes=other.txt
                2 profile=none
                """);
        final SwapSchedule s = SwapSchedule.parse(file);
        assertEquals(List.of("dma", "profile", "routing", "routes"),
                s.entries().stream().map(SwapSchedule.Entry::key).toList());
        assertEquals(2_000_000_000L, s.entries().get(0).atNanos());
        assertEquals("premapped-reuse", s.entries().get(0).value());
        assertEquals(4, s.entries().get(0).line());
        assertEquals(6_500_000_000L, s.entries().get(3).atNanos());
    }

    @Test
    void shouldRejectMalformedLinesWithFileAndLine() throws Exception {
        for (final String[] c : new String[][] {
            {"1.0 dma=a\nsoon dma=b\n", ":2: 'soon' is not a time"},
            {"1.0 dma=a extra\n", ":1: expected 'AT_SECONDS KEY=VALUE'"},
            {"-1 dma=a\n", ":1: time -1 must be between"},
            {"1 nic=af-xdp\n", ":1: 'nic' cannot be swapped"},
            {"1 dma=\n", ":1: expected KEY=VALUE"},
            {"NaN dma=x\n", ":1: time NaN"}}) {
            final Path file = dir.resolve("bad.txt");
            Files.writeString(file, c[0]);
            final var e = assertThrows(IllegalArgumentException.class, () -> SwapSchedule.parse(file));
            assertTrue(e.getMessage().contains("bad.txt" + c[1]), e.getMessage());
        }
        final var missing = assertThrows(IllegalArgumentException.class,
                () -> SwapSchedule.parse(dir.resolve("none.txt")));
        assertTrue(missing.getMessage().contains("none.txt: cannot read"), missing.getMessage());
    }
}
