package org.routerlab.testkit.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Checksums;
import org.routerlab.api.packet.EthernetLayout;
import org.routerlab.api.packet.Ipv4Layout;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaDirection;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformOp;

/**
 * An opened session under test and the bookkeeping a test needs to play the DMA strategy's part by hand: which
 * buffers it allocated, under which handle and direction each is mapped, and a {@link #releaseAll} that gives every
 * one of them back, so that {@link #assertNothingHeld} can then prove the backend leaked nothing either.
 * Single-threaded, like the data path it drives.
 */
public final class NicFixture implements AutoCloseable {
    /** A mapping the fixture made: device, handle, length and direction, as {@link DmaPlatform#unmap} wants them. */
    public record Mapping(int device, long handle, int length, DmaDirection direction) {
    }

    /** One received or completed slot, copied out of a batch. */
    public record Slot(int buffer, long offset, int length, long dma, int port) {
        static Slot of(final PacketBatch batch, final int i) {
            return new Slot(batch.buffer(i), batch.offset(i), batch.length(i), batch.dma(i), batch.port(i));
        }
    }

    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final NicSession session;
    private final DmaPlatform platform;
    private final List<NicPort> ports;
    private final int pollLimit;
    private final Runnable beforePoll;
    /** Buffers this fixture allocated and has not freed, with their live mappings (possibly none). */
    private final Map<Integer, List<Mapping>> owned = new HashMap<>();

    NicFixture(final NicSession session, final int pollLimit, final Runnable beforePoll) {
        this.session = session;
        this.platform = session.platform();
        this.ports = session.ports();
        this.pollLimit = pollLimit;
        this.beforePoll = beforePoll;
    }

    public NicSession session() { return session; }
    public DmaPlatform platform() { return platform; }
    public List<NicPort> ports() { return ports; }
    public NicPort port(final int index) { return ports.get(index); }

    /** Allocates a buffer the fixture then owns; fails the test when the platform has none. */
    public int allocate() {
        final int b = platform.allocate();
        assertNotEquals(DmaPlatform.NO_BUFFER, b, "allocate() with " + platform.freeBuffers() + " buffers free");
        owned.put(b, new ArrayList<>(1));
        return b;
    }

    /** Maps the whole of {@code buffer} for {@code device}; fails the test when the platform refuses. */
    public long map(final int buffer, final int device, final DmaDirection direction) {
        return map(buffer, device, 0, platform.bufferSize(), direction);
    }

    public long map(final int buffer, final int device, final int offset, final int length,
            final DmaDirection direction) {
        final long handle = platform.map(device, buffer, offset, length, direction);
        assertNotEquals(DmaPlatform.MAP_FAILED, handle, "map(device=" + device + ", buffer=" + buffer + ", " + direction
                + ") failed on a platform with " + platform.liveMappings() + " live mappings");
        owned.get(buffer).add(new Mapping(device, handle, length, direction));
        return handle;
    }

    /** Tears down every mapping the fixture made of {@code buffer}. */
    public void unmapAll(final int buffer) {
        final List<Mapping> mappings = owned.get(buffer);
        for (final Mapping m : mappings) {
            platform.unmap(m.device(), m.handle(), m.length(), m.direction());
        }
        mappings.clear();
    }

    /** Unmaps and frees {@code buffer}. */
    public void release(final int buffer) {
        unmapAll(buffer);
        platform.free(buffer);
        owned.remove(buffer);
    }

    /** The mapping of {@code buffer} made with {@code handle}, or null. */
    public Mapping mapping(final int buffer, final long handle) {
        for (final Mapping m : owned.getOrDefault(buffer, List.of())) {
            if (m.handle() == handle) {
                return m;
            }
        }
        return null;
    }

    /** The handle of the one mapping the fixture made of {@code buffer} (e.g. by {@link #post}). */
    public long handleOf(final int buffer) {
        final List<Mapping> mappings = owned.get(buffer);
        if (mappings == null || mappings.size() != 1) {
            throw new AssertionError("buffer " + buffer + " has " + (mappings == null ? "no" : mappings.size())
                    + " mappings, not one");
        }
        return mappings.get(0).handle();
    }

    /** Buffers allocated by the fixture and not yet released. */
    public int ownedBuffers() {
        return owned.size();
    }

    /**
     * Allocates {@code count} buffers, maps each for {@code port}'s device {@code FROM_DEVICE} and posts it; does
     * not commit. Returns the buffers in posting order.
     */
    public int[] post(final NicPort port, final int count) {
        final int[] buffers = new int[count];
        for (int i = 0; i < count; i++) {
            final int b = allocate();
            final long h = map(b, port.info().device(), DmaDirection.FROM_DEVICE);
            assertTrue(port.postRx(b, h), "postRx #" + i + " of " + count + " with rxFreeSlots() = "
                    + port.rxFreeSlots());
            buffers[i] = b;
        }
        return buffers;
    }

    /**
     * Polls {@code port} with {@code rxBurst(batch, max)} until {@code wanted} frames have come or the poll limit
     * is reached, and returns what came, in order.
     */
    public List<Slot> receive(final NicPort port, final int wanted, final int max) {
        final PacketBatch batch = new PacketBatch(Math.max(1, max));
        final List<Slot> got = new ArrayList<>();
        for (int poll = 0; poll < pollLimit && got.size() < wanted; poll++) {
            beforePoll.run();
            batch.clear();
            final int n = port.rxBurst(batch, Math.min(max, wanted - got.size()));
            assertEquals(batch.size(), n, "rxBurst returns the number of slots it appended");
            for (int i = 0; i < n; i++) {
                got.add(Slot.of(batch, i));
            }
        }
        return got;
    }

