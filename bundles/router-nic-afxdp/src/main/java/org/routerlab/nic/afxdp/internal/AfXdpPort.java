package org.routerlab.nic.afxdp.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.nic.PortCounters;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.PacketBatch;

/**
 * One port: an AF_XDP socket on one queue of one interface, its four rings, and its {@link ControlPlane}.
 * <pre>
 *   rx descriptors  = the fill ring (posted) + the rx ring (filled), FIFO: postRx → fill → kernel → rx → rxBurst
 *   tx descriptors  = the tx ring + frames sent but not completed; completions come back on the completion ring
 *   per UMEM frame  posted buffer/handle (rx) · buffer/offset/length/handle in flight (tx) · own (port's frame)
 * </pre>
 * The rx "ring" the strategy sees has {@link #rxRingSize()} = N slots: at most N buffers are held (posted or
 * received and not yet handed out), and {@link #rxHeld()} counts them exactly. The fill ring itself is 2N deep,
 * because the kernel publishes its consumer index lazily (a frame can come back before its fill slot looks free).
 * The rx ring is N deep, so it can never overflow.
 *
 * <p>Own frames (ARP, ICMP, held packets) share the tx ring and are filtered out of the completions: the strategy
 * never sees them. Single-threaded: the forwarding thread (see {@link NicPort}).
 */
final class AfXdpPort implements NicPort, ControlPlane.Sender {
    private static final boolean DEBUG = Boolean.getBoolean("afxdp.debug");
    private static final long TICK_NANOS = 2_000_000L;
    /** XDP_STATISTICS (and, with -Dafxdp.debug=true, the ring line on stderr) every this many ns. */
    private static final long STATS_NANOS = Long.getLong("afxdp.stats.nanos", 100_000_000L);
    private static final int FRAME_MASK = AfXdpPlatform.FRAME_SIZE - 1;
    /**
     * Empty receive bursts between two readings of the clock: the clock (ARP expiry, ICMP rate, the tick) is read
     * on every burst that brings frames and on every 64th empty one, not on each empty poll of an idle ring.
     */
    private static final int IDLE_POLLS_PER_CLOCK = 64;
    /** Offset of the IP header in a received frame: the byte {@link #prefetch} loads. */
    private static final int ETHERNET_HEADER = 14;

    private final PortInfo info;
    private final int index;
    private final XskSocket socket;
    private final XskRing fill;
    private final XskRing completion;
    private final XskRing rx;
    private final XskRing tx;
    private final AfXdpPlatform platform;
    /** Global frame number of this socket's UMEM address 0. */
    private final int umemStart;
    private final int ringSize;
    private final int xskMap;
    private final int queue;
    private final PortCounters counters = new PortCounters();
    private final ControlCounter.Values control = new ControlCounter.Values();
    private final ControlPlane controlPlane;
    private final OwnFrames own;
    private final MemorySegment callState = Native.newCallState();
    private final MemorySegment statsScratch = Arena.ofAuto().allocate(48, 8);
    private final long[] stats = new long[6];
    private final MemorySegment memory;
    private final boolean prefetch;
    /** Where {@link #prefetch} leaves the sum of the bytes it loaded, so that the loads are not optimized away. */
    private long prefetchSink;

    private final int[] postedBuffer;
    private final long[] postedDma;
    private final boolean[] inFill;
    private final int[] txBuffer;
    private final long[] txOffset;
    private final int[] txLength;
    private final long[] txDma;

