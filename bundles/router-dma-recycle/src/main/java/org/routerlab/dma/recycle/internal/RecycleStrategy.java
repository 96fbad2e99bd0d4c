package org.routerlab.dma.recycle.internal;

import java.util.List;
import org.routerlab.api.dma.DmaContext;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.RxReclaim;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;

/**
 * A Linux page_pool–style recycler, the industry's answer to per-packet mapping and the strongest baseline for the
 * paper's idea. Each port has a pool: a buffer is allocated and mapped ({@code BIDIRECTIONAL}, for XDP_TX) once,
 * and after use goes back into the pool's recycle ring still mapped; only when the ring is full is a returning
 * buffer unmapped and freed (the pool shrinks). Per packet it costs one {@code dma_sync_single_for_cpu} at receive
 * and one {@code dma_sync_single_range_for_device} when a recycled buffer is posted again (free on a coherent
 * platform, a copy when the mapping is bounced). Transmitting on the receiving device reuses the rx mapping;
 * transmitting on another device maps the frame for it per packet ({@code ndo_xdp_xmit} does
 * {@code dma_map_single}) and unmaps it at completion.
 */
final class RecycleStrategy implements DmaStrategy {
    private final String name;
    private final int poolSize;

    private DmaPlatform platform;
    private NicPort[] ports;
    private int bufferSize;
    private int[] ownerPort;
    private long[] handle;
    /** The transmit mapping of a buffer sent on another device, or NO_DMA. */
    private long[] txHandle;
    private int[] txDevice;
    private int[][] pool;
    private int[] poolTop;
    /** Made with the strategy, off the forwarding thread (which also loads {@code RxReclaim} here, not at detach). */
    private final PacketBatch scratch = RxReclaim.newBatch();
    private long allocated;
    /** Device of the port being drained at detach. */
    private int drainDevice;
    /** Linked where the strategy is created, not on the forwarding thread at the end of a hot swap. */
    private final RxReclaim.Sink unmapReclaimed = this::unmapReclaimed;

    RecycleStrategy(final String name, final int poolSize) {
        this.name = name;
        this.poolSize = poolSize;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void attach(final DmaContext context) {
        platform = context.platform();
        final List<NicPort> list = context.ports();
        ports = list.toArray(new NicPort[0]);
        bufferSize = platform.bufferSize();
        final int buffers = platform.bufferCount();
        ownerPort = new int[buffers];
        handle = new long[buffers];
        txHandle = new long[buffers];
        txDevice = new int[buffers];
        java.util.Arrays.fill(txHandle, PacketBatch.NO_DMA);
        pool = new int[ports.length][poolSize];
        poolTop = new int[ports.length];
    }

    @Override
    public int refill(final NicPort port) {
        final DmaPlatform p = platform;
        final int index = port.info().index();
        final int device = port.info().device();
        final int free = port.rxFreeSlots();
        final int[] cache = pool[index];
        int posted = 0;
        for (; posted < free; posted++) {
            int b;
            long h;
            if (poolTop[index] > 0) {
                b = cache[--poolTop[index]];
                h = handle[b];
                p.sync(device, h, bufferSize, DmaDirection.FROM_DEVICE);
            } else {
                b = p.allocate(device);
                if (b == DmaPlatform.NO_BUFFER) {
                    break;
                }
                h = p.map(device, b, 0, bufferSize, DmaDirection.BIDIRECTIONAL);
                if (h == DmaPlatform.MAP_FAILED) {
                    p.free(b);
                    break;
                }
                allocated++;
                ownerPort[b] = index;
                handle[b] = h;
            }
            port.postRx(b, h);
        }
        if (posted > 0) {
            port.commitRx();
        }
        return posted;
    }

    @Override
    public void onReceive(final NicPort port, final PacketBatch received) {
        final DmaPlatform p = platform;
        final int device = port.info().device();
        final int n = received.size();
        for (int i = 0; i < n; i++) {
            p.sync(device, received.dma(i), received.length(i), DmaDirection.FROM_DEVICE);
        }
    }

    @Override
    public int prepareTransmit(final NicPort egress, final PacketBatch batch) {
        final DmaPlatform p = platform;
        final int egressPort = egress.info().index();
        final int device = egress.info().device();
        final int n = batch.size();
        int ready = 0;
        for (int i = 0; i < n; i++) {
            final int b = batch.buffer(i);
            final int offset = (int) (batch.offset(i) - p.bufferOffset(b));
            final long dma;
            if (ownerPort[b] == egressPort) {
                dma = handle[b] + offset;
                p.sync(device, dma, batch.length(i), DmaDirection.TO_DEVICE);
            } else {
                dma = p.map(device, b, offset, batch.length(i), DmaDirection.TO_DEVICE);
                if (dma != DmaPlatform.MAP_FAILED) {
                    txHandle[b] = dma;
                    txDevice[b] = device;
                }
            }
            if (dma == DmaPlatform.MAP_FAILED) {
                batch.dma(i, PacketBatch.NO_DMA);
            } else {
                batch.dma(i, dma);
                ready++;
            }
        }
        return ready;
    }

    @Override
    public void onTransmitted(final NicPort port, final PacketBatch completed) {
        recycleAll(completed);
    }

    @Override
    public void release(final PacketBatch dropped) {
        recycleAll(dropped);
    }

    @Override
    public void releaseUnsent(final NicPort egress, final PacketBatch unsent) {
        recycleAll(unsent);
    }

    private void recycleAll(final PacketBatch batch) {
        final DmaPlatform p = platform;
        final int n = batch.size();
        for (int i = 0; i < n; i++) {
            final int b = batch.buffer(i);
            final long tx = txHandle[b];
            if (tx != PacketBatch.NO_DMA) {
                p.unmap(txDevice[b], tx, batch.length(i), DmaDirection.TO_DEVICE);
                txHandle[b] = PacketBatch.NO_DMA;
            }
            recycle(p, b);
        }
    }

    /** Back into its pool, still mapped; if the pool's ring is full the pool shrinks: unmap and free. */
    private void recycle(final DmaPlatform p, final int b) {
        final int owner = ownerPort[b];
        if (poolTop[owner] < poolSize) {
            pool[owner][poolTop[owner]++] = b;
        } else {
            p.unmap(ports[owner].info().device(), handle[b], bufferSize, DmaDirection.BIDIRECTIONAL);
            p.free(b);
            allocated--;
        }
    }

    /** Unmaps and frees the recycled pool a few buffers at a time (a strategy replaced by a hot swap). */
    @Override
    public boolean retire(final long deadlineNanos) {
        if (pool == null) {
            return true;
        }
        final DmaPlatform p = platform;
        int done = 0;
        for (int port = 0; port < ports.length; port++) {
            final int device = ports[port].info().device();
            while (poolTop[port] > 0) {
                final int b = pool[port][--poolTop[port]];
                p.unmap(device, handle[b], bufferSize, DmaDirection.BIDIRECTIONAL);
                p.free(b);
                allocated--;
                if ((++done & 3) == 0 && System.nanoTime() >= deadlineNanos) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public void detach() {
        if (pool == null) {
            return;
        }
        for (final NicPort port : ports) {
            drainDevice = port.info().device();
            allocated -= RxReclaim.drain(port, scratch, unmapReclaimed);
        }
        retire(Long.MAX_VALUE); // the whole pool, at once
    }

    private void unmapReclaimed(final int buffer, final long dma) {
        platform.unmap(drainDevice, handle[buffer], bufferSize, DmaDirection.BIDIRECTIONAL);
        platform.free(buffer);
    }

    @Override
    public long buffersOutstanding() {
        return allocated;
    }
}
