package org.routerlab.trace.chronicle.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceSink;
import org.routerlab.api.trace.TraceVisitor;

/** Schema 2: the records added to schema 1, the filters, and what the reader says about broken queues. */
class TraceSchemaTest {
    @TempDir
    Path trace;

    private final ChronicleTraceStore store = new ChronicleTraceStore();

    /** Four packets: 10.0.0.5 → 192.0.2.9 (forwarded on port 1), 10.0.0.6 → 198.18.0.1 (dropped: blackhole). */
    private static PacketRecords records(final MemorySegment memory) {
        final PacketRecords records = new PacketRecords(64, 64);
        final PacketView view = new PacketView();
        for (int i = 0; i < 4; i++) {
            final long at = i * 128L;
            memory.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 12, (byte) 0x08);
            memory.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 14, (byte) 0x45);
            memory.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 23, (byte) 17);
            final int src = Ipv4Address.parse(i % 2 == 0 ? "10.0.0.5" : "10.0.0.6");
            final int dst = Ipv4Address.parse(i % 2 == 0 ? "192.0.2.9" : "198.18.0.1");
            memory.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                    at + 26, src);
            memory.set(java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN),
                    at + 30, dst);
            view.wrap(memory, at, i == 3 ? 100 : 64);
            records.fill(i, view, 1000 + i, i % 2, true);
            if (i % 2 == 0) {
                records.outcome(i, PacketRecords.FORWARDED, 1, 5);
            } else {
                records.outcome(i, 1 + DropReason.BLACKHOLE.id(), PacketRecords.NO_PORT, 6);
            }
        }
        records.size(4);
        return records;
    }

    private static final class Seen implements TraceVisitor {
        final List<String> events = new ArrayList<>();
        final List<Integer> verdicts = new ArrayList<>();
        final List<String> sources = new ArrayList<>();
        long[] deltas;
        byte[] firstSnap;

        @Override
        public void burst(final long wall, final long modeled, final int port, final int received,
                final int transmitted, final int dropped, final int rxRing, final int txRing, final long[] d) {
            events.add("burst " + port + " " + received + " " + rxRing + " " + txRing);
            deltas = d.clone();
        }

        @Override
        public void packets(final long wall, final long modeled, final PacketRecords r) {
            events.add("packets " + r.size());
            for (int i = 0; i < r.size(); i++) {
                verdicts.add(r.verdict(i));
                sources.add(Ipv4Address.format(r.source(i)) + ">" + Ipv4Address.format(r.destination(i)) + " "
                        + r.length(i) + "/" + r.captured(i) + " " + r.stamp(i) + " " + r.nextHop(i));
            }
            if (firstSnap == null && r.size() > 0) {
                firstSnap = java.util.Arrays.copyOfRange(r.array(), r.snapOffset(0), r.snapOffset(0) + 64);
            }
        }

        @Override
        public void completions(final long wall, final long modeled, final int port, final long[] l, final int n) {
            events.add("completions " + port + " " + java.util.Arrays.toString(java.util.Arrays.copyOf(l, n)));
        }

        @Override
        public void swap(final long wall, final long modeled, final String what, final String from, final String to,
                final long pause, final long lost, final String outcome) {
            events.add("swap " + what + " " + from + "->" + to + " " + pause + " " + lost + " " + outcome);
        }
    }

    private Seen writeAndRead(final Map<String, String> header) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment memory = arena.allocate(1024);
            try (TraceSink sink = store.openSink(trace, TraceLevel.PACKET, header)) {
                final long[] deltas = new long[PlatformOp.count()];
                deltas[PlatformOp.DMA_MAP.id()] = 64;
                deltas[PlatformOp.HYPERCALL_MULTICALL.id()] = 3;
                deltas[PlatformOp.MODELED_NANOS.id()] = 12345;
                final PacketRecords records = records(memory);
                sink.packets(1, 2, records);
                sink.burst(1, 2, 0, 4, 2, 2, 447, 96, deltas);
                sink.burst(1, 2, 1, 4, 2, 2, 447, 96, deltas);
                sink.completions(3, 4, 1, new long[] {500, -1, 3_000_000_000L}, 3);
                sink.swap(5, 6, "dma", "per-packet", "premapped-reuse", 1234, 0, "ok");
                sink.end(Map.of());
            }
        }
        final Seen seen = new Seen();
        try (TraceReader reader = store.openReader(trace)) {
            reader.read(seen);
            assertTrue(reader.complete());
        }
        return seen;
    }

    @Test
    void shouldReadBackEverySchema2Record() throws IOException {
        final Seen seen = writeAndRead(Map.of());
        assertEquals(List.of("packets 4", "burst 0 4 447 96", "burst 1 4 447 96",
                "completions 1 [500, -1, 2147483647]", "swap dma per-packet->premapped-reuse 1234 0 ok"), seen.events);
        assertEquals(List.of(0, 1 + DropReason.BLACKHOLE.id(), 0, 1 + DropReason.BLACKHOLE.id()), seen.verdicts);
        assertEquals("10.0.0.5>192.0.2.9 64/64 1000 5", seen.sources.get(0));
        assertEquals("10.0.0.6>198.18.0.1 100/64 1003 6", seen.sources.get(3));
        assertEquals(64, seen.deltas[PlatformOp.DMA_MAP.id()]);
        assertEquals(3, seen.deltas[PlatformOp.HYPERCALL_MULTICALL.id()]);
        assertEquals(0, seen.deltas[PlatformOp.DMA_UNMAP.id()]);
        assertEquals((byte) 0x45, seen.firstSnap[14]);
    }

    @Test
    void shouldKeepOnlyWhatTheFiltersSelect() throws IOException {
        final Map<String, String> header = new LinkedHashMap<>();
        header.put("run.ports", "p0,p1");
        header.put("config.trace.ports", "p0");
        header.put("config.trace.events", "drops,bursts");
        final Seen byPort = writeAndRead(header);
        // p0 received packets 0 and 2 (forwarded): drops only, so no packet record; bursts of p0 only.
        assertEquals(List.of("burst 0 4 447 96"), byPort.events);
    }

    @Test
    void shouldFilterPacketsByPrefix() throws IOException {
        final Seen seen = writeAndRead(Map.of("config.trace.prefixes", "198.18.0.0/15"));
        assertEquals(List.of(1 + DropReason.BLACKHOLE.id(), 1 + DropReason.BLACKHOLE.id()), seen.verdicts);
    }

    @Test
    void shouldRefuseUnknownTraceSettings() {
        final IOException e = assertThrows(IOException.class,
                () -> store.openSink(trace, TraceLevel.BURST, Map.of("config.trace.colour", "blue")));
        assertTrue(e.getMessage().contains("trace.colour"), e.getMessage());
        final IOException prefix = assertThrows(IOException.class,
                () -> store.openSink(trace, TraceLevel.BURST, Map.of("config.trace.prefixes", "10.0.0/8")));
        assertTrue(prefix.getMessage().contains("10.0.0/8"), prefix.getMessage());
    }

    @Test
    void shouldNameTheDirectoryAndCauseOfABrokenQueue() throws IOException {
        writeAndRead(Map.of());
        final Path cycle;
        try (Stream<Path> files = Files.list(trace)) {
            cycle = files.filter(f -> f.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        // Truncated: a copy cut in the middle of its records.
        try (RandomAccessFile file = new RandomAccessFile(cycle.toFile(), "rw")) {
            file.setLength(70_000);
        }
        final IOException truncated = assertThrows(IOException.class, () -> {
            try (TraceReader reader = store.openReader(trace)) {
                reader.read(new TraceVisitor() { });
            }
        });
        assertTrue(truncated.getMessage().contains(trace.toString()), truncated.getMessage());
        // Not a queue at all: random bytes in a cycle file.
        final byte[] noise = new byte[4096];
        new java.util.Random(1).nextBytes(noise);
        Files.write(cycle, noise);
        final IOException foreign = assertThrows(IOException.class, () -> {
            try (TraceReader reader = store.openReader(trace)) {
                reader.read(new TraceVisitor() { });
            }
        });
        assertTrue(foreign.getMessage().contains(trace.toString()), foreign.getMessage());
        // No metadata: not a Chronicle queue.
        Files.delete(trace.resolve(ChronicleQueues.METADATA_FILE));
        final IOException none = assertThrows(IOException.class, () -> store.openReader(trace));
        assertTrue(none.getMessage().startsWith("no trace in " + trace), none.getMessage());
        assertFalse(Files.exists(trace.resolve(ChronicleQueues.METADATA_FILE)));
        assertArrayEquals(noise, Files.readAllBytes(cycle), "a reader never writes");
    }
}
