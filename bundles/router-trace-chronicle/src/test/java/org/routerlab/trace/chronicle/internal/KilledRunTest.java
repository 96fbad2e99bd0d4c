package org.routerlab.trace.chronicle.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.component.ComponentConstants;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceSink;

/** A writer JVM that dies mid-run leaves a trace that reads back as incomplete, and can be appended to. */
class KilledRunTest {
    @TempDir
    Path trace;

    private final ChronicleTraceStore store = new ChronicleTraceStore();

    @AfterEach
    void tearDown() {
        store.deactivate(ComponentConstants.DEACTIVATION_REASON_DISPOSED);
    }

    @Test
    void shouldReadTheRecordsOfARunKilledBetweenRecordsAsIncomplete() throws Exception {
        runKilledWriter("between");
        assertIncompleteWithAllBursts();
    }

    @Test
    void shouldSkipTheHalfWrittenRecordOfARunKilledInsideARecord() throws Exception {
        runKilledWriter("inside");
        assertIncompleteWithAllBursts();
    }

    @Test
    void shouldAppendANewRunAfterARunKilledBetweenRecords() throws Exception {
        runKilledWriter("between");
        assertAppendable();
    }

    @Test
    void shouldAppendANewRunAfterARunKilledHoldingTheWriteLock() throws Exception {
        runKilledWriter("inside");
        assertAppendable();
    }

    private void assertAppendable() throws IOException {
        try (TraceSink sink = store.openSink(trace, TraceLevel.BURST, Map.of("run", "next"))) {
            sink.end(Map.of());
            assertEquals(2, sink.writtenRecords());
        }
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(1 + KilledWriterMain.BURSTS + 2, reader.read(new RecordingVisitor()));
            assertTrue(reader.complete());
        }
    }

    private void assertIncompleteWithAllBursts() throws IOException {
        final RecordingVisitor visitor = new RecordingVisitor();
        try (TraceReader reader = store.openReader(trace)) {
            assertEquals(1 + KilledWriterMain.BURSTS, reader.read(visitor));
            assertFalse(reader.complete());
        }
        assertEquals(new RecordingVisitor.Header(Map.of("run", "killed")), visitor.records.getFirst());
        assertEquals(new RecordingVisitor.Burst(KilledWriterMain.BURSTS - 1, KilledWriterMain.BURSTS - 1, 0, 32, 32,
                0), visitor.records.getLast());
    }

    private void runKilledWriter(final String mode) throws Exception {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-") || argument.startsWith("--enable-native-access")
                    || argument.startsWith("--sun-misc") || argument.startsWith("-Dchronicle")) {
                command.add(argument);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KilledWriterMain.class.getName(),
                trace.toString(), mode));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.contains("written=" + (1 + KilledWriterMain.BURSTS)), output);
    }
}