    private int held;
    private int uncommitted;
    private int txInFlight;
    /** The socket is out of the XSKMAP (a reclaim happened); it goes back once the fill ring is rewritten. */
    private boolean rxPaused;
    /** While paused: the fill producer the kernel last saw; every slot before it must be rewritten to resume. */
    private int resumeAt;
    /** Reclaimed descriptors still to hand out (local frames, newest first), and the cursor into them. */
    private final int[] reclaimList;
    private int reclaimCount;
    private int reclaimNext;
    private Thread owner;
    /** Set by a close from another thread (bundle stop while forwarding): every data-path call then does nothing. */
    private volatile boolean stopped;
    /** Set by the forwarding thread's first rxBurst after {@link #stopped}: no call of it is still inside a ring. */
    private volatile boolean stopAcknowledged;
    private long nextTick;
    private long nextStats;
    /** Empty bursts since the clock was last read. */
    private int idlePolls;
    /** Debug only: rx bursts, and those that found the ring empty (a time series of them showed the gaps). */
    private long dbgBursts;
    private long dbgEmpty;
    /** The io_uring that busy-polls the device's NAPIs (nic.busy.poll), or null. */
    private final NapiPoller poller;
    /** Rx bursts to pass before the next busy poll: doubles (to 64) while polls bring nothing, 0 once they do. */
    private int pollBackoff;
    private int pollSkip;
    private int emptyPolls;
    private int lastPollError;
    /** Bursts without a poll because the ring held enough; at FORCED_POLL_EVERY one polls anyway. */
    private int pollsDue;
    /**
     * While the ring holds a burst or more the port still polls every so often, so that the NAPI stays with the
     * forwarding thread: each poll re-arms the device's deferral (gro_flush_timeout) and, if the kernel has taken
     * the NAPI meanwhile, tells it (NAPI_STATE_PREFER_BUSY_POLL) to hand it back.
     */
    private static final int FORCED_POLL_EVERY = 8;

    AfXdpPort(final PortInfo info, final XskSocket socket, final AfXdpPlatform platform, final int ringSize,
            final int ownFrames, final int xskMap, final int queue, final ControlPlane.Settings settings,
            final NapiPoller poller, final boolean prefetch) {
        this.info = info;
        this.prefetch = prefetch;
        this.poller = poller;
        this.index = info.index();
        this.socket = socket;
        this.fill = socket.fill;
        this.completion = socket.completion;
        this.rx = socket.rx;
        this.tx = socket.tx;
        this.platform = platform;
        this.memory = platform.memory();
        this.umemStart = platform.umemStart(info.device());
        this.ringSize = ringSize;
        this.xskMap = xskMap;
        this.queue = queue;
        final int frames = platform.umemFrames(info.device());
        this.postedBuffer = new int[frames];
        this.postedDma = new long[frames];
        this.inFill = new boolean[frames];
        this.txBuffer = new int[frames];
        this.txOffset = new long[frames];
        this.txLength = new int[frames];
        this.txDma = new long[frames];
        this.reclaimList = new int[2 * ringSize];
        this.own = new OwnFrames(platform.reserve(info.device(), ownFrames), umemStart, frames);
        this.controlPlane = new ControlPlane(info, platform.memory(), own, this, settings, control);
        // ARP, ICMP, held frames and the socket's XDP_STATISTICS join the port's counters in the run summary
        counters.extra(control::snapshot);
        if (poller != null) {
            control.set(ControlCounter.BUSY_POLL_NAPI_ID, poller.ids()[0]);
        }
    }

    @Override
    public PortInfo info() {
        return info;
    }

    XskSocket socket() {
        return socket;
    }

    ControlCounter.Values control() {
        return control;
    }

    ControlPlane controlPlane() {
        return controlPlane;
    }

    // ---- receive

