package org.routerlab.core.internal;

import java.util.concurrent.CompletableFuture;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.engine.SwapRecord;
import org.routerlab.api.trace.TraceSink;

/**
 * A swap handed from the control plane to the forwarding thread, which performs it at a burst boundary and completes
 * {@link #result()} with the record (also written to the trace, whose appender belongs to that thread). A DMA swap
 * runs in steps between bursts (prepare the new strategy, hand over, retire the old one) and completes once the old
 * strategy is detached; its pause is the longest step, its work their sum.
 */
final class SwapRequest {
    enum Kind {
        /** Replace the DMA strategy by {@link #strategy()} (attached by the forwarding thread). */
        DMA,
        /** Commit the prepared platform change {@link #change()}, then attach {@link #strategy()}. */
        PLATFORM,
        /** Nothing to do on the data path (a routing swap published off it): just trace the record. */
        RECORD
    }

    /**
     * Resolved when this class is initialized (on the control plane, with the first request), not by the forwarding
     * thread when it completes the first swap: loading a class through the framework takes hundreds of microseconds.
     */
    private static final Class<?> RECORD = SwapRecord.class;

    private final Kind kind;
    private final String what;
    private final String from;
    private final String to;
    private final String trigger;
    private final DmaStrategy strategy;
    private final TraceSink trace;
    private final SwapRecord record;
    private org.routerlab.api.nic.NicSession.PlatformChange change;
    private java.util.function.Supplier<DmaStrategy> fresh;
    private final CompletableFuture<SwapRecord> result = new CompletableFuture<>();
    private Runnable onActive = () -> { };
    private long pauseNanos;
    private long workNanos;
    private long pauseCpuNanos;
    private long wallNanos = -1;
    private long modeledNanos;
    private long packetsLost = -1;
    private boolean awaitingRetirement;
    private boolean finished;

    private SwapRequest(final Kind kind, final String what, final String from, final String to, final String trigger,
            final DmaStrategy strategy, final TraceSink trace, final SwapRecord record) {
        this.kind = kind;
        this.what = what;
        this.from = from;
        this.to = to;
        this.trigger = trigger;
        this.strategy = strategy;
        this.trace = trace;
        this.record = record;
    }

    static SwapRequest dma(final String from, final String to, final String trigger, final DmaStrategy next,
            final TraceSink trace) {
        return new SwapRequest(Kind.DMA, "dma", from, to, trigger, next, trace, null);
    }

    /**
     * @param fresh makes another instance of the strategy, should the change fail after {@code next} was prepared on
     *        the platform it would have switched to
     */
    static SwapRequest platform(final String key, final String from, final String to, final String trigger,
            final DmaStrategy next, final java.util.function.Supplier<DmaStrategy> fresh,
            final org.routerlab.api.nic.NicSession.PlatformChange change, final TraceSink trace) {
        final SwapRequest r = new SwapRequest(Kind.PLATFORM, key, from, to, trigger, next, trace, null);
        r.change = change;
        r.fresh = fresh;
        return r;
    }

    /** Another instance of a {@link Kind#PLATFORM} request's strategy, for the platform in use. */
    DmaStrategy freshStrategy() {
        return fresh.get();
    }

    /** The prepared platform change of a {@link Kind#PLATFORM} request. */
    org.routerlab.api.nic.NicSession.PlatformChange change() { return change; }

    static SwapRequest record(final SwapRecord record, final TraceSink trace) {
        return new SwapRequest(Kind.RECORD, record.what(), record.from(), record.to(), record.trigger(), null, trace,
                record);
    }

    /** Runs {@code action} on the forwarding thread the moment the new strategy becomes active. */
    SwapRequest onActive(final Runnable action) {
        this.onActive = action;
        return this;
    }

    /** The new strategy is active now (forwarding thread): the record's time is this moment. */
    void activated(final ForwardingLoop loop) {
        wallNanos = loop.sinceStartNanos();
        modeledNanos = loop.modeledNanos();
        onActive.run();
    }

    Kind kind() { return kind; }
    DmaStrategy strategy() { return strategy; }
    CompletableFuture<SwapRecord> result() { return result; }
    boolean finished() { return finished; }

    /**
     * One step of swap work between two bursts took {@code nanos} of wall time (forwarding stalled that long), of
     * which the forwarding thread ran {@code cpuNanos} (the rest the OS gave to other threads).
     */
    void step(final long nanos, final long cpuNanos) {
        if (nanos >= pauseNanos) {
            pauseNanos = nanos;
            pauseCpuNanos = cpuNanos;
        }
        workNanos += nanos;
    }

    /** The strategy this swap replaced still has buffers to get back and release: finish once it is detached. */
    void awaitRetirement() {
        awaitingRetirement = true;
    }

    /** The replaced strategy was detached; finishes the record if the loss is known. */
    void retired(final ForwardingLoop loop) {
        awaitingRetirement = false;
        if (packetsLost >= 0) {
            finish(loop, packetsLost, true, "");
        }
    }

    /** The loss is known (a cycle after the handover); finishes unless the replaced strategy is still retiring. */
    void succeed(final ForwardingLoop loop, final long lost) {
        packetsLost = lost;
        if (!awaitingRetirement) {
            finish(loop, lost, true, "");
        }
    }

    /** The run ends: complete with what is known. */
    void finishNow(final ForwardingLoop loop) {
        if (!finished) {
            finish(loop, Math.max(0, packetsLost), true, awaitingRetirement
                    ? "the run ended while the replaced strategy was still retiring" : "");
        }
    }

    void refuse(final ForwardingLoop loop, final String why) {
        finish(loop, 0, false, why);
    }

    void fail(final ForwardingLoop loop, final Throwable cause) {
        finish(loop, 0, false, to + " failed to start: " + cause);
    }

    /** For {@link Kind#RECORD}: write the record that was built on the control plane. */
    void traceRecord() {
        trace.swap(record.wallNanos(), record.modeledNanos(), record.what(), record.from(), record.to(),
                record.pauseNanos(), record.packetsLost(), record.ok() ? "ok" : "failed: " + record.message());
        result.complete(record);
    }

    private void finish(final ForwardingLoop loop, final long lost, final boolean ok, final String message) {
        if (finished) {
            return;
        }
        finished = true;
        if (wallNanos < 0) {
            wallNanos = loop.sinceStartNanos();
            modeledNanos = loop.modeledNanos();
        }
        final SwapRecord r = new SwapRecord(wallNanos, modeledNanos, what, from, to, trigger, pauseNanos, lost, ok,
                message, workNanos, pauseCpuNanos);
        try {
            trace.swap(r.wallNanos(), r.modeledNanos(), what, from, to, pauseNanos, lost,
                    ok ? "ok" : "failed: " + message);
        } finally {
            result.complete(r);
        }
    }
}
