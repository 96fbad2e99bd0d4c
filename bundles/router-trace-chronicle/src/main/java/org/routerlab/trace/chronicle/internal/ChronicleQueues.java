package org.routerlab.trace.chronicle.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;
import net.openhft.chronicle.threads.DiskSpaceMonitor;

/**
 * How this bundle opens Chronicle queues, and the class-loader rule for calling Chronicle inside OSGi.
 *
 * <p><b>Roll cycle.</b> {@link LargeRollCycles#LARGE_DAILY}: one file a day, up to 2^37 records per file (more than
 * any disk holds at 33 bytes per burst record). A writer pins its cycle to the time the sink was opened (its
 * {@code TimeProvider} always answers that instant), so a sink never rolls over while it runs, even across midnight
 * UTC or for runs longer than a day; a run appended to the same directory on a later day starts a new file. Readers
 * use the real clock and follow every cycle file in order, so rolling between runs is harmless. The roll epoch is
 * left at Chronicle's default: a custom epoch is stored in the queue metadata and every reader that does not repeat it
 * logs a WARN.
 *
 * <p><b>Class loader.</b> Chronicle finds some services through the thread context class loader
 * ({@code CleanerServiceLocator}); inside OSGi that loader does not see the embedded jars. Every Chronicle call that
 * may load classes runs under {@link #withBundleLoader}.
 */
final class ChronicleQueues {
    static final RollCycle ROLL_CYCLE = LargeRollCycles.LARGE_DAILY;
    /** File name suffix of Chronicle cycle files. */
    static final String CYCLE_FILE_SUFFIX = ".cq4";
    /** The queue's metadata file, written when a queue is created. */
    static final String METADATA_FILE = "metadata.cq4t";

    private static final ClassLoader BUNDLE_LOADER = ChronicleQueues.class.getClassLoader();
    /** Whether a queue was ever opened, so that Chronicle's classes (and threads) are loaded. */
    private static volatile boolean started;

    /** An action that may throw an {@link IOException}. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    private ChronicleQueues() {
    }

    /** Opens (creating if needed) a queue whose appenders write to the cycle of {@code pinnedMillis}. */
    static SingleChronicleQueue openForWriting(final Path directory, final long pinnedMillis) {
        started = true;
        return SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(ROLL_CYCLE)
                .timeProvider(() -> pinnedMillis)
                .build();
    }

    /** Opens an existing queue read-only; the caller has checked it exists. */
    static SingleChronicleQueue openForReading(final Path directory) {
        started = true;
        return SingleChronicleQueueBuilder.binary(directory)
                .rollCycle(ROLL_CYCLE)
                .readOnly(true)
                .build();
    }

    /** Whether {@code directory} holds at least one Chronicle cycle file. */
    static boolean hasCycleFiles(final Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.anyMatch(file -> file.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX));
        }
    }

    /** Runs {@code action} with the thread context class loader set to this bundle's class loader. */
    static <T> T withBundleLoader(final IoAction<T> action) throws IOException {
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(BUNDLE_LOADER);
        try {
            return action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** {@link #withBundleLoader(IoAction)} for actions that throw nothing checked. */
    static void withBundleLoader(final Runnable action) {
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(BUNDLE_LOADER);
        try {
            action.run();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * Stops the JVM-wide threads Chronicle starts on first use ({@code disk~space~checker},
     * {@code background~resource~releaser}). They cannot be restarted in the same class loader, so call this only
     * when the bundle stops: the embedded Chronicle classes are private to this bundle, and its class loader is
     * dropped afterwards. Does nothing when no queue was ever opened (touching Chronicle would start them).
     */
    static void stopBackgroundThreads() {
        if (!started) {
            return;
        }
        withBundleLoader(() -> {
            DiskSpaceMonitor.INSTANCE.close();
            BackgroundResourceReleaser.stop();
        });
    }
}
