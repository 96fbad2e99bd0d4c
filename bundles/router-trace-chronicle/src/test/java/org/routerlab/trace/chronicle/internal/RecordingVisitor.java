package org.routerlab.trace.chronicle.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.routerlab.api.trace.TraceVisitor;

/** Records every callback as a value object, in order. */
final class RecordingVisitor implements TraceVisitor {
    record Header(Map<String, String> header) {
    }

    record Burst(long wallNanos, long modeledNanos, int port, int received, int transmitted, int dropped) {
    }

    record Counters(long wallNanos, long modeledNanos, List<Long> values) {
        Counters(final long wallNanos, final long modeledNanos, final long[] values) {
            this(wallNanos, modeledNanos, Arrays.stream(values).boxed().toList());
        }
    }

    record End(Map<String, String> summary) {
    }

    final List<Object> records = new ArrayList<>();

    @Override
    public void header(final Map<String, String> header) {
        records.add(new Header(header));
    }

    @Override
    public void burst(final long wallNanos, final long modeledNanos, final int port, final int received,
            final int transmitted, final int dropped) {
        records.add(new Burst(wallNanos, modeledNanos, port, received, transmitted, dropped));
    }

    @Override
    public void counters(final long wallNanos, final long modeledNanos, final long[] values) {
        records.add(new Counters(wallNanos, modeledNanos, values));
    }

    @Override
    public void end(final Map<String, String> summary) {
        records.add(new End(summary));
    }

    long count(final Class<?> type) {
        return records.stream().filter(type::isInstance).count();
    }
}
