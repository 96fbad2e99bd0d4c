package org.routerlab.testkit.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortCounter;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DeviceAccess;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformOp;

/**
 * The conformance suite every NIC backend passes. Extend it in the backend's tests and return the backend:
 * <pre>
 * class MyBackendConformanceTest extends NicBackendConformance {
 *     protected NicBackend backend() { return new MyNicBackend(); }
 *     protected Map&lt;String, String&gt; config() { return Map.of("nic.rx.ring", "128"); }   // optional
 * }
 * </pre>
 * Each test opens a fresh session with {@link #configuration()} (two ports, {@code p0=10.0.0.1/24} and
 * {@code p1=10.1.0.1/24}, overlaid with {@link #config()}), plays the DMA strategy's part by hand through
 * {@link NicFixture} — allocate, map, post, commit, receive, transmit, reap, reclaim, unmap, free — and checks the
 * {@link NicPort}, {@link NicSession} and {@link DmaPlatform} contracts:
 * <ul>
 * <li><b>identity</b>: ports indexed by position with distinct names and devices, 48-bit MACs, the configured
 *     addresses; a platform whose buffers lie inside its memory without overlapping; nothing allocated or mapped
 *     and every counter zero at open;</li>
 * <li><b>rx ring</b>: {@code postRx} fills exactly {@code rxFreeSlots()} descriptors and then refuses;
 *     {@code rxHeld() + rxFreeSlots()} stays constant and never exceeds {@code rxRingSize()}; the device fills only
 *     committed descriptors, in posting order (FIFO), under the handle they were posted with, within the buffer;
 *     {@code rxBurst} never returns more than {@code max} nor writes past the batch's room; after
 *     {@code reclaimRx} the next {@code rxHeld()} frames are exactly what {@code rxBurst} still hands out (the
 *     property a hot swap of the DMA strategy relies on); every posted buffer comes back exactly once;</li>
 * <li><b>faults</b>: a descriptor the device may not write is never handed out as a frame, is counted as a DMA
 *     fault and comes back through {@code reclaimRx}; a transmit under a stale handle is counted as a fault and still
 *     completes;</li>
 * <li><b>tx ring</b>: {@code txBurst} accepts a prefix, counts the rest as {@code tx_ring_full} and leaves it to
 *     the caller; every accepted frame comes back from {@code reapTxCompletions} exactly once with its buffer,
 *     offset, length and handle; transmitting from a buffer another device has mapped works through
 *     {@code grant};</li>
 * <li><b>counters</b>: rx/tx packets and bytes, tail writes (one per publishing commit and per accepting tx
 *     burst), misses; with a bounded source ({@code traffic.packets}), every offered frame is received, missed or
 *     faulted, and the session reports itself drained;</li>
 * <li><b>platform</b>: allocate/free, map/unmap, grant/revoke and copy are counted one for one, live mappings
 *     follow, exhaustion returns {@code NO_BUFFER}, double free and double unmap throw
 *     {@link IllegalStateException};</li>
 * <li><b>lifecycle</b>: invalid {@code ports} is refused with a message naming the key; {@code close()} is
 *     idempotent, releases the buffer memory even with buffers still posted and in flight, and leaves no thread
 *     behind, over repeated open/close.</li>
 * </ul>
 * Platform counters are read after {@link DmaPlatform#liveMappings()} (a platform may publish its counts lazily, at
 * the latest there, as the engine reads them after a run). Tests that need arriving traffic are skipped when
 * {@link #offersTraffic()} is false; {@link #beforePoll(NicSession)} lets a backend on real links inject traffic.
 */
public abstract class NicBackendConformance {
    /** The backend under test (a fresh instance or the same one: it is a stateless factory). */
    protected abstract NicBackend backend();

    /** Settings of the backend's own ({@code nic.*}, {@code traffic.*}, …) overlaid on the suite's defaults. */
    protected Map<String, String> config() {
        return Map.of();
    }

    /**
     * Whether frames arrive on their own when the suite polls (an emulated traffic source, or a test peer driven
     * from {@link #beforePoll}). When false, the tests that need traffic are skipped.
     */
    protected boolean offersTraffic() {
        return true;
    }

    /** Called before every {@code rxBurst} poll; a backend on real links can send a frame to the port here. */
    protected void beforePoll(final NicSession session) {
    }

    /** How many polls a test waits for frames or completions before it fails. */
    protected int pollLimit() {
        return 2_000;
    }

    /** The configuration each test opens the backend with. */
    protected final Map<String, String> configuration() {
        final Map<String, String> c = new TreeMap<>();
        c.put(ConfigKeys.PORTS, "p0=10.0.0.1/24,p1=10.1.0.1/24");
        c.put(ConfigKeys.SEED, "7");
        c.put(ConfigKeys.PACKET_SIZE, "64");
        c.put(ConfigKeys.FLOWS, "16");
        c.putAll(config());
        return c;
    }

