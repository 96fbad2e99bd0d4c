package org.routerlab.trace.chronicle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.component.ComponentConstants;
import org.routerlab.api.engine.RouterCounter;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceSink;
import org.routerlab.api.trace.TraceStore;
import org.routerlab.api.trace.TraceVisitor;
import org.routerlab.trace.chronicle.internal.RecordingVisitor.Burst;
import org.routerlab.trace.chronicle.internal.RecordingVisitor.Counters;
import org.routerlab.trace.chronicle.internal.RecordingVisitor.End;
import org.routerlab.trace.chronicle.internal.RecordingVisitor.Header;

class ChronicleTraceStoreTest {
    private static final int BURSTS = 10_000;
    private static final int SNAPSHOT_EVERY = 1_000;

    @TempDir
    Path temp;

    private ChronicleTraceStore store;
    private Path trace;

    @BeforeEach
    void setUp() {
        store = new ChronicleTraceStore();
        store.activate();
        trace = temp.resolve("run");
    }

    @AfterEach
    void tearDown() {
        store.deactivate(ComponentConstants.DEACTIVATION_REASON_DISPOSED);
    }

    @Test
    void shouldBeNamedChronicle() {
        final TraceStore service = store;
        assertEquals("chronicle", service.name());
    }

    @Test
    void shouldReadBackHeaderBurstsCountersAndEndExactly() throws IOException {
        final List<Object> expected = new ArrayList<>();
        final long written;
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, header())) {
            expected.add(new Header(header()));
            for (int i = 0; i < BURSTS; i++) {
                final long wall = 1_000L * i + 7;
                final long modeled = Long.MAX_VALUE - i;
                sink.burst(wall, modeled, i % 4, 32, 32 - i % 3, i % 3);
                expected.add(new Burst(wall, modeled, i % 4, 32, 32 - i % 3, i % 3));
                if (0 == (i + 1) % SNAPSHOT_EVERY) {
                    final long[] values = counterValues(i);
                    sink.counters(wall, modeled, values);
                    expected.add(new Counters(wall, modeled, values));
                }
            }
            final Map<String, String> summary = Map.of("packets_rx", "320000", "verdict", "ok ✓");
            sink.end(summary);
            expected.add(new End(summary));
            assertEquals(0, sink.droppedRecords());
            written = sink.writtenRecords();
        }
        assertEquals(1 + BURSTS + BURSTS / SNAPSHOT_EVERY + 1, written);

        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(written, reader.read(visitor));
            assertTrue(reader.complete());
        }
        assertEquals(expected, visitor.records);
    }

    @Test
    void shouldKeepHeaderOrderAndNullValues() throws IOException {
        final Map<String, String> header = new LinkedHashMap<>();
        header.put("z", "last key first");
        header.put("a", null);
        header.put("", "");
        try (TraceSink sink = store.openSink(trace, TraceLevel.SUMMARY, header)) {
            sink.end(Map.of());
        }
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            reader.read(visitor);
        }
        final Header read = (Header) visitor.records.getFirst();
        assertEquals(header, read.header());
        assertEquals(List.copyOf(header.keySet()), List.copyOf(read.header().keySet()));
    }

    @Test
    void shouldIgnoreBurstsAtSummaryLevel() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.SUMMARY, header())) {
            assertEquals(TraceLevel.SUMMARY, sink.level());
            for (int i = 0; i < 100; i++) {
                sink.burst(i, i, 0, 1, 1, 0);
            }
            sink.counters(1, 2, new long[] {3, 4});
            sink.end(Map.of("k", "v"));
            assertEquals(3, sink.writtenRecords());
            assertEquals(0, sink.droppedRecords());
        }
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(3, reader.read(visitor));
            assertTrue(reader.complete());
        }
        assertEquals(List.of(new Header(header()), new Counters(1, 2, new long[] {3, 4}), new End(Map.of("k", "v"))),
                visitor.records);
    }

    @Test
    void shouldWriteBurstsAtPacketLevel() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.PACKET, header())) {
            sink.burst(1, 2, 3, 4, 5, 6);
            assertEquals(2, sink.writtenRecords());
        }
    }

    @Test
    void shouldWriteNothingAtOffLevel() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.OFF, header())) {
            assertEquals(TraceLevel.OFF, sink.level());
            sink.burst(1, 2, 3, 4, 5, 6);
            sink.counters(1, 2, new long[] {1});
            sink.end(Map.of());
            assertEquals(0, sink.writtenRecords());
            assertEquals(0, sink.droppedRecords());
        }
        assertFalse(Files.exists(trace));
    }

    @Test
    void shouldReportIncompleteButReadableTraceWithoutEndRecord() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, header())) {
            for (int i = 0; i < 50; i++) {
                sink.burst(i, i, 0, 8, 8, 0);
            }
            sink.counters(50, 50, new long[RouterCounter.SIZE]);
        }
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(52, reader.read(visitor));
            assertFalse(reader.complete());
        }
        assertEquals(50, visitor.count(Burst.class));
        assertEquals(new Header(header()), visitor.records.getFirst());
    }

    @Test
    void shouldJudgeCompletenessByTheLastAppendedRun() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, Map.of("run", "1"))) {
            sink.burst(1, 1, 0, 1, 1, 0);
            sink.end(Map.of("run", "1"));
        }
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, Map.of("run", "2"))) {
            sink.burst(2, 2, 0, 1, 1, 0);
        }
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(5, reader.read(visitor));
            assertFalse(reader.complete());
        }
        assertEquals(List.of(new Header(Map.of("run", "1")), new Burst(1, 1, 0, 1, 1, 0), new End(Map.of("run", "1")),
                new Header(Map.of("run", "2")), new Burst(2, 2, 0, 1, 1, 0)), visitor.records);

        try (TraceSink sink = store.openSink(trace, TraceLevel.SUMMARY, Map.of("run", "3"))) {
            sink.end(Map.of("run", "3"));
        }
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(7, reader.read(new RecordingVisitor()));
            assertTrue(reader.complete());
        }
    }

    @Test
    void shouldRefuseAnotherSchemaVersionWithAClearMessage() throws IOException {
        RawQueue.write(trace, bytes -> bytes.writeByte(TraceRecordDescriptor.KIND_HEADER).writeInt(1).writeInt(0),
                bytes -> bytes.writeByte(TraceRecordDescriptor.KIND_END).writeInt(0));
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            final IOException e = assertThrows(IOException.class, () -> reader.read(visitor));
            assertEquals("trace " + trace + " was written with schema version 1; this reader supports 2",
                    e.getMessage());
            assertFalse(reader.complete());
        }
        assertEquals(List.of(), visitor.records);
    }

    @Test
    void shouldFailClearlyWhenTheDirectoryDoesNotExist() {
        final IOException e = assertThrows(IOException.class, () -> store.openReader(trace));
        assertEquals("no trace in " + trace + ": the directory does not exist", e.getMessage());
        assertFalse(Files.exists(trace));
    }

    @Test
    void shouldFailClearlyWhenTheDirectoryHoldsNoTrace() throws IOException {
        Files.createDirectories(trace);
        Files.writeString(trace.resolve("notes.txt"), "not a queue");
        final IOException e = assertThrows(IOException.class, () -> store.openReader(trace));
        assertEquals("no trace in " + trace + ": no Chronicle queue files (*.cq4)", e.getMessage());

        final Path file = trace.resolve("notes.txt");
        final IOException notDirectory = assertThrows(IOException.class, () -> store.openReader(file));
        assertEquals("no trace in " + file + ": not a directory", notDirectory.getMessage());
    }

    @Test
    void shouldFailClearlyToOpenASinkOverAFile() throws IOException {
        Files.writeString(trace, "a file, not a directory");
        final IOException e = assertThrows(IOException.class,
                () -> store.openSink(trace, TraceLevel.BURST, header()));
        assertTrue(e.getMessage().startsWith("cannot open trace " + trace + " for writing"), e.getMessage());
    }

    @Test
    void shouldCloseIdempotentlyAndDropRecordsAfterClose() throws IOException {
        final TraceSink sink = store.openSink(trace, TraceLevel.BURST, header());
        sink.burst(1, 1, 0, 1, 1, 0);
        sink.close();
        sink.close();
        sink.burst(2, 2, 0, 1, 1, 0);
        sink.counters(2, 2, new long[] {1});
        sink.end(Map.of());
        assertEquals(2, sink.writtenRecords());
        assertEquals(3, sink.droppedRecords());

        final TraceReader reader = store.openReader(trace);
        assertEquals(2, reader.read(new RecordingVisitor()));
        reader.close();
        reader.close();
        final IOException e = assertThrows(IOException.class, () -> reader.read(new RecordingVisitor()));
        assertEquals("trace " + trace + ": reader is closed", e.getMessage());
    }

    @Test
    void shouldCountBadRecordsAsDroppedWithoutThrowingOrWritingPartialRecords() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, header())) {
            sink.burst(1, 1, 0, 1, 1, 0);
            sink.counters(2, 2, null);
            sink.end(null);
            sink.burst(3, 3, 0, 1, 1, 0);
            assertEquals(3, sink.writtenRecords());
            assertEquals(2, sink.droppedRecords());
        }
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(3, reader.read(visitor));
            assertFalse(reader.complete());
        }
        assertEquals(List.of(new Header(header()), new Burst(1, 1, 0, 1, 1, 0), new Burst(3, 3, 0, 1, 1, 0)),
                visitor.records);
    }

    @Test
    void shouldAcceptRecordsFromTheThreadTheSinkIsHandedTo() throws Exception {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, header())) {
            final Thread forwarding = new Thread(() -> {
                for (int i = 0; i < 1_000; i++) {
                    sink.burst(i, i, 1, 2, 2, 0);
                }
            }, "forwarding");
            forwarding.start();
            forwarding.join();
            sink.end(Map.of("bursts", "1000"));
            assertEquals(0, sink.droppedRecords());
            assertEquals(1_002, sink.writtenRecords());
        }
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(1_002, reader.read(new RecordingVisitor()));
            assertTrue(reader.complete());
        }
    }

    @Test
    void shouldCloseSinksAndReadersLeftOpenAtDeactivation() throws IOException {
        final TraceSink sink = store.openSink(trace, TraceLevel.BURST, header());
        final TraceReader reader = store.openReader(trace);
        store.deactivate(ComponentConstants.DEACTIVATION_REASON_DISPOSED);
        sink.burst(1, 1, 0, 1, 1, 0);
        assertEquals(1, sink.droppedRecords());
        assertThrows(IOException.class, () -> reader.read(new RecordingVisitor()));
    }

    @Test
    void shouldKeepARunInTheCycleItStartedIn() throws IOException {
        final Instant beforeMidnight = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).minusNanos(1_000_000)
                .toInstant();
        final Instant threeDaysEarlier = beforeMidnight.minusSeconds(3 * 86_400);
        final long[] pins = {threeDaysEarlier.toEpochMilli(), beforeMidnight.toEpochMilli()};
        for (final long pin : pins) {
            try (TraceSink sink = ChronicleTraceSink.open(trace, TraceLevel.BURST, Map.of("pin", Long.toString(pin)),
                    pin, ignored -> { })) {
                sink.burst(pin, 0, 0, 1, 1, 0);
                sink.end(Map.of());
            }
        }
        final DateTimeFormatter day = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
        assertEquals(List.of(day.format(threeDaysEarlier) + "L.cq4", day.format(beforeMidnight) + "L.cq4"),
                cycleFiles(trace));

        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(6, reader.read(visitor));
            assertTrue(reader.complete());
        }
        assertEquals(List.of(new Burst(pins[0], 0, 0, 1, 1, 0), new Burst(pins[1], 0, 0, 1, 1, 0)),
                visitor.records.stream().filter(Burst.class::isInstance).toList());
    }

    @Test
    void shouldPassVisitorExceptionsThroughUnchanged() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, header())) {
            sink.burst(1, 1, 0, 1, 1, 0);
        }
        final IllegalStateException failure = new IllegalStateException("visitor bug");
        try (TraceReader reader = store.openReader(trace)) {
            final IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> reader.read(new TraceVisitor() {
                        @Override
                        public void burst(final long wallNanos, final long modeledNanos, final int port,
                                final int received, final int transmitted, final int dropped) {
                            throw failure;
                        }
                    }));
            assertSame(failure, e);
        }
    }

    static Map<String, String> header() {
        final Map<String, String> header = new LinkedHashMap<>();
        header.put("nic", "emulated");
        header.put("dma", "per-packet");
        header.put("seed", "42");
        header.put("host", "lab-1");
        return header;
    }

    private static long[] counterValues(final int i) {
        final long[] values = new long[RouterCounter.SIZE];
        for (int c = 0; c < values.length; c++) {
            values[c] = (long) i * 31 + c - 5;
        }
        return values;
    }

    private static List<String> cycleFiles(final Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".cq4")).sorted()
                    .toList();
        }
    }
}