    @Override
    public int rxBurst(final PacketBatch batch, final int max) {
        if (stopped) {
            stopAcknowledged = true;
            return 0;
        }
        if (owner == null) {
            owner = Thread.currentThread();
            controlPlane.owner(owner);
        }
        final XskRing rx = this.rx;
        final int want = Math.min(max, batch.remaining());
        int n;
        final int ready = poller == null ? 0 : rx.availableNow();
        if (poller != null && --pollSkip < 0 && (ready < want || (++pollsDue >= FORCED_POLL_EVERY
                && ready < ringSize / 4))) {
            pollsDue = 0;
            // Preferred busy polling: the device's NAPI runs here (the veth's poll, XDP, the copy into the UMEM)
            // for nic.busy.usec µs, then the ring is read; the device's deferral keeps the kernel from scheduling
            // that NAPI meanwhile. A port whose polls bring nothing is polled less often (the kernel's deferral
            // timer still serves it).
            lastPollError = poller.poll();
            control.add(ControlCounter.BUSY_POLLS, 1);
            n = Math.min(rx.availableNow(), want);
            // A poll can bring nothing while the kernel still holds the NAPI (it hands it over at its next poll):
            // only a port whose polls brought nothing 256 times in a row is taken for idle and polled less.
            if (n > 0) {
                emptyPolls = 0;
                pollBackoff = 0;
            } else if (++emptyPolls > 256) {
                pollBackoff = Math.min(64, pollBackoff * 2 + 1);
            }
            pollSkip = pollBackoff;
        } else {
            n = rx.available(want);
        }
        if (n > 0 || ++idlePolls >= IDLE_POLLS_PER_CLOCK) {
            idlePolls = 0;
            final long now = System.nanoTime();
            controlPlane.now(now);
            if (now >= nextTick) {
                tick(now);
            }
        }
        if (DEBUG) {
            dbgBursts++;
            if (n == 0) {
                dbgEmpty++;
            }
        }
        if (n == 0) {
            return 0;
        }
        final int first = rx.consumer();
        final int start = batch.size();
        long bytes = 0;
        for (int k = 0; k < n; k++) {
            final long address = rx.address(first + k);
            final int length = rx.length(first + k);
            final int local = (int) (address >>> AfXdpPlatform.FRAME_SHIFT);
            final int buffer = postedBuffer[local];
            inFill[local] = false;
            batch.add(buffer, platform.bufferOffset(buffer) + (address & FRAME_MASK), length, postedDma[local], index);
            bytes += length;
        }
        if (prefetch) {
            prefetch(batch, start, start + n);
        }
        rx.release(n);
        held -= n;
        counters.add(PortCounter.RX_PACKETS, n);
        counters.add(PortCounter.RX_BYTES, bytes);
        return n;
    }

    /**
     * Loads one byte of every frame of the burst (the IP header's first), in a loop that does nothing else. The
     * kernel wrote these frames on another CPU (the device's receive and the copy into the UMEM run where its NAPI
     * runs), so each frame's first read by the forwarding thread is a cache miss to the other core. Validation
     * reads a frame's header with some hundred instructions between one frame's first load and the next's, so the
     * out-of-order window holds one or two of those misses at a time; here it holds as many as the core can track,
     * and validation then finds the lines in its cache. Java has no prefetch instruction; a plain load is one. A
     * load and a store of the same byte (to take the line exclusive for the rewrite) was no faster than no pass.
     */
    private void prefetch(final PacketBatch batch, final int from, final int to) {
        final MemorySegment m = memory;
        long sum = 0;
        for (int k = from; k < to; k++) {
            sum += m.get(ValueLayout.JAVA_BYTE, batch.offset(k) + ETHERNET_HEADER);
        }
        prefetchSink += sum;
    }

    private void tick(final long now) {
        nextTick = now + TICK_NANOS;
        controlPlane.tick();
        if (fill.needsWakeup()) {
            Native.wakeRx(socket.fd, callState);
        }
        if (now >= nextStats) {
            nextStats = now + STATS_NANOS;
            readStatistics();
            if (DEBUG) {
                System.err.println("DBG " + (now / 1000) + " " + info.name() + " held=" + held + " fillProd=" + fill.producer()
                        + " fillCons=" + fill.consumerNow() + " rxCons=" + rx.consumer() + " rxReady=" + rx.availableNow()
                        + " bursts=" + dbgBursts + " empty=" + dbgEmpty + " txInFlight=" + txInFlight
                        + " missed=" + counters.get(PortCounter.RX_MISSED) + " rx=" + counters.get(PortCounter.RX_PACKETS)
                        + " napiId=" + socket.napiId(callState) + " polls=" + control.get(ControlCounter.BUSY_POLLS) + " pollErrno=" + lastPollError
                        + " backoff=" + pollBackoff);
            }
        }
    }

