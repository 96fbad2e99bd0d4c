package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One AF_XDP socket bound to one queue of one interface, with its four rings mapped: it either registers its own
 * UMEM ({@code XDP_UMEM_REG}) or shares another socket's ({@code XDP_SHARED_UMEM}: its own fill and completion
 * rings, the owner's frames). Closing it unmaps the rings and closes the fd; the kernel frees the UMEM with the
 * last socket that uses it.
 */
final class XskSocket implements AutoCloseable {
    static final int XDP_MMAP_OFFSETS = 1;
    static final int XDP_RX_RING = 2;
    static final int XDP_TX_RING = 3;
    static final int XDP_UMEM_REG = 4;
    static final int XDP_UMEM_FILL_RING = 5;
    static final int XDP_UMEM_COMPLETION_RING = 6;
    static final int XDP_STATISTICS = 7;
    static final int XDP_MAX_TX_SKB_BUDGET = 9;
    static final int XDP_SHARED_UMEM = 1;
    static final int XDP_COPY = 2;
    static final int XDP_ZEROCOPY = 4;
    static final int XDP_USE_NEED_WAKEUP = 8;
    static final long PGOFF_RX = 0L;
    static final long PGOFF_TX = 0x80000000L;
    static final long PGOFF_FILL = 0x100000000L;
    static final long PGOFF_COMPLETION = 0x180000000L;

    /** Zero-copy preference. */
    enum CopyMode { AUTO, ZEROCOPY, COPY }

    /** What to bind. {@code sharedWith} is the fd of the socket owning the UMEM, or -1 to register {@code umem}. */
    record Settings(String interfaceName, int ifindex, int queue, MemorySegment umem, int frameSize, int sharedWith,
            int fillSize, int completionSize, int rxSize, int txSize, CopyMode copyMode, int txBudget) {
    }

    final int fd;
    final XskRing fill;
    final XskRing completion;
    final XskRing rx;
    final XskRing tx;
    /** True when bound in zero-copy mode. */
    final boolean zeroCopy;
    /** How the bind went, for the log. */
    final String bindNote;

    private XskSocket(final int fd, final XskRing fill, final XskRing completion, final XskRing rx, final XskRing tx,
            final boolean zeroCopy, final String bindNote) {
        this.fd = fd;
        this.fill = fill;
        this.completion = completion;
        this.rx = rx;
        this.tx = tx;
        this.zeroCopy = zeroCopy;
        this.bindNote = bindNote;
    }

