package org.routerlab.api.trace;

import java.io.IOException;

/** Replays a trace. Not thread-safe. */
public interface TraceReader extends AutoCloseable {
    /**
     * Feeds every complete record, in order, to {@code visitor} and returns the number of records read.
     *
     * @throws IOException when the trace is unreadable or has an unsupported schema version
     */
    long read(TraceVisitor visitor) throws IOException;

    /** Whether the last {@link #read} met a run footer; false means the run was cut short. */
    boolean complete();

    @Override
    void close();
}
