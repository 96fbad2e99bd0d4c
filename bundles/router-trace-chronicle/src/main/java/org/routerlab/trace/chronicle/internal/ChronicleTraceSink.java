package org.routerlab.trace.chronicle.internal;

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
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.routerlab.api.trace.PacketRecords;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@inheritDoc}
 *
 * <p><b>NOTE: single-threaded.</b> One Chronicle appender, used by one thread at a time: the opener writes the
 * header, then the forwarding thread writes bursts, counters and the end record. Handing the sink to another thread
 * needs a happens-before edge (thread start/join, a volatile write); Chronicle's own first-thread check is switched
 * off so that such a hand-over does not drop records. {@link #writtenRecords()} and {@link #droppedRecords()} may be
 * read from any thread. Do not open two sinks on one directory at once: appenders serialise on the queue's write
 * lock.
 */
final class ChronicleTraceSink implements TraceSink {
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleTraceSink.class);
    private static final VarHandle WRITTEN;
    private static final VarHandle DROPPED;
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class,
            java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class,
            java.nio.ByteOrder.LITTLE_ENDIAN);

    static {
        try {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            WRITTEN = lookup.findVarHandle(ChronicleTraceSink.class, "written", long.class);
            DROPPED = lookup.findVarHandle(ChronicleTraceSink.class, "dropped", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Path directory;
    private final TraceLevel level;
    private final boolean burstsEnabled;
    private final boolean packetsEnabled;
    private final TraceFilter filter;
    /**
     * Schema-2 bursts waiting to be committed as one BURSTS record (at most {@code BURSTS_GROUP}, flushed before any
     * other record and on close, so the order of records is kept). Owned by the writing thread.
     */
    private final byte[] bursts = new byte[TraceRecordDescriptor.BURSTS_GROUP
            * (TraceRecordDescriptor.BURST2_FIXED_LENGTH - 1 + Long.BYTES * Integer.SIZE)];
    private int burstBytes;
    private int burstCount;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final Consumer<? super AutoCloseable> onClose;
    /** Written by the owning thread only (release store), read by anyone (acquire load). */
    private long written;
    private long dropped;
    private Throwable firstFailure;
    private volatile boolean closed;

    private ChronicleTraceSink(final Path directory, final TraceLevel level, final TraceFilter filter,
            final SingleChronicleQueue queue, final ExcerptAppender appender,
            final Consumer<? super AutoCloseable> onClose) {
        this.directory = directory;
        this.level = level;
        this.filter = filter;
        this.burstsEnabled = level.includes(TraceLevel.BURST) && filter.bursts;
        this.packetsEnabled = level.includes(TraceLevel.PACKET);
        this.queue = queue;
        this.appender = appender;
        this.onClose = onClose;
    }

    /**
     * Opens the queue in {@code directory} and writes the run header; on failure nothing stays open.
     *
     * @param level a level other than {@link TraceLevel#OFF}
     * @param pinnedMillis the wall-clock instant whose roll cycle every record of this sink goes to
     * @param onClose called with the sink once, when it closes
     */
    static ChronicleTraceSink open(final Path directory, final TraceLevel level, final Map<String, String> header,
            final long pinnedMillis, final Consumer<? super AutoCloseable> onClose) throws IOException {
        final TraceFilter filter;
        try {
            filter = TraceFilter.from(header);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        return ChronicleQueues.withBundleLoader(() -> {
            SingleChronicleQueue queue = null;
            ExcerptAppender appender = null;
            try {
                queue = ChronicleQueues.openForWriting(directory, pinnedMillis);
                appender = queue.createAppender();
                appender.singleThreadedCheckDisabled(true);
                try (DocumentContext dc = appender.writingDocument()) {
                    final Bytes<?> bytes = dc.wire().bytes();
                    bytes.writeByte(KIND_HEADER).writeInt(SCHEMA_VERSION);
                    writeMap(bytes, header);
                }
                final ChronicleTraceSink sink = new ChronicleTraceSink(directory, level, filter, queue, appender,
                        onClose);
                sink.countWritten();
                return sink;
            } catch (RuntimeException | Error e) {
                closeQuietly(appender);
                closeQuietly(queue);
                throw new IOException("cannot open trace " + directory + " for writing: " + e, e);
            }
        });
    }

    @Override
    public TraceLevel level() {
        return level;
    }

    @Override
    public void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped) {
        if (!burstsEnabled) {
            return;
        }
        final DocumentContext dc = begin();
        if (null == dc) {
            return;
        }
        try {
            dc.wire().bytes()
                    .writeByte(KIND_BURST)
                    .writeLong(wallNanos)
                    .writeLong(modeledNanos)
                    .writeInt(port)
                    .writeInt(received)
                    .writeInt(transmitted)
                    .writeInt(dropped);
        } catch (Throwable t) {
            abort(dc, t);
            return;
        }
        commit(dc);
    }

    /**
     * {@inheritDoc} A schema-2 burst (ring occupancy and the non-zero platform deltas), grouped with the following
     * ones into one BURSTS record of up to {@code BURSTS_GROUP} bursts: a Chronicle document costs a few hundred
     * nanoseconds, a burst entry a few. A process killed before the group is committed loses the group.
     */
    @Override
    public void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped, final int rxRing, final int txRing,
            final long[] platformDeltas) {
        if (!burstsEnabled || !filter.port(port)) {
            return;
        }
        if (closed) {
            countDropped(null);
            return;
        }
        final int count = Math.min(platformDeltas.length, Integer.SIZE);
        int mask = 0;
        for (int k = 0; k < count; k++) {
            if (0 != platformDeltas[k]) {
                mask |= 1 << k;
            }
        }
        final byte[] b = bursts;
        int at = burstBytes;
        I64.set(b, at, wallNanos);
        I64.set(b, at + 8, modeledNanos);
        I32.set(b, at + 16, port);
        I32.set(b, at + 20, received);
        I32.set(b, at + 24, transmitted);
        I32.set(b, at + 28, dropped);
        I32.set(b, at + 32, rxRing);
        I32.set(b, at + 36, txRing);
        I32.set(b, at + 40, mask);
        at += 44;
        for (int bits = mask; 0 != bits; bits &= bits - 1) {
            I64.set(b, at, platformDeltas[Integer.numberOfTrailingZeros(bits)]);
            at += 8;
        }
        burstBytes = at;
        if (++burstCount == TraceRecordDescriptor.BURSTS_GROUP) {
            flushBursts();
        }
    }

    /** Commits the grouped bursts as one BURSTS record (each counts as a written record). */
    private void flushBursts() {
        final int count = burstCount;
        if (0 == count) {
            return;
        }
        burstCount = 0;
        final int length = burstBytes;
        burstBytes = 0;
        final DocumentContext dc = begin();
        if (null == dc) {
            DROPPED.setRelease(this, dropped + count - 1);
            return;
        }
        try {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(TraceRecordDescriptor.KIND_BURSTS).writeInt(count);
            copy(bytes, bursts, 0, length);
        } catch (Throwable t) {
            abort(dc, t);
            DROPPED.setRelease(this, dropped + count - 1);
            return;
        }
        commit(dc);
        WRITTEN.setRelease(this, written + count - 1);
    }

    /** {@inheritDoc} One PACKETS record per call with the entries the filter keeps (none: nothing is written). */
    @Override
    public void packets(final long wallNanos, final long modeledNanos, final PacketRecords records) {
        if (!packetsEnabled || 0 == records.size()) {
            return;
        }
        final DocumentContext dc = begin();
        if (null == dc) {
            return;
        }
        try {
            final int size = records.size();
            final int entry = records.entryBytes();
            final byte[] array = records.array();
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(KIND_PACKETS).writeLong(wallNanos).writeLong(modeledNanos);
            if (filter.keepsAllPackets()) {
                bytes.writeInt(size).writeInt(entry);
                copy(bytes, array, 0, size * entry);
            } else {
                final long countAt = bytes.writePosition();
                bytes.writeInt(0).writeInt(entry);
                int kept = 0;
                for (int i = 0; i < size; i++) {
                    if (filter.keep(records, i)) {
                        bytes.write(array, i * entry, entry);
                        kept++;
                    }
                }
                if (0 == kept) {
                    dc.rollbackOnClose();
                    dc.close();
                    return;
                }
                bytes.writeInt(countAt, kept);
            }
        } catch (Throwable t) {
            abort(dc, t);
            return;
        }
        commit(dc);
    }

    @Override
    public void completions(final long wallNanos, final long modeledNanos, final int port, final long[] latencies,
            final int count) {
        if (!packetsEnabled || !filter.completions || 0 == count || !filter.port(port)) {
            return;
        }
        final DocumentContext dc = begin();
        if (null == dc) {
            return;
        }
        try {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(KIND_COMPLETIONS).writeLong(wallNanos).writeLong(modeledNanos).writeInt(port)
                    .writeInt(count);
            for (int i = 0; i < count; i++) {
                final long latency = latencies[i];
                bytes.writeInt(latency > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) latency);
            }
        } catch (Throwable t) {
            abort(dc, t);
            return;
        }
        commit(dc);
    }

    @Override
    public void swap(final long wallNanos, final long modeledNanos, final String what, final String from,
            final String to, final long pauseNanos, final long packetsLost, final String outcome) {
        if (!filter.swaps) {
            return;
        }
        final DocumentContext dc = begin();
        if (null == dc) {
            return;
        }
        try {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(KIND_SWAP).writeLong(wallNanos).writeLong(modeledNanos).writeLong(pauseNanos)
                    .writeLong(packetsLost);
            writeString(bytes, what);
            writeString(bytes, from);
            writeString(bytes, to);
            writeString(bytes, outcome);
        } catch (Throwable t) {
            abort(dc, t);
            return;
        }
        commit(dc);
    }

    @Override
    public void counters(final long wallNanos, final long modeledNanos, final long[] values) {
        if (!filter.counters) {
            return;
        }
        final DocumentContext dc = begin();
        if (null == dc) {
            return;
        }
        try {
            final int count = values.length;
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(KIND_COUNTERS).writeLong(wallNanos).writeLong(modeledNanos).writeInt(count);
            for (int i = 0; i < count; i++) {
                bytes.writeLong(values[i]);
            }
        } catch (Throwable t) {
            abort(dc, t);
            return;
        }
        commit(dc);
    }

    @Override
    public void end(final Map<String, String> summary) {
        final DocumentContext dc = begin();
        if (null == dc) {
            return;
        }
        try {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeByte(KIND_END);
            writeMap(bytes, summary);
        } catch (Throwable t) {
            abort(dc, t);
            return;
        }
        commit(dc);
    }

    @Override
    public long writtenRecords() {
        return (long) WRITTEN.getAcquire(this);
    }

    @Override
    public long droppedRecords() {
        return (long) DROPPED.getAcquire(this);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Closes the appender and the queue; records after this are dropped and counted. A run closed without
     * {@link #end} reads back as incomplete.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        flushBursts();
        closed = true;
        ChronicleQueues.withBundleLoader(() -> {
            closeQuietly(appender);
            closeQuietly(queue);
        });
        onClose.accept(this);
        if (null == firstFailure) {
            LOG.info("closed trace {}: written={} dropped={}", directory, writtenRecords(), droppedRecords());
        } else {
            LOG.warn("closed trace {}: written={} dropped={}, first failure:", directory, writtenRecords(),
                    droppedRecords(), firstFailure);
        }
    }

    @Override
    public String toString() {
        return "ChronicleTraceSink[" + directory + ", level=" + level + "]";
    }

    private DocumentContext begin() {
        if (0 != burstCount) {
            flushBursts();
        }
        if (closed) {
            countDropped(null);
            return null;
        }
        try {
            return appender.writingDocument();
        } catch (Throwable t) {
            countDropped(t);
            return null;
        }
    }

    private void commit(final DocumentContext dc) {
        try {
            dc.close();
            countWritten();
        } catch (Throwable t) {
            countDropped(t);
        }
    }

    private void abort(final DocumentContext dc, final Throwable cause) {
        try {
            dc.rollbackOnClose();
            dc.close();
        } catch (Throwable ignored) {
            // the record is lost either way; the first cause is the useful one
        }
        countDropped(cause);
    }

    private void countWritten() {
        WRITTEN.setRelease(this, written + 1);
    }

    private void countDropped(final Throwable cause) {
        if (null != cause && null == firstFailure) {
            firstFailure = cause;
        }
        DROPPED.setRelease(this, dropped + 1);
    }

    /**
     * Appends {@code length} bytes of {@code array} to the document: one bulk copy straight into the mapped file
     * ({@code Bytes.write(byte[])} copies byte by byte, which made packet records 3 times dearer), falling back to
     * Chronicle's copy when the range is not contiguous in one mapping (a chunk boundary).
     */
    private static void copy(final Bytes<?> bytes, final byte[] array, final int offset, final int length) {
        final long at = bytes.writePosition();
        bytes.writeSkip(length);
        final long first = bytes.addressForWrite(at);
        if (bytes.addressForWrite(at + length - 1) == first + length - 1) {
            MemorySegment.copy(array, offset, MemorySegment.ofAddress(first).reinterpret(length),
                    ValueLayout.JAVA_BYTE, 0, length);
        } else {
            bytes.writePosition(at);
            bytes.write(array, offset, length);
        }
    }

    private static void writeMap(final Bytes<?> bytes, final Map<String, String> map) {
        bytes.writeInt(map.size());
        for (final Map.Entry<String, String> entry : map.entrySet()) {
            writeString(bytes, entry.getKey());
            writeString(bytes, entry.getValue());
        }
    }

    private static void writeString(final Bytes<?> bytes, final String text) {
        if (null == text) {
            bytes.writeInt(NULL_STRING_LENGTH);
            return;
        }
        final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        bytes.writeInt(utf8.length);
        bytes.write(utf8);
    }

    private static void closeQuietly(final AutoCloseable closeable) {
        if (null == closeable) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", closeable, e);
        }
    }
}
