package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * One AF_XDP ring shared with the kernel (single producer, single consumer), in the memory {@code mmap}ed from the
 * socket. The user side is either the producer (fill, tx) or the consumer (rx, completion).
 * <pre>
 *   producer (u32, written by the producer side, store-release)   (u) for fill/tx, (k) for rx/completion
 *   consumer (u32, written by the consumer side, store-release)   (k) for fill/tx, (u) for rx/completion
 *   flags    (u32, XDP_RING_NEED_WAKEUP, written by the kernel)
 *   desc[n]  fill/completion: u64 addr · rx/tx: struct xdp_desc { u64 addr; u32 len; u32 options }
 * </pre>
 * Indices are free-running u32; Java {@code int} wrap-around gives {@code prod - cons} exactly. The other side's
 * index is read with load-acquire only when the cached copy says the ring is full (producer) or empty (consumer),
 * as libxdp does. Single-threaded: the thread that owns the port.
 */
final class XskRing {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment memory;
    private final long producerAt;
    private final long consumerAt;
    private final long flagsAt;
    private final long descAt;
    private final int stride;
    final int size;
    private final int mask;
    private int cachedProducer;
    private int cachedConsumer;

    XskRing(final MemorySegment memory, final long producer, final long consumer, final long flags,
            final long desc, final int size, final boolean descriptors) {
        this.memory = memory;
        this.producerAt = producer;
        this.consumerAt = consumer;
        this.flagsAt = flags;
        this.descAt = desc;
        this.size = size;
        this.mask = size - 1;
        this.stride = descriptors ? 16 : 8;
        this.cachedProducer = (int) INT.getAcquire(memory, producer);
        this.cachedConsumer = (int) INT.getAcquire(memory, consumer);
    }

    MemorySegment memory() {
        return memory;
    }

    // ---- producer side (fill, tx)

    /** Free slots, refreshing the consumer index (load-acquire) only when fewer than {@code wanted} look free. */
    int free(final int wanted) {
        int free = size - (cachedProducer - cachedConsumer);
        if (free < wanted) {
            cachedConsumer = (int) INT.getAcquire(memory, consumerAt);
            free = size - (cachedProducer - cachedConsumer);
        }
        return free;
    }

    /** The producer index of the next slot to write (the cached, not yet published one plus {@code k}). */
    int producer() {
        return cachedProducer;
    }

    void putAddress(final int index, final long address) {
        memory.set(JAVA_LONG, descAt + (long) (index & mask) * 8, address);
    }

    void putDescriptor(final int index, final long address, final int length) {
        final long at = descAt + (long) (index & mask) * 16;
        memory.set(JAVA_LONG, at, address);
        memory.set(JAVA_INT, at + 8, length);
        memory.set(JAVA_INT, at + 12, 0);
    }

    /** Publishes {@code n} written slots (store-release of the producer index). */
    void submit(final int n) {
        cachedProducer += n;
        INT.setRelease(memory, producerAt, cachedProducer);
    }

    /**
     * Moves the producer's write position back to {@code index} without publishing (reclaim: the slots from there on
     * are rewritten before the producer index is published again).
     */
    void rewind(final int index) {
        cachedProducer = index;
    }

    /** Publishes the current write position (store-release of the producer index). */
    void publish() {
        INT.setRelease(memory, producerAt, cachedProducer);
    }

    /** The producer index the kernel last saw from us. */
    int publishedProducer() {
        return (int) INT.getAcquire(memory, producerAt);
    }

    /** The consumer index as the kernel last published it (load-acquire). */
    int consumerNow() {
        return (int) INT.getAcquire(memory, consumerAt);
    }

    // ---- consumer side (rx, completion)

    /** Entries ready to read, at most {@code max}; refreshes the producer index (load-acquire) when none are cached. */
    int available(final int max) {
        int n = cachedProducer - cachedConsumer;
        if (n == 0) {
            cachedProducer = (int) INT.getAcquire(memory, producerAt);
            n = cachedProducer - cachedConsumer;
        }
        return Math.min(n, max);
    }

    /** Every entry ready to read now (always refreshes the producer index with a load-acquire). */
    int availableNow() {
        cachedProducer = (int) INT.getAcquire(memory, producerAt);
        return cachedProducer - cachedConsumer;
    }

    int consumer() {
        return cachedConsumer;
    }

    long address(final int index) {
        return memory.get(JAVA_LONG, descAt + (long) (index & mask) * stride);
    }

    int length(final int index) {
        return memory.get(JAVA_INT, descAt + (long) (index & mask) * 16 + 8);
    }

    /** Gives {@code n} read entries back to the kernel (store-release of the consumer index). */
    void release(final int n) {
        cachedConsumer += n;
        INT.setRelease(memory, consumerAt, cachedConsumer);
    }

    /** Whether the kernel asks for a wakeup syscall ({@code XDP_RING_NEED_WAKEUP}). */
    boolean needsWakeup() {
        return ((int) INT.getVolatile(memory, flagsAt) & 1) != 0;
    }
}
