package org.routerlab.trace.chronicle.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceReader;
import org.routerlab.api.trace.TraceSink;
import org.routerlab.api.trace.TraceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@inheritDoc}
 *
 * <p>A trace is a Chronicle Queue directory; the record layout is {@link TraceRecordDescriptor}, the roll cycle and
 * the class-loader rule are in {@link ChronicleQueues}. Sinks and readers still open when the component deactivates
 * are closed. The component is immediate so that it lives as long as the bundle: when the bundle stops, Chronicle's
 * JVM-wide background threads are stopped too (a delayed component would be deactivated whenever its last user
 * let go of it, and could not tell that apart from the bundle stopping).
 */
@Component(service = TraceStore.class, property = NicBackend.NAME_PROPERTY + "=" + ChronicleTraceStore.NAME,
        immediate = true)
public final class ChronicleTraceStore implements TraceStore {
    static final String NAME = "chronicle";

    private static final Logger LOG = LoggerFactory.getLogger(ChronicleTraceStore.class);

    private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();

    @Activate
    void activate() {
        LOG.info("trace store {} active: schema version {}, roll cycle {}", NAME, SCHEMA_VERSION,
                ChronicleQueues.ROLL_CYCLE);
    }

    @Deactivate
    void deactivate(final int reason) {
        for (final AutoCloseable closeable : List.copyOf(open)) {
            LOG.warn("closing {} left open at deactivation", closeable);
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", closeable, e);
            }
        }
        if (ComponentConstants.DEACTIVATION_REASON_BUNDLE_STOPPED == reason) {
            ChronicleQueues.stopBackgroundThreads();
        }
        LOG.info("trace store {} inactive", NAME);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@inheritDoc}
     *
     * <p>At {@link TraceLevel#OFF} returns a sink that writes nothing and creates no directory.
     */
    @Override
    public TraceSink openSink(final Path directory, final TraceLevel level, final Map<String, String> header)
            throws IOException {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(header, "header");
        if (TraceLevel.OFF == level) {
            return OffTraceSink.INSTANCE;
        }
        final ChronicleTraceSink sink = ChronicleTraceSink.open(directory, level, header, System.currentTimeMillis(),
                open::remove);
        open.add(sink);
        LOG.info("opened trace {} at level {}", directory, level);
        return sink;
    }

    @Override
    public TraceReader openReader(final Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        final ChronicleTraceReader reader = ChronicleTraceReader.open(directory, open::remove);
        open.add(reader);
        return reader;
    }
}
