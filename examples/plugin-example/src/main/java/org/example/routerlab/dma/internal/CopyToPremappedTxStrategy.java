package org.example.routerlab.dma.internal;

import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.RxReclaim;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/**
 * Copy into premapped transmit buffers: every buffer is mapped once, at attach, and never again. Each port gets a
 * receive pool mapped {@code FROM_DEVICE} for its own device and a transmit pool mapped {@code TO_DEVICE} for its
 * own device. A received frame is copied (CPU copy, {@link DmaPlatform#copy}) into a buffer of the egress port's
 * transmit pool, which takes its place in the batch slot; the receive buffer goes straight back to its pool and can
 * be posted again in the next refill. Per packet: no map, no unmap, no grant — one copy and the two syncs any
 * long-lived mapping needs (free on a coherent platform, a bounce copy where the platform bounces).
 *
 * <p>This is the trade-off Linux drivers make with {@code rx_copybreak} and Xen's netback with grant copies: pay a
 * copy of the frame to avoid per-packet mapping work. Compared with {@code premapped-reuse} (the 2012 paper's
 * transmit-in-place by granting the egress device), it never changes a device's permissions on the data path, so
 * under an IOMMU it makes no IOTLB invalidation per packet; it pays {@code copy_bytes} instead. Whether that wins
 * depends on frame size and profile — which is what {@code router bench} can tell.
 *
 * <pre>
 *   per buffer b:  role (RX or TX) · owner port · premapped handle
 *   per port p:    rxFree[p] (stack of receive buffers not posted) · txFree[p] (stack of transmit buffers idle)
 *   a receive buffer is in rxFree, posted on p's rx ring, or in the engine between onReceive and
 *   prepareTransmit/release; a transmit buffer is in txFree, in the engine between prepareTransmit and txBurst,
 *   or on p's tx ring until onTransmitted.
 * </pre>
 * Single-threaded (the forwarding thread), allocation-free after {@link #attach}.
 */
final class CopyToPremappedTxStrategy implements DmaStrategy {
    /**
     * Created with the strategy (on the control thread): a lambda first evaluated in detach would bootstrap its call
     * site on the forwarding thread, milliseconds at the end of a hot swap.
     */
    private final RxReclaim.Sink pushReclaimed = (buffer, dma) -> pushRx(buffer);
    private static final byte RX = 1;
    private static final byte TX = 2;

    private final String name;
    private final int rxPoolSetting;
    private final int txPoolSetting;

    private DmaPlatform platform;
    private NicPort[] ports;
    private int bufferSize;
    private byte[] role;
    private int[] owner;
    private long[] handle;
    private int[][] rxFree;
    private int[] rxTop;
    private int[][] txFree;
    private int[] txTop;
    /** For taking back rx descriptors at detach, a burst at a time (no ring-sized batch per instance). */
    private final PacketBatch scratch = RxReclaim.newBatch();
    private long allocated;