    private NicFixture open() throws Exception {
        return open(configuration());
    }

    private NicFixture open(final Map<String, String> configuration) throws Exception {
        final NicSession session = backend().open(configuration);
        assertNotNull(session, "open() returned null");
        return new NicFixture(session, pollLimit(), () -> beforePoll(session));
    }

    private static int device(final NicPort port) {
        return port.info().device();
    }

    private static long counter(final NicPort port, final PortCounter counter) {
        return port.counters().get(counter);
    }

    private static long op(final DmaPlatform platform, final PlatformOp op) {
        platform.liveMappings(); // the documented point where lazily counted operations are published
        return platform.counters().get(op);
    }

    // ---- identity -----------------------------------------------------------------------------------------------

    @Test
    void shouldDescribeItselfAndItsPorts() throws Exception {
        final NicBackend backend = backend();
        assertFalse(backend.name() == null || backend.name().isBlank(), "name()");
        assertFalse(backend.description() == null || backend.description().isBlank(), "description()");
        try (NicFixture f = open()) {
            final List<NicPort> ports = f.ports();
            assertEquals(2, ports.size(), "one port per item of ports=" + configuration().get(ConfigKeys.PORTS));
            final Set<String> names = new HashSet<>();
            final Set<Integer> devices = new HashSet<>();
            for (int i = 0; i < ports.size(); i++) {
                final PortInfo info = ports.get(i).info();
                assertEquals(i, info.index(), "port " + info.name() + " is at index " + i);
                assertTrue(names.add(info.name()), "port names are distinct: " + info.name());
                assertTrue(devices.add(info.device()), "DMA device ids are distinct: " + info.device());
                assertTrue(info.device() >= 0, "device id " + info.device());
                assertEquals(0, info.mac() >>> 48, "MAC in the low 48 bits: " + Long.toHexString(info.mac()));
                assertNotEquals(0, info.mac(), "a MAC address");
            }
            assertEquals(List.of("p0", "p1"), ports.stream().map(p -> p.info().name()).toList());
            assertEquals(List.of(new PortInfo.InterfaceAddress(0x0a000001, 24)), ports.get(0).info().addresses());
            assertEquals(List.of(new PortInfo.InterfaceAddress(0x0a010001, 24)), ports.get(1).info().addresses());
            assertEquals(ports.size(), f.session().ports().size(), "ports() is stable");
            for (final NicPort port : ports) {
                final long neighbour = port.neighbourMac(port.info().addresses().get(0).address() | 2);
                assertTrue(neighbour == -1 || neighbour >>> 48 == 0, "neighbourMac is -1 or a 48-bit MAC");
            }
        }
    }

    @Test
    void shouldOpenWithNothingAllocatedMappedOrCounted() throws Exception {
        try (NicFixture f = open()) {
            final DmaPlatform p = f.platform();
            assertFalse(p.name() == null || p.name().isBlank(), "platform name()");
            assertTrue(p.bufferSize() >= 256, "bufferSize() = " + p.bufferSize());
            assertTrue(p.bufferCount() > 0, "bufferCount()");
            final long[] offsets = new long[p.bufferCount()];
            for (int b = 0; b < offsets.length; b++) {
                offsets[b] = p.bufferOffset(b);
                assertTrue(offsets[b] >= 0 && offsets[b] + p.bufferSize() <= p.memory().byteSize(),
                        "buffer " + b + " at " + offsets[b] + " lies inside memory() of " + p.memory().byteSize()
                                + " bytes");
            }
            java.util.Arrays.sort(offsets);
            for (int i = 1; i < offsets.length; i++) {
                assertTrue(offsets[i] - offsets[i - 1] >= p.bufferSize(), "buffers do not overlap");
            }
            assertEquals(p.bufferCount(), p.freeBuffers(), "every buffer free at open");
            assertEquals(0, p.liveMappings(), "no mapping at open");
            for (final PlatformOp op : List.of(PlatformOp.BUFFER_ALLOC, PlatformOp.BUFFER_FREE, PlatformOp.DMA_MAP,
                    PlatformOp.DMA_UNMAP, PlatformOp.PERMISSION_GRANT, PlatformOp.PERMISSION_REVOKE,
                    PlatformOp.DMA_FAULT)) {
                assertEquals(0, op(p, op), op.key() + " at open");
            }
            assertEquals(PlatformOp.count(), p.counters().snapshot().size(), "a snapshot has every platform counter");
            for (final NicPort port : f.ports()) {
                final String name = port.info().name();
                assertTrue(port.rxRingSize() > 0, name + " rxRingSize()");
                assertTrue(port.rxFreeSlots() > 0 && port.rxFreeSlots() <= port.rxRingSize(),
                        name + " rxFreeSlots() = " + port.rxFreeSlots() + " of a ring of " + port.rxRingSize());
                assertEquals(0, port.rxHeld(), name + " rxHeld() at open");
                assertEquals(0, port.txInFlight(), name + " txInFlight() at open");
                assertTrue(port.txFreeSlots() > 0, name + " txFreeSlots()");
                assertEquals(PortCounter.count(), port.counters().snapshot().size(),
                        "a snapshot has every port counter");
                for (final PortCounter c : PortCounter.values()) {
                    assertEquals(0, counter(port, c), name + " " + c.key() + " at open");
                }
            }
        }
    }

