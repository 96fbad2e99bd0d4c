package org.routerlab.trace.chronicle.internal;

import java.util.Map;
import org.routerlab.api.trace.TraceLevel;
import org.routerlab.api.trace.TraceSink;

/** The sink for {@link TraceLevel#OFF}: touches no file, ignores every record and counts nothing. */
enum OffTraceSink implements TraceSink {
    INSTANCE;

    @Override
    public TraceLevel level() {
        return TraceLevel.OFF;
    }

    @Override
    public void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped) {
    }

    @Override
    public void counters(final long wallNanos, final long modeledNanos, final long[] values) {
    }

    @Override
    public void end(final Map<String, String> summary) {
    }

    @Override
    public long writtenRecords() {
        return 0;
    }

    @Override
    public long droppedRecords() {
        return 0;
    }

    @Override
    public void close() {
    }
}
