package org.routerlab.trace.chronicle.internal;

import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.BURST_LENGTH;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.COUNTERS_VALUES_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.HEADER_COUNT_OFFSET;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_BURST;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_COMPLETIONS;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_COUNTERS;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_END;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_HEADER;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_PACKETS;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.KIND_SWAP;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.NULL_STRING_LENGTH;
import static org.routerlab.trace.chronicle.internal.TraceRecordDescriptor.SCHEMA_VERSION;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.routerlab.api.platform.PlatformOp;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceVisitor;

/**
 * {@inheritDoc}
 *
 * <p>Reads the queue read-only from its first record, every time {@link #read} is called. A directory may hold
 * several runs (a sink appends); each starts with a header, and every header's schema version is checked.
 * {@link #complete()} is true when the last run read ended with an end record. The visitor gets unmodifiable maps
 * and a fresh counter array per record, so it may keep them.
 */
final class ChronicleTraceReader implements TraceReader {
    private final Path directory;
    private final SingleChronicleQueue queue;
    private final Consumer<? super AutoCloseable> onClose;
    private boolean complete;
    private boolean closed;
    /** Reused for every burst's platform deltas, packet block and completion list. */
    private final long[] platformDeltas = new long[PlatformOp.count()];
    private PacketRecords packets;
    private long[] latencies = new long[256];

    private ChronicleTraceReader(final Path directory, final SingleChronicleQueue queue,
            final Consumer<? super AutoCloseable> onClose) {
        this.directory = directory;
        this.queue = queue;
        this.onClose = onClose;
    }

    /** Opens the trace in {@code directory}; fails with "no trace in DIR: …" when there is none. */
    static ChronicleTraceReader open(final Path directory, final Consumer<? super AutoCloseable> onClose)
            throws IOException {
        if (!Files.exists(directory)) {
            throw new IOException("no trace in " + directory + ": the directory does not exist");
        }
        if (!Files.isDirectory(directory)) {
            throw new IOException("no trace in " + directory + ": not a directory");
        }
        if (!ChronicleQueues.hasCycleFiles(directory)) {
            throw new IOException("no trace in " + directory + ": no Chronicle queue files (*"
                    + ChronicleQueues.CYCLE_FILE_SUFFIX + ")");
        }
        if (!Files.isRegularFile(directory.resolve(ChronicleQueues.METADATA_FILE))) {
            throw new IOException("no trace in " + directory + ": no " + ChronicleQueues.METADATA_FILE
                    + " (not a Chronicle queue, or an incomplete copy of one)");
        }
        return ChronicleQueues.withBundleLoader(() -> {
            try {
                return new ChronicleTraceReader(directory, ChronicleQueues.openForReading(directory), onClose);
            } catch (Exception | Error e) { // Chronicle throws some checked exceptions undeclared
                throw new IOException("cannot open trace " + directory + " for reading: " + e.getMessage()
                        + " (" + e.getClass().getSimpleName() + "; not a routerlab trace, or corrupt)", e);
            }
        });
    }

    @Override
    public long read(final TraceVisitor visitor) throws IOException {
        if (closed) {
            throw new IOException("trace " + directory + ": reader is closed");
        }
        complete = false;
        return ChronicleQueues.withBundleLoader(() -> readAll(visitor));
    }

    @Override
    public boolean complete() {
        return complete;
    }

