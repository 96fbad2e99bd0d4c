package org.routerlab.trace.chronicle.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/** Writes and reads documents of a trace queue byte by byte, bypassing the sink and the reader under test. */
final class RawQueue {
    private RawQueue() {
    }

    /** Appends one document per writer to the queue in {@code directory}. */
    @SafeVarargs
    static void write(final Path directory, final Consumer<Bytes<?>>... documents) {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(ChronicleQueues.ROLL_CYCLE).build();
                ExcerptAppender appender = queue.createAppender()) {
            for (final Consumer<Bytes<?>> document : documents) {
                try (DocumentContext dc = appender.writingDocument()) {
                    document.accept(dc.wire().bytes());
                }
            }
        }
    }

    /** Every data document of the queue in {@code directory}, as bytes. */
    static List<byte[]> read(final Path directory) {
        final List<byte[]> documents = new ArrayList<>();
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(ChronicleQueues.ROLL_CYCLE).readOnly(true).build();
                ExcerptTailer tailer = queue.createTailer()) {
            while (true) {
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        return documents;
                    }
                    final Bytes<?> bytes = dc.wire().bytes();
                    final byte[] document = new byte[(int) bytes.readRemaining()];
                    bytes.read(document);
                    documents.add(document);
                }
            }
        }
    }
}
