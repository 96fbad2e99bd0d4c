package org.routerlab.trace.chronicle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_DROPPED_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_LENGTH;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_MODELED_NANOS_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_PORT_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_RECEIVED_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_TRANSMITTED_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_WALL_NANOS_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.COUNTERS_COUNT_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.COUNTERS_MODELED_NANOS_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.COUNTERS_VALUES_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.COUNTERS_WALL_NANOS_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.END_COUNT_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.END_ENTRIES_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.HEADER_COUNT_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.HEADER_ENTRIES_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.HEADER_SCHEMA_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_BURST;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_COUNTERS;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_END;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_HEADER;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceSink;

/** The bytes on disk match {@link TraceRecordDescriptor}, and the reader rejects what does not. */
class TraceRecordLayoutTest {
    @TempDir
    Path trace;

    private final ChronicleTraceStore store = new ChronicleTraceStore();

    @Test
    void shouldWriteRecordsAtTheDescriptorOffsets() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, Map.of("k", "vé"))) {
            sink.burst(0x0102030405060708L, -2, 3, 32, 30, 2);
            sink.counters(11, 12, new long[] {-1, Long.MIN_VALUE, 7});
            sink.end(Map.of("s", ""));
        }
        final List<byte[]> documents = RawQueue.read(trace);
        assertEquals(4, documents.size());

        final ByteBuffer header = le(documents.get(0));
        assertEquals(KIND_HEADER, header.get(KIND_OFFSET));
        assertEquals(2, header.getInt(HEADER_SCHEMA_OFFSET));
        assertEquals(1, header.getInt(HEADER_COUNT_OFFSET));
        assertEquals(1, header.getInt(HEADER_ENTRIES_OFFSET));
        assertEquals('k', header.get(HEADER_ENTRIES_OFFSET + 4));
        assertEquals("vé".getBytes(StandardCharsets.UTF_8).length, header.getInt(HEADER_ENTRIES_OFFSET + 5));
        assertEquals(HEADER_ENTRIES_OFFSET + 4 + 1 + 4 + 3, header.limit());

        final ByteBuffer burst = le(documents.get(1));
        assertEquals(BURST_LENGTH, burst.limit());
        assertEquals(KIND_BURST, burst.get(KIND_OFFSET));
        assertEquals(0x08, burst.get(BURST_WALL_NANOS_OFFSET), "little-endian");
        assertEquals(0x0102030405060708L, burst.getLong(BURST_WALL_NANOS_OFFSET));
        assertEquals(-2, burst.getLong(BURST_MODELED_NANOS_OFFSET));
        assertEquals(3, burst.getInt(BURST_PORT_OFFSET));
        assertEquals(32, burst.getInt(BURST_RECEIVED_OFFSET));
        assertEquals(30, burst.getInt(BURST_TRANSMITTED_OFFSET));
        assertEquals(2, burst.getInt(BURST_DROPPED_OFFSET));

        final ByteBuffer counters = le(documents.get(2));
        assertEquals(TraceRecordDescriptor.countersLength(3), counters.limit());
        assertEquals(KIND_COUNTERS, counters.get(KIND_OFFSET));
        assertEquals(11, counters.getLong(COUNTERS_WALL_NANOS_OFFSET));
        assertEquals(12, counters.getLong(COUNTERS_MODELED_NANOS_OFFSET));
        assertEquals(3, counters.getInt(COUNTERS_COUNT_OFFSET));
        assertEquals(-1, counters.getLong(COUNTERS_VALUES_OFFSET));
        assertEquals(Long.MIN_VALUE, counters.getLong(COUNTERS_VALUES_OFFSET + 8));
        assertEquals(7, counters.getLong(COUNTERS_VALUES_OFFSET + 16));

        final ByteBuffer end = le(documents.get(3));
        assertEquals(KIND_END, end.get(KIND_OFFSET));
        assertEquals(1, end.getInt(END_COUNT_OFFSET));
        assertEquals(1, end.getInt(END_ENTRIES_OFFSET));
        assertEquals('s', end.get(END_ENTRIES_OFFSET + 4));
        assertEquals(0, end.getInt(END_ENTRIES_OFFSET + 5));
        assertEquals(END_ENTRIES_OFFSET + 4 + 1 + 4, end.limit());
    }

    @Test
    void shouldIgnoreTrailingBytesAMinorRevisionMayAppend() throws IOException {
        RawQueue.write(trace, bytes -> bytes.writeByte(KIND_HEADER).writeInt(2).writeInt(0).writeLong(99),
                bytes -> bytes.writeByte(KIND_BURST).writeLong(1).writeLong(2).writeInt(3).writeInt(4).writeInt(5)
                        .writeInt(6).writeInt(0xCAFE),
                bytes -> bytes.writeByte(KIND_END).writeInt(0).writeByte((byte) 1));
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(3, reader.read(visitor));
            assertTrue(reader.complete());
        }
        assertEquals(List.of(new RecordingVisitor.Header(Map.of()), new RecordingVisitor.Burst(1, 2, 3, 4, 5, 6),
                new RecordingVisitor.End(Map.of())), visitor.records);
    }

    @Test
    void shouldRejectATraceThatDoesNotStartWithAHeader() {
        RawQueue.write(trace, bytes -> bytes.writeByte(KIND_END).writeInt(0));
        assertReadFails("trace " + trace + " does not start with a header record (kind end); not a routerlab trace?");
    }

    @Test
    void shouldRejectUnknownRecordKinds() {
        RawQueue.write(trace, bytes -> bytes.writeByte(KIND_HEADER).writeInt(2).writeInt(0),
                bytes -> bytes.writeByte((byte) 9).writeLong(0));
        assertReadFails("trace " + trace + " is corrupt at record 1: unknown record kind 9");
    }

    @Test
    void shouldRejectTruncatedRecords() {
        RawQueue.write(trace, bytes -> bytes.writeByte(KIND_HEADER).writeInt(2).writeInt(0),
                bytes -> bytes.writeByte(KIND_BURST).writeLong(1).writeLong(2).writeInt(3));
        assertReadFails("trace " + trace + " is corrupt at record 1: truncated burst record");
    }

    @Test
    void shouldRejectImpossibleCounts() {
        RawQueue.write(trace, bytes -> bytes.writeByte(KIND_HEADER).writeInt(2).writeInt(0),
                bytes -> bytes.writeByte(KIND_COUNTERS).writeLong(1).writeLong(2).writeInt(1_000).writeLong(0));
        assertReadFails("trace " + trace + " is corrupt at record 1: counters record with count=1000");
    }

    private void assertReadFails(final String message) {
        final IOException e = assertThrows(IOException.class, () -> {
            try (TraceReader reader = store.openReader(trace)) {
                reader.read(new RecordingVisitor());
            }
        });
        assertEquals(message, e.getMessage());
    }

    private static ByteBuffer le(final byte[] document) {
        return ByteBuffer.wrap(document).order(ByteOrder.LITTLE_ENDIAN);
    }
}