    /** {@inheritDoc} Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ChronicleQueues.withBundleLoader(queue::close);
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "ChronicleTraceReader[" + directory + "]";
    }

    private long readAll(final TraceVisitor visitor) throws IOException {
        long records = 0;
        boolean ended = false;
        try (ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        break;
                    }
                    if (!dc.isData()) {
                        continue;
                    }
                    final byte kind = decode(dc.wire().bytes(), records, visitor);
                    if (KIND_HEADER == kind) {
                        ended = false;
                    } else if (KIND_END == kind) {
                        ended = true;
                    }
                    records++;
                }
            }
        } catch (RuntimeException e) {
            if (e instanceof VisitorException visitorFailure) {
                throw visitorFailure.unwrap();
            }
            throw new IOException("trace " + directory + " is unreadable after " + records + " records: " + e, e);
        } catch (InternalError e) {
            // A mapped cycle file shorter than its own index says: truncated (copied or cut while written).
            throw new IOException("trace " + directory + " is truncated or corrupt after " + records
                    + " records: a cycle file ends before the data it indexes (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains(directory.toString())) {
                throw e;
            }
            throw new IOException("trace " + directory + " is unreadable after " + records + " records: " + e, e);
        } catch (Exception e) { // Chronicle throws some checked exceptions undeclared
            throw new IOException("trace " + directory + " is unreadable after " + records + " records: " + e, e);
        }
        if (0 == records) {
            throw new IOException("no trace in " + directory + ": the queue holds no records");
        }
        complete = ended;
        return records;
    }

    private byte decode(final Bytes<?> bytes, final long recordNumber, final TraceVisitor visitor)
            throws IOException {
        final long length = bytes.readRemaining();
        if (length < 1) {
            throw corrupt(recordNumber, "empty record");
        }
        final byte kind = bytes.readByte();
        if (0 == recordNumber && KIND_HEADER != kind) {
            throw new IOException("trace " + directory + " does not start with a header record (kind "
                    + TraceRecordDescriptor.kindName(kind) + "); not a routerlab trace?");
        }
        switch (kind) {
            case KIND_HEADER -> {
                require(bytes, recordNumber, kind, HEADER_COUNT_OFFSET - 1);
                final int schema = bytes.readInt();
                if (SCHEMA_VERSION != schema) {
                    throw new IOException("trace " + directory + " was written with schema version " + schema
                            + "; this reader supports " + SCHEMA_VERSION);
                }
                final Map<String, String> header = readMap(bytes, recordNumber, kind);
                visit(() -> visitor.header(header));
            }
            case KIND_BURST -> {
                require(bytes, recordNumber, kind, BURST_LENGTH - 1);
                final long wallNanos = bytes.readLong();
                final long modeledNanos = bytes.readLong();
                final int port = bytes.readInt();
                final int received = bytes.readInt();
                final int transmitted = bytes.readInt();
                final int dropped = bytes.readInt();
                if (bytes.readRemaining() >= 3 * Integer.BYTES) {
                    readBurstTail(bytes, recordNumber, visitor, wallNanos, modeledNanos, port, received, transmitted,
                            dropped);
                } else {
                    final long[] deltas = platformDeltas;
                    java.util.Arrays.fill(deltas, 0);
                    visit(() -> visitor.burst(wallNanos, modeledNanos, port, received, transmitted, dropped, -1, -1,
                            deltas));
                }
            }
            case TraceRecordDescriptor.KIND_BURSTS -> {
                require(bytes, recordNumber, kind, Integer.BYTES);
                final int count = bytes.readInt();
                if (count < 0 || (long) count * (TraceRecordDescriptor.BURST2_FIXED_LENGTH - 1)
                        > bytes.readRemaining()) {
                    throw corrupt(recordNumber, "bursts record with count=" + count);
                }
                for (int i = 0; i < count; i++) {
                    require(bytes, recordNumber, kind, TraceRecordDescriptor.BURST2_FIXED_LENGTH - 1);
                    readBurstTail(bytes, recordNumber, visitor, bytes.readLong(), bytes.readLong(), bytes.readInt(),
                            bytes.readInt(), bytes.readInt(), bytes.readInt());
                }
            }
            case KIND_SWAP -> {
                require(bytes, recordNumber, kind, TraceRecordDescriptor.SWAP_STRINGS_OFFSET - 1);
                final long wallNanos = bytes.readLong();
                final long modeledNanos = bytes.readLong();
                final long pause = bytes.readLong();
                final long lost = bytes.readLong();
                final String what = readString(bytes, recordNumber, kind);
                final String from = readString(bytes, recordNumber, kind);
                final String to = readString(bytes, recordNumber, kind);
                final String outcome = readString(bytes, recordNumber, kind);
                visit(() -> visitor.swap(wallNanos, modeledNanos, what, from, to, pause, lost, outcome));
            }
            case KIND_PACKETS -> {
                require(bytes, recordNumber, kind, TraceRecordDescriptor.PACKETS_ENTRIES_OFFSET - 1);
                final long wallNanos = bytes.readLong();
                final long modeledNanos = bytes.readLong();
                final int count = bytes.readInt();
                final int entry = bytes.readInt();
                if (entry < PacketRecords.FIXED_BYTES || entry > PacketRecords.FIXED_BYTES + PacketRecords.MAX_SNAP
                        || count < 0 || count > 4096 || (long) count * entry > bytes.readRemaining()) {
                    throw corrupt(recordNumber, "packets record with count=" + count + " entry=" + entry);
                }
                PacketRecords block = packets;
                if (null == block || block.entryBytes() != entry) {
                    block = new PacketRecords(4096, entry - PacketRecords.FIXED_BYTES);
                    packets = block;
                }
                bytes.read(block.array(), 0, count * entry);
                block.size(count);
                final PacketRecords records = block;
                visit(() -> visitor.packets(wallNanos, modeledNanos, records));
            }
            case KIND_COMPLETIONS -> {
                require(bytes, recordNumber, kind, TraceRecordDescriptor.COMPLETIONS_LATENCIES_OFFSET - 1);
                final long wallNanos = bytes.readLong();
                final long modeledNanos = bytes.readLong();
                final int port = bytes.readInt();
                final int count = bytes.readInt();
                if (count < 0 || (long) count * Integer.BYTES > bytes.readRemaining()) {
                    throw corrupt(recordNumber, "completions record with count=" + count);
                }
                if (latencies.length < count) {
                    latencies = new long[Math.max(count, latencies.length * 2)];
                }
                final long[] values = latencies;
                for (int i = 0; i < count; i++) {
                    values[i] = bytes.readInt();
                }
                visit(() -> visitor.completions(wallNanos, modeledNanos, port, values, count));
            }
            case KIND_COUNTERS -> {
                require(bytes, recordNumber, kind, COUNTERS_VALUES_OFFSET - 1);
                final long wallNanos = bytes.readLong();
                final long modeledNanos = bytes.readLong();
                final int count = bytes.readInt();
                if (count < 0 || (long) count * Long.BYTES > bytes.readRemaining()) {
                    throw corrupt(recordNumber, "counters record with count=" + count);
                }
                final long[] values = new long[count];
                for (int i = 0; i < count; i++) {
                    values[i] = bytes.readLong();
                }
                visit(() -> visitor.counters(wallNanos, modeledNanos, values));
            }
            case KIND_END -> {
                final Map<String, String> summary = readMap(bytes, recordNumber, kind);
                visit(() -> visitor.end(summary));
            }
            default -> throw corrupt(recordNumber, "unknown record kind " + kind);
        }
        return kind;
    }

    /** The schema-2 part of a burst: rings, mask and platform deltas; then visits the burst. */
    private void readBurstTail(final Bytes<?> bytes, final long recordNumber, final TraceVisitor visitor,
            final long wallNanos, final long modeledNanos, final int port, final int received, final int transmitted,
            final int dropped) throws IOException {
        final long[] deltas = platformDeltas;
        java.util.Arrays.fill(deltas, 0);
        final int rxRing = bytes.readInt();
        final int txRing = bytes.readInt();
        final int mask = bytes.readInt();
        if ((long) Integer.bitCount(mask) * Long.BYTES > bytes.readRemaining() || (mask >>> deltas.length) != 0) {
            throw corrupt(recordNumber, "burst record with platform mask=" + Integer.toHexString(mask));
        }
        for (int bits = mask; 0 != bits; bits &= bits - 1) {
            deltas[Integer.numberOfTrailingZeros(bits)] = bytes.readLong();
        }
        visit(() -> visitor.burst(wallNanos, modeledNanos, port, received, transmitted, dropped, rxRing, txRing,
                deltas));
    }