    /** Folds the socket's XDP_STATISTICS into the port counters (deltas). Forwarding thread, or after it ended. */
    void readStatistics() {
        final long[] s = stats;
        final long rxDropped = s[0];
        final long rxInvalid = s[1];
        final long txInvalid = s[2];
        final long rxFull = s[3];
        if (!socket.statistics(statsScratch, callState, s)) {
            return;
        }
        counters.add(PortCounter.RX_MISSED, (s[0] - rxDropped) + (s[3] - rxFull));
        counters.add(PortCounter.RX_DMA_FAULTS, s[1] - rxInvalid);
        counters.add(PortCounter.TX_DMA_FAULTS, s[2] - txInvalid);
        control.set(ControlCounter.XDP_RX_DROPPED, s[0]);
        control.set(ControlCounter.XDP_RX_INVALID_DESCS, s[1]);
        control.set(ControlCounter.XDP_TX_INVALID_DESCS, s[2]);
        control.set(ControlCounter.XDP_RX_RING_FULL, s[3]);
        control.set(ControlCounter.XDP_RX_FILL_RING_EMPTY, s[4]);
        control.set(ControlCounter.XDP_TX_RING_EMPTY, s[5]);
    }

    @Override
    public int rxFreeSlots() {
        return stopped ? 0 : ringSize - held;
    }

    @Override
    public int rxRingSize() {
        return ringSize;
    }

    /** {@inheritDoc} Exact: buffers posted (committed or not) plus received and not yet handed out. */
    @Override
    public int rxHeld() {
        return held;
    }

    @Override
    public boolean postRx(final int buffer, final long dma) {
        if (held >= ringSize || stopped) {
            return false;
        }
        final XskRing fill = this.fill;
        if (fill.free(uncommitted + 1) < uncommitted + 1) {
            return false; // cannot happen with a 2N fill ring; refuse rather than overwrite
        }
        final int local = (int) (dma >>> AfXdpPlatform.FRAME_SHIFT);
        postedBuffer[local] = buffer;
        postedDma[local] = dma;
        inFill[local] = true;
        fill.putAddress(fill.producer() + uncommitted, dma & ~FRAME_MASK);
        uncommitted++;
        held++;
        return true;
    }

    @Override
    public void commitRx() {
        if (uncommitted == 0 || stopped) {
            return;
        }
        if (rxPaused) {
            resume();
            return;
        }
        fill.submit(uncommitted);
        uncommitted = 0;
        counters.add(PortCounter.RX_TAIL_WRITES, 1);
    }