    static XskSocket open(final Settings s) throws NativeException {
        final int fd = Native.socket(Native.AF_XDP, Native.SOCK_RAW | Native.SOCK_CLOEXEC, 0, "socket(AF_XDP)");
        final MemorySegment[] maps = new MemorySegment[4];
        try (Arena arena = Arena.ofConfined()) {
            if (s.sharedWith() < 0) {
                final MemorySegment reg = arena.allocate(32, 8);
                reg.set(JAVA_LONG, 0, s.umem().address());
                reg.set(JAVA_LONG, 8, s.umem().byteSize());
                reg.set(JAVA_INT, 16, s.frameSize());
                reg.set(JAVA_INT, 20, 0);
                Native.setsockopt(fd, Native.SOL_XDP, XDP_UMEM_REG, reg, "setsockopt(XDP_UMEM_REG, "
                        + s.umem().byteSize() / (1 << 20) + " MiB on " + s.interfaceName() + ")");
            }
            final MemorySegment size = arena.allocate(JAVA_INT);
            setSize(fd, size, XDP_UMEM_FILL_RING, s.fillSize(), "XDP_UMEM_FILL_RING");
            setSize(fd, size, XDP_UMEM_COMPLETION_RING, s.completionSize(), "XDP_UMEM_COMPLETION_RING");
            setSize(fd, size, XDP_RX_RING, s.rxSize(), "XDP_RX_RING");
            setSize(fd, size, XDP_TX_RING, s.txSize(), "XDP_TX_RING");

            final MemorySegment off = arena.allocate(128, 8);
            final int len = Native.getsockopt(fd, Native.SOL_XDP, XDP_MMAP_OFFSETS, off, Native.state(),
                    "getsockopt(XDP_MMAP_OFFSETS)");
            if (len != 128) {
                throw new NativeException("getsockopt(XDP_MMAP_OFFSETS) returned " + len + " bytes, expected 128 "
                        + "(kernel too old)", Native.EINVAL);
            }
            final XskRing rx = ring(fd, off, 0, s.rxSize(), true, PGOFF_RX, maps, 0, "rx");
            final XskRing tx = ring(fd, off, 32, s.txSize(), true, PGOFF_TX, maps, 1, "tx");
            final XskRing fill = ring(fd, off, 64, s.fillSize(), false, PGOFF_FILL, maps, 2, "fill");
            final XskRing completion = ring(fd, off, 96, s.completionSize(), false, PGOFF_COMPLETION, maps, 3,
                    "completion");

            final MemorySegment sa = arena.allocate(16, 8);
            sa.set(JAVA_SHORT, 0, (short) Native.AF_XDP);
            sa.set(JAVA_INT, 4, s.ifindex());
            sa.set(JAVA_INT, 8, s.queue());
            boolean zc = false;
            String note;
            if (s.sharedWith() >= 0) {
                // Exactly XDP_SHARED_UMEM: the copy mode and need-wakeup are inherited from the UMEM's owner.
                sa.set(JAVA_SHORT, 2, (short) XDP_SHARED_UMEM);
                sa.set(JAVA_INT, 12, s.sharedWith());
                Native.bind(fd, sa, "bind(AF_XDP, " + s.interfaceName() + " queue " + s.queue() + ", shared UMEM)");
                note = "shared UMEM";
            } else if (s.copyMode() == CopyMode.COPY) {
                sa.set(JAVA_SHORT, 2, (short) (XDP_COPY | XDP_USE_NEED_WAKEUP));
                Native.bind(fd, sa, "bind(AF_XDP, " + s.interfaceName() + " queue " + s.queue() + ", copy)");
                note = "copy mode (nic.zerocopy=off)";
            } else {
                sa.set(JAVA_SHORT, 2, (short) (XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP));
                try {
                    Native.bind(fd, sa, "bind(AF_XDP, " + s.interfaceName() + " queue " + s.queue()
                            + ", zero-copy)");
                    zc = true;
                    note = "zero-copy";
                } catch (NativeException e) {
                    if (s.copyMode() == CopyMode.ZEROCOPY || e.isPermission()) {
                        throw e;
                    }
                    sa.set(JAVA_SHORT, 2, (short) (XDP_COPY | XDP_USE_NEED_WAKEUP));
                    Native.bind(fd, sa, "bind(AF_XDP, " + s.interfaceName() + " queue " + s.queue() + ", copy)");
                    note = "copy mode (zero-copy refused: " + NativeException.describe(e.errno()) + ")";
                }
            }
            if (s.txBudget() > 0) {
                size.set(JAVA_INT, 0, s.txBudget());
                try {
                    Native.setsockopt(fd, Native.SOL_XDP, XDP_MAX_TX_SKB_BUDGET, size, "XDP_MAX_TX_SKB_BUDGET");
                } catch (NativeException e) {
                    // Linux < 6.17: copy-mode kicks send 32 frames each; the port kicks again when it must.
                }
            }
            return new XskSocket(fd, fill, completion, rx, tx, zc, note);
        } catch (NativeException | RuntimeException e) {
            for (final MemorySegment m : maps) {
                if (m != null) {
                    Native.munmap(m);
                }
            }
            Native.close(fd);
            throw e;
        }
    }

