package org.routerlab.api.trace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A trace store plug-in (Chronicle Queue), registered as an OSGi service with the service property
 * {@value org.routerlab.api.nic.NicBackend#NAME_PROPERTY}. Opens sinks to write a run and readers to replay one.
 * Called on the control plane.
 */
@ConsumerType
public interface TraceStore {
    /**
     * Version of the record schema the bundled store writes; a reader refuses traces written with another one.
     * Schema 2 (API 1.2) added ring occupancy and platform deltas to bursts, packet, completion and swap records.
     */
    int SCHEMA_VERSION = 2;

    String name();

    /**
     * Creates (or appends to) the trace in {@code directory} and writes the run header.
     * The returned sink must be used by one thread only, the one that writes the burst records.
     *
     * @param header the run configuration, bundle versions, seed and host as string pairs
     */
    TraceSink openSink(Path directory, TraceLevel level, Map<String, String> header) throws IOException;

    /** Opens an existing trace for reading. */
    TraceReader openReader(Path directory) throws IOException;
}