    /**
     * After a reclaim: publishes the rewritten fill ring and puts the socket back into the XSKMAP once every slot
     * the kernel may still read (up to the producer it last saw) holds a fresh buffer.
     */
    private void resume() {
        fill.rewind(fill.producer() + uncommitted);
        uncommitted = 0;
        if (fill.producer() - resumeAt < 0) {
            return; // not yet rewritten up to where the kernel may read: stay out of the XSKMAP
        }
        fill.publish();
        counters.add(PortCounter.RX_TAIL_WRITES, 1);
        try {
            Bpf.update(xskMap, queue, socket.fd);
            rxPaused = false;
        } catch (NativeException e) {
            // Session closing underneath; stay paused.
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>AF_XDP cannot take fill-ring entries back from a socket the kernel is feeding: it may already have cached
     * them. So a reclaim first takes the socket out of the XSKMAP (traffic falls back to the kernel stack for the
     * moment) and waits 2 ms for a redirect in flight; then nothing consumes the fill ring. It returns, newest
     * first (rings are FIFO): the fill-ring entries the kernel never used — their slots are then rewritten by the
     * next posts, since the kernel reads a slot's address only when it consumes it — and the frames already in the
     * rx ring, whose packets are dropped ({@code rx_missed}, {@code rx_discarded_at_reclaim}). The socket goes back
     * into the XSKMAP at the {@link #commitRx()} that has rewritten every slot the kernel may still read, so
     * receive resumes after a hot swap's refill; at the end of a run it simply stays out until close.
     */
    @Override
    public int reclaimRx(final PacketBatch out, final int max) {
        if (stopped) {
            return 0;
        }
        if (reclaimNext == reclaimCount) {
            prepareReclaim();
            if (reclaimCount == 0) {
                return 0;
            }
        }
        int n = 0;
        while (n < max && out.remaining() > 0 && reclaimNext < reclaimCount) {
            final int local = reclaimList[reclaimNext++];
            out.add(postedBuffer[local], platform.bufferOffset(postedBuffer[local]), 0, postedDma[local], index);
            n++;
        }
        if (reclaimNext == reclaimCount) {
            reclaimNext = 0;
            reclaimCount = 0;
        }
        return n;
    }

    /** Pauses receive and lists every held descriptor, newest first. */
    private void prepareReclaim() {
        if (held == 0) {
            return;
        }
        if (!rxPaused) {
            rxPaused = true;
            resumeAt = fill.publishedProducer();
            try {
                Bpf.delete(xskMap, queue);
            } catch (NativeException e) {
                // Already gone (session closing); the program falls back to XDP_PASS either way.
            }
            final long until = System.nanoTime() + 2_000_000L;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        }
        final int filled = rx.availableNow();
        final int unfilled = held - filled;
        int k = 0;
        // The newest: fill-ring slots the kernel never consumed (written, committed or not).
        final int end = fill.producer() + uncommitted;
        for (int i = 1; i <= unfilled; i++) {
            final int local = (int) (fill.address(end - i) >>> AfXdpPlatform.FRAME_SHIFT);
            inFill[local] = false;
            reclaimList[k++] = local;
        }
        fill.rewind(end - unfilled);
        uncommitted = 0;
        // Then the frames already received and not handed out, newest first; their packets are dropped.
        final int first = rx.consumer();
        for (int i = filled - 1; i >= 0; i--) {
            final int local = (int) (rx.address(first + i) >>> AfXdpPlatform.FRAME_SHIFT);
            inFill[local] = false;
            reclaimList[k++] = local;
        }
        rx.release(filled);
        counters.add(PortCounter.RX_MISSED, filled);
        control.add(ControlCounter.RX_DISCARDED_AT_STOP, filled);
        held -= k;
        reclaimCount = k;
        reclaimNext = 0;
    }

    // ---- transmit

    @Override
    public int txBurst(final PacketBatch batch) {
        final int n = batch.size();
        if (n == 0 || stopped) {
            return 0;
        }
        final XskRing tx = this.tx;
        final int sent = Math.min(n, tx.free(n));
        final int first = tx.producer();
        long bytes = 0;
        for (int i = 0; i < sent; i++) {
            final long dma = batch.dma(i);
            final int length = batch.length(i);
            final int local = (int) (dma >>> AfXdpPlatform.FRAME_SHIFT);
            txBuffer[local] = batch.buffer(i);
            txOffset[local] = batch.offset(i);
            txLength[local] = length;
            txDma[local] = dma;
            tx.putDescriptor(first + i, dma, length);
            bytes += length;
        }
        if (sent > 0) {
            tx.submit(sent);
            txInFlight += sent;
            counters.add(PortCounter.TX_PACKETS, sent);
            counters.add(PortCounter.TX_BYTES, bytes);
            counters.add(PortCounter.TX_TAIL_WRITES, 1);
            kick();
        }
        if (sent < n) {
            counters.add(PortCounter.TX_RING_FULL, n - sent);
        }
        return sent;
    }

    private void kick() {
        if (!tx.needsWakeup()) {
            return;
        }
        final int error = Native.kick(socket.fd, callState);
        control.add(ControlCounter.TX_KICKS, 1);
        if (error == Native.EAGAIN) {
            control.add(ControlCounter.TX_KICKS_EAGAIN, 1);
        }
    }

    @Override
    public int txFreeSlots() {
        return stopped ? 0 : tx.free(tx.size);
    }

    @Override
    public int reapTxCompletions(final PacketBatch completed, final int max) {
        if (stopped) {
            return 0;
        }
        if (tx.producer() != tx.consumerNow()) {
            kick(); // copy mode sends only inside sendto, at most the tx budget per call
        }
        final XskRing cq = this.completion;
        final int n = cq.available(Integer.MAX_VALUE);
        if (n == 0) {
            return 0;
        }
        final int first = cq.consumer();
        final int limit = Math.min(max, completed.remaining());
        int handed = 0;
        int k = 0;
        for (; k < n; k++) {
            final long address = cq.address(first + k);
            final int local = (int) (address >>> AfXdpPlatform.FRAME_SHIFT);
            if (own.owns(umemStart + local)) {
                own.give(umemStart + local);
                continue;
            }
            if (handed == limit) {
                break;
            }
            completed.add(txBuffer[local], txOffset[local], txLength[local], txDma[local], index);
            handed++;
        }
        cq.release(k);
        txInFlight -= handed;
        return handed;
    }

    @Override
    public int txInFlight() {
        return stopped ? 0 : txInFlight;
    }

    /** {@inheritDoc} Sends one of the port's own frames (ARP, ICMP, held); completions are filtered out. */
    @Override
    public boolean sendOwn(final int frame, final int length) {
        if (stopped || tx.free(1) < 1) {
            return false;
        }
        tx.putDescriptor(tx.producer(), (long) (frame - umemStart) << AfXdpPlatform.FRAME_SHIFT, length);
        tx.submit(1);
        control.add(ControlCounter.OWN_TX, 1);
        kick();
        return true;
    }

    // ---- neighbours and the exception path

    @Override
    public long neighbourMac(final int ipv4) {
        return controlPlane.neighbourMac(ipv4);
    }

    @Override
    public void punt(final PacketBatch batch, final int slot, final DropReason reason, final int nextHopAddress) {
        if (stopped) {
            return;
        }
        controlPlane.punt(batch.offset(slot), batch.length(slot), reason, nextHopAddress);
    }

    @Override
    public PortCounters counters() {
        return counters;
    }

    /**
     * Stops the port from another thread: every data-path call returns at once from now on. Returns true when the
     * forwarding thread has acknowledged (it is no longer inside a ring), or when no thread ever drove the port,
     * within {@code timeoutNanos}.
     */
    boolean stopFromOutside(final long timeoutNanos) {
        stopped = true;
        if (owner == null) {
            return true;
        }
        final long until = System.nanoTime() + timeoutNanos;
        while (!stopAcknowledged && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        return stopAcknowledged;
    }

    boolean stopped() {
        return stopped;
    }

    /** Own frames not back yet (in the tx ring, or held for an unresolved neighbour). */
    int ownFramesOut() {
        return own.total() - own.free();
    }

    /** Releases held frames and reaps own completions (teardown, after the last cycle). */
    void quiesce() {
        if (stopped) {
            return;
        }
        controlPlane.dropAllHeld();
        final long until = System.nanoTime() + 50_000_000L;
        while (ownFramesOut() > 0 && System.nanoTime() < until) {
            if (tx.producer() != tx.consumerNow()) {
                kick();
            }
            final int n = completion.available(Integer.MAX_VALUE);
            final int first = completion.consumer();
            int k = 0;
            for (; k < n; k++) {
                final int local = (int) (completion.address(first + k) >>> AfXdpPlatform.FRAME_SHIFT);
                if (!own.owns(umemStart + local)) {
                    break; // a strategy frame: leave it for the strategy
                }
                own.give(umemStart + local);
            }
            completion.release(k);
            if (k < n) {
                break;
            }
            Thread.onSpinWait();
        }
    }
}
