package org.routerlab.api.packet;

import java.util.Arrays;

/**
 * A burst of packet descriptors: the unit that crosses every interface on the data path (rx burst, strategy hooks,
 * bulk lookup, tx burst, tx completion), so that an interface is crossed once per burst, not once per packet.
 *
 * <p>A batch holds no packet bytes. Slot {@code i} describes one frame living in the platform's buffer memory:
 * <pre>
 *   buffer(i)   index of the fixed-size buffer that holds the frame (platform buffer id)
 *   offset(i)   byte offset of the first byte of the frame inside the platform memory segment
 *   length(i)   frame length in bytes (without FCS)
 *   dma(i)      DMA handle (bus address) under which the current device sees the buffer, or {@link #NO_DMA}
 *   port(i)     ingress port index
 *   nextHop(i)  next-hop id chosen by the lookup, or a negative value before lookup
 *   stamp(i)    modeled arrival time in nanoseconds (0 where the backend has no modeled clock)
 * </pre>
 *
 * <p><b>Ownership and threading.</b> A batch is owned by exactly one thread (the forwarding thread) and is reused
 * for every burst: it is allocated once at start-up and never resized. Whoever holds a batch slot owns the buffer
 * it names and must account for it: transmit it, drop it through the strategy, or keep it.
 */
public final class PacketBatch {
    /** The {@link #dma(int)} of a slot whose buffer is not mapped for the device at hand. */
    public static final long NO_DMA = -1L;
    /** Default burst size: ixgbevf's NAPI weight is 64 (notes/costs.md A1); DPDK l3fwd uses 32. */
    public static final int DEFAULT_CAPACITY = 64;

    private final int capacity;
    private final int[] buffer;
    private final long[] offset;
    private final int[] length;
    private final long[] dma;
    private final int[] port;
    private final int[] nextHop;
    private final long[] stamp;
    private int size;

    public PacketBatch(final int capacity) {
        if (capacity <= 0 || capacity > 4096) {
            throw new IllegalArgumentException("capacity=" + capacity + " must be in 1..4096");
        }
        this.capacity = capacity;
        this.buffer = new int[capacity];
        this.offset = new long[capacity];
        this.length = new int[capacity];
        this.dma = new long[capacity];
        this.port = new int[capacity];
        this.nextHop = new int[capacity];
        this.stamp = new long[capacity];
    }

    public int capacity() { return capacity; }
    public int size() { return size; }
    public boolean isEmpty() { return size == 0; }
    public boolean isFull() { return size == capacity; }
    public int remaining() { return capacity - size; }
    public void clear() { size = 0; }

    /** Sets the size after slots [0, size) have been filled with the setters. */
    public void size(final int size) {
        if (size < 0 || size > capacity) {
            throw new IllegalArgumentException("size=" + size + " capacity=" + capacity);
        }
        this.size = size;
    }

    /**
     * Appends one slot and returns its index, or -1 when the batch is full.
     * The caller fills the remaining fields with the setters.
     */
    public int add(final int buffer, final long offset, final int length, final long dma, final int port) {
        final int i = size;
        if (i == capacity) {
            return -1;
        }
        this.buffer[i] = buffer;
        this.offset[i] = offset;
        this.length[i] = length;
        this.dma[i] = dma;
        this.port[i] = port;
        this.nextHop[i] = -1;
        this.stamp[i] = 0L;
        size = i + 1;
        return i;
    }

    /** Copies slot {@code from} of {@code source} to the end of this batch; returns the new index or -1 when full. */
    public int addFrom(final PacketBatch source, final int from) {
        final int i = size;
        if (i == capacity) {
            return -1;
        }
        buffer[i] = source.buffer[from];
        offset[i] = source.offset[from];
        length[i] = source.length[from];
        dma[i] = source.dma[from];
        port[i] = source.port[from];
        nextHop[i] = source.nextHop[from];
        stamp[i] = source.stamp[from];
        size = i + 1;
        return i;
    }

    /** Moves slot {@code from} to slot {@code to} (for in-place compaction). */
    public void move(final int from, final int to) {
        buffer[to] = buffer[from];
        offset[to] = offset[from];
        length[to] = length[from];
        dma[to] = dma[from];
        port[to] = port[from];
        nextHop[to] = nextHop[from];
        stamp[to] = stamp[from];
    }

    /** Removes the first {@code n} slots, shifting the rest to the front (after a partial tx burst). */
    public void removeFirst(final int n) {
        if (n <= 0) {
            return;
        }
        final int rest = size - n;
        for (int i = 0; i < rest; i++) {
            move(n + i, i);
        }
        size = Math.max(rest, 0);
    }

    public int buffer(final int i) { return buffer[i]; }
    public long offset(final int i) { return offset[i]; }
    public int length(final int i) { return length[i]; }
    public long dma(final int i) { return dma[i]; }
    public int port(final int i) { return port[i]; }
    public int nextHop(final int i) { return nextHop[i]; }
    public long stamp(final int i) { return stamp[i]; }

    public void buffer(final int i, final int value) { buffer[i] = value; }
    public void offset(final int i, final long value) { offset[i] = value; }
    public void length(final int i, final int value) { length[i] = value; }
    public void dma(final int i, final long value) { dma[i] = value; }
    public void port(final int i, final int value) { port[i] = value; }
    public void nextHop(final int i, final int value) { nextHop[i] = value; }
    public void stamp(final int i, final long value) { stamp[i] = value; }

    @Override
    public String toString() {
        return "PacketBatch[size=" + size + ", capacity=" + capacity + ", buffers="
                + Arrays.toString(Arrays.copyOf(buffer, size)) + "]";
    }
}