    /** Polls {@code port} {@code polls} times and returns whatever came. */
    public List<Slot> poll(final NicPort port, final int polls, final int max) {
        final PacketBatch batch = new PacketBatch(Math.max(1, max));
        final List<Slot> got = new ArrayList<>();
        for (int poll = 0; poll < polls; poll++) {
            beforePoll.run();
            batch.clear();
            final int n = port.rxBurst(batch, max);
            for (int i = 0; i < n; i++) {
                got.add(Slot.of(batch, i));
            }
        }
        return got;
    }

    /** Reaps {@code port}'s tx completions until {@code txInFlight()} is 0 or the poll limit is reached. */
    public List<Slot> reapAll(final NicPort port) {
        final PacketBatch batch = new PacketBatch(64);
        final List<Slot> got = new ArrayList<>();
        for (int poll = 0; poll < pollLimit && port.txInFlight() > 0; poll++) {
            batch.clear();
            final int n = port.reapTxCompletions(batch, batch.capacity());
            assertEquals(batch.size(), n, "reapTxCompletions returns the number of slots it appended");
            for (int i = 0; i < n; i++) {
                got.add(Slot.of(batch, i));
            }
        }
        return got;
    }

    /** Takes back every posted, unfilled rx descriptor of {@code port}. */
    public List<Slot> reclaimAll(final NicPort port) {
        final PacketBatch batch = new PacketBatch(64);
        final List<Slot> got = new ArrayList<>();
        int n;
        do {
            batch.clear();
            n = port.reclaimRx(batch, batch.capacity());
            for (int i = 0; i < n; i++) {
                got.add(Slot.of(batch, i));
            }
        } while (n > 0);
        return got;
    }

    /**
     * Writes a minimal well-formed IPv4/UDP frame of {@code length} bytes into {@code buffer} from {@code port} to
     * the {@code .2} neighbour of its first address, and returns the frame's byte offset in the platform memory.
     */
    public long writeFrame(final int buffer, final NicPort port, final int length) {
        final MemorySegment m = platform.memory();
        final long at = platform.bufferOffset(buffer);
        final PortInfo info = port.info();
        final int source = info.addresses().isEmpty() ? 0x0a000001 : info.addresses().get(0).address();
        final int length0 = info.addresses().isEmpty() ? 24 : info.addresses().get(0).prefixLength();
        final int target = (source & (length0 == 0 ? 0 : -1 << (32 - length0))) | 2;
        m.asSlice(at, length).fill((byte) 0);
        putMac(m, at + EthernetLayout.DESTINATION, 0x020000000002L);
        putMac(m, at + EthernetLayout.SOURCE, info.mac());
        m.set(SHORT_BE, at + EthernetLayout.ETHER_TYPE, (short) EthernetLayout.TYPE_IPV4);
        final long ip = at + EthernetLayout.HEADER_LENGTH;
        m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.VERSION_IHL, (byte) 0x45);
        m.set(SHORT_BE, ip + Ipv4Layout.TOTAL_LENGTH, (short) (length - EthernetLayout.HEADER_LENGTH));
        m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.TTL, (byte) 64);
        m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.PROTOCOL, (byte) Ipv4Layout.PROTOCOL_UDP);
        m.set(INT_BE, ip + Ipv4Layout.SOURCE, source);
        m.set(INT_BE, ip + Ipv4Layout.DESTINATION, target);
        m.set(SHORT_BE, ip + Ipv4Layout.CHECKSUM,
                (short) Checksums.internetChecksum(m, ip, Ipv4Layout.MIN_HEADER_LENGTH));
        return at;
    }

    private static void putMac(final MemorySegment m, final long at, final long mac) {
        for (int i = 0; i < 6; i++) {
            m.set(ValueLayout.JAVA_BYTE, at + i, (byte) (mac >>> (40 - 8 * i)));
        }
    }

    /** Gives every buffer the fixture still owns back (unmapped and freed). */
    public void releaseAll() {
        for (final Integer b : new ArrayList<>(owned.keySet())) {
            release(b);
        }
    }

    /**
     * Asserts that nothing is allocated or mapped any more: the fixture released everything it got, so whatever is
     * left is the backend's leak.
     */
    public void assertNothingHeld(final String when) {
        assertEquals(0, platform.liveMappings(), when + ": live mappings");
        assertEquals(platform.bufferCount(), platform.freeBuffers(), when + ": free buffers");
        final long maps = platform.counters().get(PlatformOp.DMA_MAP);
        final long unmaps = platform.counters().get(PlatformOp.DMA_UNMAP);
        assertEquals(maps, unmaps, when + ": maps = unmaps");
        assertEquals(platform.counters().get(PlatformOp.BUFFER_ALLOC), platform.counters().get(PlatformOp.BUFFER_FREE),
                when + ": allocations = frees");
    }

    /** Closes the session (the fixture's buffers need not have been released: close must cope). */
    @Override
    public void close() {
        session.close();
    }
}