    private Map<String, String> readMap(final Bytes<?> bytes, final long recordNumber, final byte kind)
            throws IOException {
        require(bytes, recordNumber, kind, Integer.BYTES);
        final int count = bytes.readInt();
        if (count < 0 || (long) count * 2 * Integer.BYTES > bytes.readRemaining()) {
            throw corrupt(recordNumber, TraceRecordDescriptor.kindName(kind) + " record with count=" + count);
        }
        final Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            final String key = readString(bytes, recordNumber, kind);
            map.put(key, readString(bytes, recordNumber, kind));
        }
        return Collections.unmodifiableMap(map);
    }

    private String readString(final Bytes<?> bytes, final long recordNumber, final byte kind) throws IOException {
        require(bytes, recordNumber, kind, Integer.BYTES);
        final int length = bytes.readInt();
        if (NULL_STRING_LENGTH == length) {
            return null;
        }
        if (length < 0 || length > bytes.readRemaining()) {
            throw corrupt(recordNumber, TraceRecordDescriptor.kindName(kind) + " record with string length="
                    + length);
        }
        final byte[] utf8 = new byte[length];
        bytes.read(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    private void require(final Bytes<?> bytes, final long recordNumber, final byte kind, final long needed)
            throws IOException {
        if (bytes.readRemaining() < needed) {
            throw corrupt(recordNumber, "truncated " + TraceRecordDescriptor.kindName(kind) + " record");
        }
    }

    private IOException corrupt(final long recordNumber, final String what) {
        return new IOException("trace " + directory + " is corrupt at record " + recordNumber + ": " + what);
    }

    /** Runs a visitor callback so that its exceptions pass through unchanged, not as "unreadable trace". */
    private static void visit(final Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            throw new VisitorException(e);
        }
    }

    /** Carries a visitor's exception through the Chronicle read loop. */
    private static final class VisitorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        VisitorException(final RuntimeException cause) {
            super(cause);
        }

        RuntimeException unwrap() {
            return (RuntimeException) getCause();
        }
    }
}