    @Test
    void shouldRefuseAnInvalidPortsSetting() {
        final Map<String, String> bad = new HashMap<>(configuration());
        bad.put(ConfigKeys.PORTS, "p0=not-an-address");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            try (NicSession s = backend().open(bad)) {
                fail("opened with ports=p0=not-an-address: " + s.ports());
            }
        });
        assertTrue(e.getMessage() != null && e.getMessage().contains("ports"),
                "the message names the setting: " + e.getMessage());
    }

    // ---- rx ring ------------------------------------------------------------------------------------------------

    @Test
    void shouldPostExactlyTheFreeSlotsAndHandThemBackUncommitted() throws Exception {
        try (NicFixture f = open()) {
            final NicPort port = f.port(0);
            final int free = port.rxFreeSlots();
            final int capacity = port.rxHeld() + free;
            final List<Integer> posted = new ArrayList<>();
            final Map<Integer, Long> handles = new HashMap<>();
            for (int i = 0; i < free; i++) {
                final int b = f.allocate();
                final long h = f.map(b, device(port), DmaDirection.FROM_DEVICE);
                assertTrue(port.postRx(b, h), "postRx #" + i + " of rxFreeSlots() = " + free);
                posted.add(b);
                handles.put(b, h);
                assertEquals(i + 1, port.rxHeld(), "rxHeld() counts posted, uncommitted descriptors");
                assertEquals(capacity, port.rxHeld() + port.rxFreeSlots(), "rxHeld() + rxFreeSlots() is constant");
            }
            final int extra = f.allocate();
            assertFalse(port.postRx(extra, f.map(extra, device(port), DmaDirection.FROM_DEVICE)),
                    "postRx on a full ring returns false");
            assertEquals(free, port.rxHeld(), "a refused postRx holds nothing");
            if (offersTraffic()) {
                assertEquals(List.of(), f.poll(port, 5, 32), "the device fills no descriptor before commitRx()");
                assertEquals(0, counter(port, PortCounter.RX_PACKETS), "rx_packets before commitRx()");
                assertTrue(counter(port, PortCounter.RX_MISSED) > 0, "frames arriving with no committed descriptor "
                        + "are counted in rx_missed");
            }
            final List<NicFixture.Slot> back = f.reclaimAll(port);
            assertEquals(0, port.rxHeld(), "rxHeld() after reclaiming everything");
            assertEquals(free, port.rxFreeSlots(), "rxFreeSlots() after reclaiming everything");
            assertReturnedOnce(posted, back, handles, "reclaimRx of uncommitted descriptors");
            assertEquals(0, counter(port, PortCounter.RX_TAIL_WRITES), "no tail write without commitRx()");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    @Test
    void shouldReceiveIntoCommittedBuffersInPostingOrder() throws Exception {
        assumeTrue(offersTraffic(), "the backend offers no traffic of its own");
        try (NicFixture f = open()) {
            final NicPort port = f.port(0);
            final int count = Math.min(port.rxFreeSlots(), 48);
            final int[] posted = f.post(port, count);
            port.commitRx();
            port.commitRx(); // nothing new posted: no second tail write
            final List<NicFixture.Slot> got = new ArrayList<>();
            final PacketBatch batch = new PacketBatch(8);
            for (int poll = 0; poll < pollLimit() && got.size() < count; poll++) {
                beforePoll(f.session());
                batch.clear();
                final int n = port.rxBurst(batch, 8);
                assertTrue(n >= 0 && n <= 8, "rxBurst(batch, 8) returned " + n);
                for (int i = 0; i < n; i++) {
                    got.add(NicFixture.Slot.of(batch, i));
                }
                assertEquals(count - got.size(), port.rxHeld(), "rxHeld() after receiving " + got.size() + " of "
                        + count + " posted");
            }
            assertEquals(count, got.size(), "frames received into " + count + " posted buffers within "
                    + pollLimit() + " polls");
            long bytes = 0;
            final DmaPlatform p = f.platform();
            for (int i = 0; i < count; i++) {
                final NicFixture.Slot s = got.get(i);
                assertEquals(posted[i], s.buffer(), "frame " + i + " is in the " + i + "th posted buffer (FIFO)");
                assertNotNull(f.mapping(s.buffer(), s.dma()), "frame " + i + " carries the handle buffer "
                        + s.buffer() + " was posted with, not " + s.dma());
                assertEquals(0, s.port(), "port(i) is the ingress port's index");
                assertTrue(s.length() >= 14 && s.length() <= p.bufferSize(), "frame length " + s.length());
                final long start = p.bufferOffset(s.buffer());
                assertTrue(s.offset() >= start && s.offset() + s.length() <= start + p.bufferSize(),
                        "frame " + i + " at " + s.offset() + "+" + s.length() + " lies inside buffer " + s.buffer()
                                + " at " + start);
                bytes += s.length();
            }
            assertEquals(0, port.rxHeld());
            assertEquals(count, counter(port, PortCounter.RX_PACKETS), "rx_packets");
            assertEquals(bytes, counter(port, PortCounter.RX_BYTES), "rx_bytes");
            assertEquals(0, counter(port, PortCounter.RX_DMA_FAULTS), "rx_dma_faults");
            assertEquals(1, counter(port, PortCounter.RX_TAIL_WRITES), "one tail write for one publishing commit");
            assertEquals(0, op(p, PlatformOp.DMA_FAULT), "dma_faults");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    @Test
    void shouldRespectMaxAndTheBatchesRoom() throws Exception {
        assumeTrue(offersTraffic(), "the backend offers no traffic of its own");
        try (NicFixture f = open()) {
            final NicPort port = f.port(1);
            final int count = Math.min(port.rxFreeSlots(), 32);
            f.post(port, count);
            port.commitRx();
            final PacketBatch zero = new PacketBatch(8);
            assertEquals(0, port.rxBurst(zero, 0), "rxBurst(batch, 0)");
            assertEquals(0, zero.size());
            final PacketBatch batch = new PacketBatch(8);
            for (int i = 0; i < 5; i++) {
                batch.add(-1 - i, 0, 0, PacketBatch.NO_DMA, 7);
            }
            int received = 0;
            for (int poll = 0; poll < pollLimit() && received == 0; poll++) {
                beforePoll(f.session());
                received = port.rxBurst(batch, 32);
            }
            assertTrue(received > 0 && received <= 3, "rxBurst into a batch with room for 3 returned " + received);
            assertEquals(5 + received, batch.size(), "slots are appended after the existing ones");
            for (int i = 0; i < 5; i++) {
                assertEquals(-1 - i, batch.buffer(i), "slot " + i + " was there before and is untouched");
                assertEquals(7, batch.port(i), "slot " + i + " was there before and is untouched");
            }
            final PacketBatch one = new PacketBatch(8);
            int n = 0;
            for (int poll = 0; poll < pollLimit() && n == 0; poll++) {
                beforePoll(f.session());
                n = port.rxBurst(one, 1);
            }
            assertEquals(1, n, "rxBurst(batch, 1) returns at most one frame");
            drain(f, port);
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    @Test
    void shouldHandOutExactlyTheHeldFramesAfterReclaim() throws Exception {
        assumeTrue(offersTraffic(), "the backend offers no traffic of its own");
        try (NicFixture f = open()) {
            final NicPort port = f.port(0);
            final int count = Math.min(port.rxFreeSlots(), 32);
            final int[] posted = f.post(port, count);
            final Map<Integer, Long> handles = new HashMap<>();
            for (final int b : posted) {
                handles.put(b, f.handleOf(b));
            }
            port.commitRx();
            // A batch with room for 4 while the device may fill up to 32: frames wait filled but not handed out.
            final List<NicFixture.Slot> received = new ArrayList<>();
            final PacketBatch small = new PacketBatch(4);
            for (int poll = 0; poll < pollLimit() && received.isEmpty(); poll++) {
                beforePoll(f.session());
                small.clear();
                final int n = port.rxBurst(small, 32);
                for (int i = 0; i < n; i++) {
                    received.add(NicFixture.Slot.of(small, i));
                }
            }
            assertFalse(received.isEmpty(), "frames arrived");
            final List<NicFixture.Slot> reclaimed = f.reclaimAll(port);
            final int held = port.rxHeld();
            assertEquals(count - received.size() - reclaimed.size(), held,
                    "after reclaimRx, rxHeld() is what was filled and not yet handed out");
            final List<NicFixture.Slot> rest = f.poll(port, Math.max(held, 1) * 4 + 8, 64);
            assertEquals(held, rest.size(), "rxBurst hands out exactly the rxHeld() frames after a reclaim");
            received.addAll(rest);
            for (int i = 0; i < received.size(); i++) {
                assertEquals(posted[i], received.get(i).buffer(), "frame " + i + " in posting order (FIFO)");
            }
            assertEquals(0, port.rxHeld());
            final List<NicFixture.Slot> all = new ArrayList<>(received);
            all.addAll(reclaimed);
            assertReturnedOnce(java.util.Arrays.stream(posted).boxed().toList(), all, handles,
                    "received + reclaimed");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    @Test
    void shouldNeverHandOutAFrameTheDeviceMayNotWrite() throws Exception {
        assumeTrue(offersTraffic(), "the backend offers no traffic of its own");
        try (NicFixture f = open()) {
            final NicPort port = f.port(0);
            final int b = f.allocate();
            // Mapped for reading only: the device may not DMA a received frame into it.
            final long h = f.map(b, device(port), DmaDirection.TO_DEVICE);
            assertTrue(port.postRx(b, h));
            port.commitRx();
            final List<NicFixture.Slot> got = f.poll(port, 20, 32);
            assertEquals(List.of(), got, "no frame is handed out in a buffer the device may not write");
            assertTrue(counter(port, PortCounter.RX_DMA_FAULTS) > 0, "rx_dma_faults counts the refused DMA");
            assertTrue(op(f.platform(), PlatformOp.DMA_FAULT) > 0, "the platform counts dma_faults");
            final List<NicFixture.Slot> back = f.reclaimAll(port);
            assertEquals(List.of(b), back.stream().map(NicFixture.Slot::buffer).toList(),
                    "the faulted descriptor comes back through reclaimRx");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    // ---- tx ring ------------------------------------------------------------------------------------------------

    @Test
    void shouldCompleteEveryAcceptedFrameExactlyOnce() throws Exception {
        try (NicFixture f = open()) {
            final NicPort port = f.port(1);
            final int initialFree = port.txFreeSlots();
            final int frames = Math.min(100, initialFree);
            final Map<Integer, NicFixture.Slot> sent = new LinkedHashMap<>();
            final PacketBatch batch = new PacketBatch(32);
            long bytes = 0;
            int bursts = 0;
            int made = 0;
            while (made < frames) {
                batch.clear();
                for (int i = 0; i < 32 && made < frames; i++, made++) {
                    final int b = f.allocate();
                    final int length = 60 + made % 40;
                    final long at = f.writeFrame(b, port, length);
                    final long h = f.map(b, device(port), 0, length, DmaDirection.TO_DEVICE);
                    batch.add(b, at, length, h, 1);
                }
                final int accepted = port.txBurst(batch);
                assertEquals(batch.size(), accepted, "a tx ring with room accepts the whole burst");
                bursts++;
                for (int i = 0; i < accepted; i++) {
                    sent.put(batch.buffer(i), NicFixture.Slot.of(batch, i));
                    bytes += batch.length(i);
                }
                assertEquals(sent.size(), port.txInFlight(), "txInFlight() counts accepted, unreaped frames");
            }
            final List<NicFixture.Slot> done = f.reapAll(port);
            assertEquals(0, port.txInFlight(), "every accepted frame completes within " + pollLimit() + " reaps");
            assertEquals(initialFree, port.txFreeSlots(), "txFreeSlots() is back where it started");
            assertEquals(sent.size(), done.size(), "one completion per accepted frame");
            final Set<Integer> seen = new HashSet<>();
            for (final NicFixture.Slot s : done) {
                assertTrue(seen.add(s.buffer()), "buffer " + s.buffer() + " completed twice");
                final NicFixture.Slot expected = sent.get(s.buffer());
                assertNotNull(expected, "completion of buffer " + s.buffer() + ", which was never sent");
                assertEquals(expected.offset(), s.offset(), "completion keeps the offset");
                assertEquals(expected.length(), s.length(), "completion keeps the length");
                assertEquals(expected.dma(), s.dma(), "completion keeps the handle it was sent with");
                assertEquals(1, s.port(), "completion carries the port's index");
            }
            assertEquals(sent.size(), counter(port, PortCounter.TX_PACKETS), "tx_packets");
            assertEquals(bytes, counter(port, PortCounter.TX_BYTES), "tx_bytes");
            assertEquals(bursts, counter(port, PortCounter.TX_TAIL_WRITES), "one tx tail write per accepting burst");
            assertEquals(0, counter(port, PortCounter.TX_DMA_FAULTS), "tx_dma_faults");
            assertEquals(0, counter(port, PortCounter.TX_RING_FULL), "tx_ring_full");
            assertEquals(0, op(f.platform(), PlatformOp.DMA_FAULT), "dma_faults");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    @Test
    void shouldAcceptAPrefixWhenTheTxRingFills() throws Exception {
        try (NicFixture f = open()) {
            final NicPort port = f.port(0);
            final PacketBatch batch = new PacketBatch(64);
            int accepted = 0;
            final List<Integer> inFlight = new ArrayList<>();
            // Fill the ring to three free slots, never reaping.
            while (port.txFreeSlots() > 3) {
                batch.clear();
                final int n = Math.min(64, port.txFreeSlots() - 3);
                fillBatch(f, port, batch, n);
                final int a = port.txBurst(batch);
                assertEquals(n, a, "a tx ring with " + (port.txFreeSlots() + a) + " free slots takes " + n);
                for (int i = 0; i < a; i++) {
                    inFlight.add(batch.buffer(i));
                }
                accepted += a;
            }
            batch.clear();
            fillBatch(f, port, batch, 10);
            final long fullBefore = counter(port, PortCounter.TX_RING_FULL);
            final int a = port.txBurst(batch);
            assertEquals(3, a, "txBurst accepts as many as there are free slots");
            for (int i = 0; i < a; i++) {
                inFlight.add(batch.buffer(i));
            }
            accepted += a;
            assertEquals(7, counter(port, PortCounter.TX_RING_FULL) - fullBefore, "tx_ring_full counts the refused");
            assertEquals(0, port.txFreeSlots());
            batch.removeFirst(a);
            assertEquals(0, port.txBurst(batch), "a full ring accepts nothing");
            assertEquals(14, counter(port, PortCounter.TX_RING_FULL) - fullBefore);
            for (int i = 0; i < batch.size(); i++) {
                f.release(batch.buffer(i)); // refused frames stay the caller's
            }
            final List<NicFixture.Slot> done = f.reapAll(port);
            assertEquals(accepted, done.size(), "every accepted frame completes");
            assertEquals(inFlight.stream().sorted().toList(),
                    done.stream().map(NicFixture.Slot::buffer).sorted().toList(),
                    "the accepted frames (a prefix of each burst), and only they, complete");
            final PacketBatch reap = new PacketBatch(8);
            for (int i = 0; i < 3; i++) {
                reap.add(-1 - i, 0, 0, PacketBatch.NO_DMA, 9);
            }
            assertEquals(0, port.reapTxCompletions(reap, 8), "nothing left to reap");
            assertEquals(3, reap.size(), "reapTxCompletions leaves existing slots alone");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    private static void fillBatch(final NicFixture f, final NicPort port, final PacketBatch batch, final int n) {
        for (int i = 0; i < n; i++) {
            final int b = f.allocate();
            final long at = f.writeFrame(b, port, 60);
            batch.add(b, at, 60, f.map(b, device(port), 0, 60, DmaDirection.TO_DEVICE), port.info().index());
        }
    }

    @Test
    void shouldTransmitFromABufferMappedForAnotherDeviceThroughAGrant() throws Exception {
        try (NicFixture f = open()) {
            final NicPort ingress = f.port(0);
            final NicPort egress = f.port(1);
            final DmaPlatform p = f.platform();
            final int unmapped = f.allocate();
            assertEquals(DmaPlatform.MAP_FAILED, p.grant(device(egress), unmapped, DeviceAccess.READ),
                    "grant of a buffer mapped for no device fails");
            final int b = f.allocate();
            final long at = f.writeFrame(b, egress, 64);
            f.map(b, device(ingress), DmaDirection.BIDIRECTIONAL);
            final long grants = op(p, PlatformOp.PERMISSION_GRANT);
            final long mapsBefore = op(p, PlatformOp.DMA_MAP);
            final long handle = p.grant(device(egress), b, DeviceAccess.READ);
            assertNotEquals(DmaPlatform.MAP_FAILED, handle, "grant of a mapped buffer");
            assertEquals(grants + 1, op(p, PlatformOp.PERMISSION_GRANT), "permission_grants");
            assertEquals(mapsBefore, op(p, PlatformOp.DMA_MAP), "a grant is not a DMA-API mapping");
            final PacketBatch batch = new PacketBatch(1);
            batch.add(b, at, 64, handle + (at - p.bufferOffset(b)), 1);
            assertEquals(1, egress.txBurst(batch));
            final List<NicFixture.Slot> done = f.reapAll(egress);
            assertEquals(1, done.size());
            assertEquals(0, counter(egress, PortCounter.TX_DMA_FAULTS), "the granted device may read the buffer");
            assertEquals(1, counter(egress, PortCounter.TX_PACKETS));
            assertEquals(0, op(p, PlatformOp.DMA_FAULT), "dma_faults");
            final long revokes = op(p, PlatformOp.PERMISSION_REVOKE);
            p.revoke(device(egress), b);
            assertEquals(revokes + 1, op(p, PlatformOp.PERMISSION_REVOKE), "permission_revokes");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    @Test
    void shouldCountATransmitUnderAStaleHandleAsAFaultAndStillComplete() throws Exception {
        try (NicFixture f = open()) {
            final NicPort port = f.port(0);
            final DmaPlatform p = f.platform();
            final int b = f.allocate();
            final long at = f.writeFrame(b, port, 60);
            final long handle = f.map(b, device(port), 0, 60, DmaDirection.TO_DEVICE);
            f.unmapAll(b); // the strategy forgot it had unmapped the frame
            final PacketBatch batch = new PacketBatch(1);
            batch.add(b, at, 60, handle, 0);
            assertEquals(1, port.txBurst(batch), "the tx ring accepts the descriptor");
            final List<NicFixture.Slot> done = f.reapAll(port);
            assertEquals(List.of(b), done.stream().map(NicFixture.Slot::buffer).toList(),
                    "a faulted transmit still completes: the buffer comes back to the caller");
            assertEquals(1, counter(port, PortCounter.TX_DMA_FAULTS), "tx_dma_faults");
            assertEquals(0, counter(port, PortCounter.TX_PACKETS), "a faulted frame is not transmitted");
            assertTrue(op(p, PlatformOp.DMA_FAULT) > 0, "the platform counts dma_faults");
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    // ---- counters and accounting --------------------------------------------------------------------------------

    @Test
    void shouldAccountForEveryOfferedFrameOfABoundedSource() throws Exception {
        assumeTrue(offersTraffic(), "the backend offers no traffic of its own");
        final Map<String, String> c = new TreeMap<>(configuration());
        c.put(ConfigKeys.TRAFFIC_PACKETS, "3000");
        try (NicFixture f = open(c)) {
            assumeTrue(f.session().packetsOffered() >= 0, "the backend does not know what its source offered");
            final PacketBatch batch = new PacketBatch(32);
            final PacketBatch done = new PacketBatch(64);
            long received = 0;
            for (int poll = 0; poll < pollLimit() * 10 && !f.session().drained(); poll++) {
                for (final NicPort port : f.ports()) {
                    final int top = Math.min(port.rxFreeSlots(), 64);
                    if (top > 0) {
                        f.post(port, top);
                        port.commitRx();
                    }
                    beforePoll(f.session());
                    batch.clear();
                    final int n = port.rxBurst(batch, 32);
                    for (int i = 0; i < n; i++) {
                        f.release(batch.buffer(i));
                    }
                    received += n;
                    done.clear();
                    port.reapTxCompletions(done, done.capacity());
                }
            }
            assertTrue(f.session().drained(), "drained() once the source offered everything and all was received");
            assertEquals(3000, f.session().packetsOffered(), "packetsOffered() with traffic.packets=3000");
            long rx = 0;
            long missed = 0;
            long faults = 0;
            for (final NicPort port : f.ports()) {
                rx += counter(port, PortCounter.RX_PACKETS);
                missed += counter(port, PortCounter.RX_MISSED);
                faults += counter(port, PortCounter.RX_DMA_FAULTS);
            }
            assertEquals(received, rx, "rx_packets counts the frames handed out");
            assertEquals(3000, rx + missed + faults, "every offered frame is received, missed or faulted");
            for (final NicPort port : f.ports()) {
                f.reclaimAll(port).forEach(s -> f.release(s.buffer()));
            }
            f.releaseAll();
            f.assertNothingHeld("after releasing every buffer");
        }
    }

    // ---- platform -----------------------------------------------------------------------------------------------

    @Test
    void shouldCountEveryPlatformOperationOneForOne() throws Exception {
        try (NicFixture f = open()) {
            final DmaPlatform p = f.platform();
            final int device = device(f.port(0));
            final int other = device(f.port(1));
            final long modeled = op(p, PlatformOp.MODELED_NANOS);
            final int a = p.allocate();
            final int b = p.allocate();
            assertNotEquals(DmaPlatform.NO_BUFFER, a);
            assertNotEquals(a, b, "two allocations, two buffers");
            assertEquals(2, op(p, PlatformOp.BUFFER_ALLOC), "buffer_allocs");
            assertEquals(p.bufferCount() - 2, p.freeBuffers(), "freeBuffers()");
            final long h1 = p.map(device, a, 0, p.bufferSize(), DmaDirection.FROM_DEVICE);
            final long h2 = p.map(other, a, 0, 128, DmaDirection.TO_DEVICE);
            assertNotEquals(DmaPlatform.MAP_FAILED, h1);
            assertNotEquals(DmaPlatform.MAP_FAILED, h2);
            assertEquals(2, op(p, PlatformOp.DMA_MAP), "dma_maps");
            assertEquals(2, p.liveMappings(), "liveMappings()");
            p.sync(device, h1, 64, DmaDirection.FROM_DEVICE);
            p.unmap(other, h2, 128, DmaDirection.TO_DEVICE);
            assertEquals(1, op(p, PlatformOp.DMA_UNMAP), "dma_unmaps");
            assertEquals(1, p.liveMappings(), "liveMappings()");
            assertThrows(IllegalStateException.class, () -> p.unmap(other, h2, 128, DmaDirection.TO_DEVICE),
                    "a second unmap of the same handle is a caller bug");
            final long g = p.grant(other, a, DeviceAccess.READ);
            assertNotEquals(DmaPlatform.MAP_FAILED, g, "grant of a mapped buffer");
            p.revoke(other, a);
            assertEquals(1, op(p, PlatformOp.PERMISSION_GRANT), "permission_grants");
            assertEquals(1, op(p, PlatformOp.PERMISSION_REVOKE), "permission_revokes");
            p.unmap(device, h1, p.bufferSize(), DmaDirection.FROM_DEVICE);
            assertEquals(0, p.liveMappings());
            final var memory = p.memory();
            for (int i = 0; i < 100; i++) {
                memory.set(java.lang.foreign.ValueLayout.JAVA_BYTE, p.bufferOffset(a) + 10 + i, (byte) (i * 7));
            }
            p.copy(a, 10, b, 30, 100);
            for (int i = 0; i < 100; i++) {
                assertEquals((byte) (i * 7), memory.get(java.lang.foreign.ValueLayout.JAVA_BYTE,
                        p.bufferOffset(b) + 30 + i), "copy() moved byte " + i);
            }
            assertEquals(1, op(p, PlatformOp.COPY), "copies");
            assertEquals(100, op(p, PlatformOp.COPY_BYTES), "copy_bytes");
            p.free(a);
            p.free(b);
            assertEquals(2, op(p, PlatformOp.BUFFER_FREE), "buffer_frees");
            assertThrows(IllegalStateException.class, () -> p.free(a), "a second free is a caller bug");
            assertTrue(op(p, PlatformOp.MODELED_NANOS) >= modeled, "the modeled clock never goes back");
            final List<Integer> all = new ArrayList<>();
            for (int i = 0; i < p.bufferCount(); i++) {
                final int x = p.allocate();
                assertNotEquals(DmaPlatform.NO_BUFFER, x, "allocation " + i + " of " + p.bufferCount());
                all.add(x);
            }
            assertEquals(p.bufferCount(), new HashSet<>(all).size(), "every buffer handed out once");
            assertEquals(0, p.freeBuffers());
            assertEquals(DmaPlatform.NO_BUFFER, p.allocate(), "allocate() on an exhausted platform");
            all.forEach(p::free);
            assertEquals(p.bufferCount(), p.freeBuffers());
            f.assertNothingHeld("after freeing every buffer");
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------

    @Test
    void shouldCloseIdempotentlyReleasingEverythingEvenWithBuffersInRings() throws Exception {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int round = 0; round < 10; round++) {
            final NicFixture f = open();
            final NicPort port = f.port(0);
            f.post(port, Math.min(port.rxFreeSlots(), 16));
            port.commitRx();
            if (offersTraffic()) {
                f.poll(port, 3, 4); // some frames handed out, some filled and waiting: all left as they are
            }
            final PacketBatch batch = new PacketBatch(8);
            fillBatch(f, f.port(1), batch, 8);
            f.port(1).txBurst(batch);
            final var memory = f.platform().memory();
            f.close();
            f.close();
            f.session().close();
            assertFalse(memory.scope().isAlive(), "close() releases the buffer memory");
        }
        final long deadline = System.nanoTime() + 5_000_000_000L;
        List<String> stray;
        do {
            stray = new ArrayList<>();
            for (final Thread t : Thread.getAllStackTraces().keySet()) {
                final ThreadGroup group = t.getThreadGroup();
                if (!before.contains(t) && t.isAlive() && group != null && !"system".equals(group.getName())) {
                    stray.add(t.getName());
                }
            }
            if (!stray.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!stray.isEmpty() && System.nanoTime() < deadline);
        assertEquals(List.of(), stray, "threads left running after close()");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Takes every frame still waiting on {@code port}, reclaims the rest; the fixture still owns the buffers. */
    private void drain(final NicFixture f, final NicPort port) {
        f.reclaimAll(port);
        f.poll(port, port.rxHeld() * 2 + 4, 64);
        assertEquals(0, port.rxHeld(), "everything handed out or reclaimed");
    }

    private static void assertReturnedOnce(final List<Integer> posted, final List<NicFixture.Slot> back,
            final Map<Integer, Long> handles, final String what) {
        final Set<Integer> seen = new HashSet<>();
        for (final NicFixture.Slot s : back) {
            assertTrue(seen.add(s.buffer()), what + ": buffer " + s.buffer() + " came back twice");
            assertTrue(handles.containsKey(s.buffer()), what + ": buffer " + s.buffer() + " was never posted");
            assertEquals(handles.get(s.buffer()), s.dma(), what + ": buffer " + s.buffer()
                    + " comes back with the handle it was posted with");
        }
        assertEquals(new HashSet<>(posted), seen, what + ": every posted buffer comes back");
    }
}