    /**
     * @param rxPool receive buffers per port, or 0 for the port's rx ring size
     *        + {@value CopyToPremappedTxFactory#SLACK}
     * @param txPool transmit buffers per port, or 0 for the port's tx ring capacity
     *        + {@value CopyToPremappedTxFactory#SLACK}
     */
    CopyToPremappedTxStrategy(final String name, final int rxPool, final int txPool) {
        this.name = name;
        this.rxPoolSetting = rxPool;
        this.txPoolSetting = txPool;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void attach(final DmaContext context) {
        platform = context.platform();
        ports = context.ports().toArray(new NicPort[0]);
        bufferSize = platform.bufferSize();
        final int buffers = platform.bufferCount();
        role = new byte[buffers];
        owner = new int[buffers];
        handle = new long[buffers];
        rxFree = new int[ports.length][];
        rxTop = new int[ports.length];
        txFree = new int[ports.length][];
        txTop = new int[ports.length];
        long needed = 0;
        for (int p = 0; p < ports.length; p++) {
            rxFree[p] = new int[rxPoolSize(ports[p])];
            txFree[p] = new int[txPoolSize(ports[p])];
            needed += rxFree[p].length + txFree[p].length;
        }
        if (needed > platform.freeBuffers()) {
            throw new IllegalArgumentException("dma.rx.pool=" + rxPoolSetting + " dma.tx.pool=" + txPoolSetting
                    + " (0 = ring size + " + CopyToPremappedTxFactory.SLACK + ") need " + needed + " buffers for "
                    + ports.length + " ports, the platform has " + platform.freeBuffers()
                    + " free (raise nic.buffers or lower the pools)");
        }
        for (int p = 0; p < ports.length; p++) {
            final int device = ports[p].info().device();
            rxTop[p] = premap(p, device, rxFree[p], RX, DmaDirection.FROM_DEVICE);
            txTop[p] = premap(p, device, txFree[p], TX, DmaDirection.TO_DEVICE);
        }
    }

    private int rxPoolSize(final NicPort port) {
        return rxPoolSetting > 0 ? rxPoolSetting : port.rxRingSize() + CopyToPremappedTxFactory.SLACK;
    }

    private int txPoolSize(final NicPort port) {
        return txPoolSetting > 0 ? txPoolSetting
                : port.txFreeSlots() + port.txInFlight() + CopyToPremappedTxFactory.SLACK;
    }

    /**
     * Allocates and maps every buffer of one pool and returns the pool's size. On failure, releases every pool made
     * so far (nothing is posted yet) and throws, so a failed attach leaves nothing behind.
     */
    private int premap(final int port, final int device, final int[] pool, final byte kind,
            final DmaDirection direction) {
        for (int i = 0; i < pool.length; i++) {
            final int b = platform.allocate(device);
            final long h = b == DmaPlatform.NO_BUFFER ? DmaPlatform.MAP_FAILED
                    : platform.map(device, b, 0, bufferSize, direction);
            if (h == DmaPlatform.MAP_FAILED) {
                if (b != DmaPlatform.NO_BUFFER) {
                    platform.free(b);
                }
                if (kind == RX) {
                    rxTop[port] = i;
                } else {
                    txTop[port] = i;
                }
                releasePools();
                throw new IllegalStateException("premapping the " + (kind == RX ? "receive" : "transmit")
                        + " pool of port " + ports[port].info().name() + " failed at buffer " + i + " of "
                        + pool.length + " (" + (b == DmaPlatform.NO_BUFFER ? "no free buffer" : "mapping refused")
                        + ")");
            }
            allocated++;
            role[b] = kind;
            owner[b] = port;
            handle[b] = h;
            pool[i] = b;
        }
        return pool.length;
    }

    @Override
    public int refill(final NicPort port) {
        final int p = port.info().index();
        final int[] pool = rxFree[p];
        int top = rxTop[p];
        final int free = port.rxFreeSlots();
        int posted = 0;
        while (posted < free && top > 0) {
            final int b = pool[top - 1];
            if (!port.postRx(b, handle[b])) {
                break;
            }
            top--;
            posted++;
        }
        rxTop[p] = top;
        if (posted > 0) {
            port.commitRx();
        }
        return posted;
    }

    @Override
    public void onReceive(final NicPort port, final PacketBatch received) {
        // The receive mapping stays; only make the CPU's view of the frame current. A frame of length 0 is a
        // posted descriptor the engine reclaimed and hands back (a hot swap, the end of a run): nothing to sync.
        final DmaPlatform p = platform;
        final int device = port.info().device();
        final int n = received.size();
        for (int i = 0; i < n; i++) {
            final int length = received.length(i);
            if (length > 0) {
                final int b = received.buffer(i);
                p.sync(device, handle[b] + (received.offset(i) - p.bufferOffset(b)), length, DmaDirection.FROM_DEVICE);
            }
        }
    }

    @Override
    public int prepareTransmit(final NicPort egress, final PacketBatch batch) {
        final DmaPlatform p = platform;
        final int e = egress.info().index();
        final int device = egress.info().device();
        final int[] pool = txFree[e];
        int top = txTop[e];
        final int n = batch.size();
        int ready = 0;
        for (int i = 0; i < n; i++) {
            if (top == 0) {
                batch.dma(i, PacketBatch.NO_DMA); // every transmit buffer of this port is in use: drop
                continue;
            }
            final int rx = batch.buffer(i);
            final int tx = pool[--top];
            final int length = batch.length(i);
            p.copy(rx, (int) (batch.offset(i) - p.bufferOffset(rx)), tx, 0, length);
            p.sync(device, handle[tx], length, DmaDirection.TO_DEVICE);
            batch.buffer(i, tx);
            batch.offset(i, p.bufferOffset(tx));
            batch.dma(i, handle[tx]);
            pushRx(rx);
            ready++;
        }
        txTop[e] = top;
        return ready;
    }

    @Override
    public void onTransmitted(final NicPort port, final PacketBatch completed) {
        giveBack(completed);
    }

    @Override
    public void release(final PacketBatch dropped) {
        giveBack(dropped);
    }

    @Override
    public void releaseUnsent(final NicPort egress, final PacketBatch unsent) {
        // Receive buffers (no transmit buffer was free for them) and transmit buffers the tx ring refused.
        giveBack(unsent);
    }

    private void giveBack(final PacketBatch batch) {
        final int n = batch.size();
        for (int i = 0; i < n; i++) {
            final int b = batch.buffer(i);
            if (role[b] == TX) {
                txFree[owner[b]][txTop[owner[b]]++] = b;
            } else {
                pushRx(b);
            }
        }
    }

    private void pushRx(final int b) {
        final int p = owner[b];
        rxFree[p][rxTop[p]++] = b;
    }

    @Override
    public void detach() {
        if (rxFree == null) {
            return;
        }
        for (final NicPort port : ports) {
            RxReclaim.drain(port, scratch, pushReclaimed);
        }
        releasePools();
    }

    /** Unmaps and frees every idle buffer of every pool; buffers still in a ring or the engine stay counted. */
    private void releasePools() {
        final DmaPlatform p = platform;
        for (int port = 0; port < ports.length; port++) {
            final int device = ports[port].info().device();
            rxTop[port] = release(p, device, rxFree[port], rxTop[port], DmaDirection.FROM_DEVICE);
            txTop[port] = release(p, device, txFree[port], txTop[port], DmaDirection.TO_DEVICE);
        }
    }

    private int release(final DmaPlatform p, final int device, final int[] pool, final int top,
            final DmaDirection direction) {
        for (int i = top - 1; i >= 0; i--) {
            final int b = pool[i];
            p.unmap(device, handle[b], bufferSize, direction);
            p.free(b);
            role[b] = 0;
            allocated--;
        }
        return 0;
    }

    @Override
    public long buffersOutstanding() {
        return allocated;
    }
}