    private static void setSize(final int fd, final MemorySegment size, final int option, final int value,
            final String name) throws NativeException {
        size.set(JAVA_INT, 0, value);
        Native.setsockopt(fd, Native.SOL_XDP, option, size, "setsockopt(" + name + ", " + value + ")");
    }

    private static XskRing ring(final int fd, final MemorySegment off, final long at, final int n,
            final boolean descriptors, final long pgoff, final MemorySegment[] maps, final int slot, final String name)
            throws NativeException {
        final long producer = off.get(JAVA_LONG, at);
        final long consumer = off.get(JAVA_LONG, at + 8);
        final long desc = off.get(JAVA_LONG, at + 16);
        final long flags = off.get(JAVA_LONG, at + 24);
        final long length = desc + (long) n * (descriptors ? 16 : 8);
        final MemorySegment m = Native.mmap(length, Native.MAP_SHARED | Native.MAP_POPULATE, fd, pgoff,
                "mmap(" + name + " ring)");
        maps[slot] = m;
        return new XskRing(m, producer, consumer, flags, desc, n, descriptors);
    }

    /**
     * Preferred busy polling on this socket: {@code SO_BUSY_POLL} (µs; non-zero enables busy polling in
     * {@code recvfrom}/{@code sendto}), {@code SO_PREFER_BUSY_POLL} (the kernel leaves the queue's NAPI to the
     * busy-polling thread while the device's {@code napi_defer_hard_irqs}/{@code gro_flush_timeout} defer it) and
     * {@code SO_BUSY_POLL_BUDGET} (frames per NAPI poll). CAP_NET_ADMIN; Linux 5.11+.
     */
    void preferBusyPoll(final int usec, final int budget) throws NativeException {
        Native.setIntOption(fd, Native.SOL_SOCKET, Native.SO_BUSY_POLL, Math.max(1, usec),
                "setsockopt(SO_BUSY_POLL, " + Math.max(1, usec) + ")");
        Native.setIntOption(fd, Native.SOL_SOCKET, Native.SO_PREFER_BUSY_POLL, 1, "setsockopt(SO_PREFER_BUSY_POLL)");
        Native.setIntOption(fd, Native.SOL_SOCKET, Native.SO_BUSY_POLL_BUDGET, budget,
                "setsockopt(SO_BUSY_POLL_BUDGET, " + budget + ")");
    }

    /** {@code getsockopt(SOL_SOCKET, option)} (the busy-poll options read back, for logs and tests). */
    int socketOption(final int option, final MemorySegment state) throws NativeException {
        return Native.intOption(fd, Native.SOL_SOCKET, option, state, "getsockopt(SOL_SOCKET, " + option + ")");
    }

    /**
     * The NAPI id the socket learned from the first frame it received ({@code SO_INCOMING_NAPI_ID}), or 0: none yet,
     * or none at all (generic XDP runs on the device's rx queue, which has no NAPI id), or the call failed.
     */
    int napiId(final MemorySegment state) {
        try {
            return socketOption(Native.SO_INCOMING_NAPI_ID, state);
        } catch (NativeException e) {
            return 0;
        }
    }

    /**
     * Reads {@code struct xdp_statistics} into {@code out}: rx_dropped, rx_invalid_descs, tx_invalid_descs,
     * rx_ring_full, rx_fill_ring_empty_descs, tx_ring_empty_descs. Returns false if the call failed.
     */
    boolean statistics(final MemorySegment scratch48, final MemorySegment state, final long[] out) {
        try {
            Native.getsockopt(fd, Native.SOL_XDP, XDP_STATISTICS, scratch48, state, "XDP_STATISTICS");
        } catch (NativeException e) {
            return false;
        }
        for (int i = 0; i < 6; i++) {
            out[i] = scratch48.get(JAVA_LONG, i * 8L);
        }
        return true;
    }

    @Override
    public void close() {
        Native.munmap(rx.memory());
        Native.munmap(tx.memory());
        Native.munmap(fill.memory());
        Native.munmap(completion.memory());
        Native.close(fd);
    }
}
