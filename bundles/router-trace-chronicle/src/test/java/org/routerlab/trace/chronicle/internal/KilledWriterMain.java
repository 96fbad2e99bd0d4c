package org.routerlab.trace.chronicle.internal;

import java.nio.file.Path;
import java.util.Map;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceSink;

/**
 * A run that dies: writes a header and {@value #BURSTS} bursts, then halts the JVM without end record or close.
 * Arguments: the trace directory, and {@code between} (dies between records) or {@code inside} (dies with half a
 * record written and the queue's write lock held).
 */
public final class KilledWriterMain {
    static final int BURSTS = 1_000;

    private KilledWriterMain() {
    }

    public static void main(final String[] args) throws Exception {
        final Path trace = Path.of(args[0]);
        final TraceSink sink = new ChronicleTraceStore().openSink(trace, TraceLevel.BURST, Map.of("run", "killed"));
        for (int i = 0; i < BURSTS; i++) {
            sink.burst(i, i, 0, 32, 32, 0);
        }
        if ("inside".equals(args[1])) {
            final SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(trace)
                    .rollCycle(ChronicleQueues.ROLL_CYCLE).build();
            final ExcerptAppender appender = queue.createAppender();
            final DocumentContext dc = appender.writingDocument();
            dc.wire().bytes().writeByte(TraceRecordDescriptor.KIND_BURST).writeLong(-1);
        }
        System.out.println("written=" + sink.writtenRecords());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
