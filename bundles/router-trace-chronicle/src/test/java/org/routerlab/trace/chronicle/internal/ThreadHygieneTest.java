package org.routerlab.trace.chronicle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import net.openhft.chronicle.core.io.AbstractCloseable;
import net.openhft.chronicle.core.io.AbstractReferenceCounted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.component.ComponentConstants;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceSink;

/**
 * Closing sinks and readers releases every Chronicle resource and leaves no thread behind. Chronicle's JVM-wide threads (disk space checker, background
 * resource releaser) start with the first queue and stay until the bundle stops, so they are started before the
 * baseline is taken.
 */
class ThreadHygieneTest {
    @TempDir
    Path temp;

    @Test
    void shouldReleaseResourcesAndLeaveNoThreadsBehindAfterClose() throws Exception {
        final ChronicleTraceStore store = new ChronicleTraceStore();
        writeAndRead(store, temp.resolve("warm-up"));
        final Set<Thread> baseline = Thread.getAllStackTraces().keySet();

        AbstractCloseable.enableCloseableTracing();
        AbstractReferenceCounted.enableReferenceTracing();
        try {
            for (int run = 0; run < 3; run++) {
                writeAndRead(store, temp.resolve("run-" + run));
            }
            store.deactivate(ComponentConstants.DEACTIVATION_REASON_DISPOSED);
            AbstractCloseable.waitForCloseablesToClose(2_000);
            AbstractCloseable.assertCloseablesClosed();
            AbstractReferenceCounted.assertReferencesReleased();
        } finally {
            AbstractReferenceCounted.disableReferenceTracing();
            AbstractCloseable.disableCloseableTracing();
        }

        List<String> extra = List.of();
        for (int attempt = 0; attempt < 50; attempt++) {
            extra = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.isAlive() && !baseline.contains(thread))
                    .map(Thread::getName)
                    .collect(Collectors.toList());
            if (extra.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(List.of(), extra, "threads left behind");
    }

    private static void writeAndRead(final ChronicleTraceStore store, final Path trace) throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, Map.of())) {
            for (int i = 0; i < 1_000; i++) {
                sink.burst(i, i, 0, 1, 1, 0);
            }
            sink.end(Map.of());
        }
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(1_002, reader.read(new RecordingVisitor()));
        }
    }
}
