package org.routerlab.api.trace;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import org.routerlab.api.packet.PacketView;

/**
 * The per-packet records of one burst, in a fixed layout that a trace store copies as one block: the forwarding
 * thread fills one entry per received packet (in rx order) and hands the whole block to
 * {@link TraceSink#packets}; a reader hands a block back to {@link TraceVisitor#packets}.
 *
 * <p>Entry {@code i} is {@link #entryBytes()} = {@value #FIXED_BYTES} + {@link #snapLength()} bytes at
 * {@code i * entryBytes()} of {@link #array()}; integers are little-endian, unaligned:
 * <pre>
 *   byte 0                 8        12       16     18     20    21      22      23      24     26     28       32
 *       +-----------------+--------+--------+------+------+-----+-------+-------+-------+------+------+--------+----------+
 *       | rx modeled ns   | src ip | dst ip | sport| dport|proto|verdict|ingress|egress |length|caplen|next hop| snap     |
 *       |      i64        |  i32   |  i32   | u16  | u16  | u8  |  u8   |  u8   |  u8   | u16  | u16  |  i32   | bytes    |
 *       +-----------------+--------+--------+------+------+-----+-------+-------+-------+------+------+--------+----------+
 * </pre>
 * <ul>
 *   <li>rx modeled ns: {@link org.routerlab.api.packet.PacketBatch#stamp} (the modeled timeline when the device
 *       DMA'd the frame; 0 when the backend has no modeled clock);</li>
 *   <li>src ip, dst ip, sport, dport, proto: from the IPv4 header and the first four bytes of the transport header
 *       as received (0 where the frame has none);</li>
 *   <li>verdict: {@link #FORWARDED}, or 1 + {@link org.routerlab.api.engine.DropReason#id()};</li>
 *   <li>ingress, egress: port indices ({@link #NO_PORT} for a packet that was not routed to a port);</li>
 *   <li>length: the frame length; caplen: how many of its first bytes follow in snap (the rest of snap is 0);</li>
 *   <li>next hop: the id the lookup returned, -1 when there was no lookup.</li>
 * </ul>
 *
 * <p><b>NOTE: single-threaded</b>, allocated once per run (never per packet or burst), re-filled every burst.
 */
public final class PacketRecords {
    public static final int STAMP = 0;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 12;
    public static final int SOURCE_PORT = 16;
    public static final int DESTINATION_PORT = 18;
    public static final int PROTOCOL = 20;
    public static final int VERDICT = 21;
    public static final int INGRESS = 22;
    public static final int EGRESS = 23;
    public static final int LENGTH = 24;
    public static final int CAPTURED = 26;
    public static final int NEXT_HOP = 28;
    /** Bytes of an entry before the snap bytes. */
    public static final int FIXED_BYTES = 32;
    /** The verdict of a packet handed to the egress port. */
    public static final int FORWARDED = 0;
    /** Egress of a packet that was not routed to a port. */
    public static final int NO_PORT = 0xFF;
    /** Largest snap length. */
    public static final int MAX_SNAP = 1024;

    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final int capacity;
    private final int snapLength;
    private final int entryBytes;
    private final byte[] array;
    private final MemorySegment segment;
    private int size;

    /**
     * @param capacity most entries (the burst size)
     * @param snapLength frame bytes kept per packet, 0..{@value #MAX_SNAP}
     */
    public PacketRecords(final int capacity, final int snapLength) {
        if (capacity < 1 || capacity > 4096) {
            throw new IllegalArgumentException("capacity=" + capacity + " must be in 1..4096");
        }
        if (snapLength < 0 || snapLength > MAX_SNAP) {
            throw new IllegalArgumentException("trace.snap=" + snapLength + " must be in 0.." + MAX_SNAP);
        }
        this.capacity = capacity;
        this.snapLength = snapLength;
        this.entryBytes = FIXED_BYTES + snapLength;
        this.array = new byte[capacity * entryBytes];
        this.segment = MemorySegment.ofArray(array);
    }

    public int capacity() { return capacity; }
    public int snapLength() { return snapLength; }
    public int entryBytes() { return entryBytes; }
    public int size() { return size; }

    /** The backing array: entries {@code [0, size())} occupy its first {@code size() * entryBytes()} bytes. */
    public byte[] array() { return array; }

    /** Sets the number of valid entries (a writer after filling them, a reader after copying a block in). */
    public void size(final int size) {
        if (size < 0 || size > capacity) {
            throw new IllegalArgumentException("size=" + size + " capacity=" + capacity);
        }
        this.size = size;
    }

    /**
     * Fills entry {@code i} from the frame {@code view} wraps (before any rewrite): addresses, ports, protocol,
     * length and the first bytes; verdict {@link #FORWARDED}, no egress, next hop -1. No allocation.
     *
     * @param ipv4 whether the frame passed enough validation for its IPv4 header to be read
     */
    public void fill(final int i, final PacketView view, final long stamp, final int ingress, final boolean ipv4) {
        final byte[] a = array;
        final int at = i * entryBytes;
        final int length = view.length();
        I64.set(a, at + STAMP, stamp);
        if (ipv4) {
            I32.set(a, at + SOURCE, view.sourceAddress());
            I32.set(a, at + DESTINATION, view.destinationAddress());
            final int sport = view.sourcePort();
            final int dport = view.destinationPort();
            I16.set(a, at + SOURCE_PORT, (short) (sport < 0 ? 0 : sport));
            I16.set(a, at + DESTINATION_PORT, (short) (dport < 0 ? 0 : dport));
            a[at + PROTOCOL] = (byte) view.protocol();
        } else {
            I64.set(a, at + SOURCE, 0L);
            I32.set(a, at + SOURCE_PORT, 0);
            a[at + PROTOCOL] = 0;
        }
        a[at + VERDICT] = FORWARDED;
        a[at + INGRESS] = (byte) ingress;
        a[at + EGRESS] = (byte) NO_PORT;
        I16.set(a, at + LENGTH, (short) length);
        final int captured = Math.min(length, snapLength);
        I16.set(a, at + CAPTURED, (short) captured);
        I32.set(a, at + NEXT_HOP, -1);
        if (captured > 0) {
            MemorySegment.copy(view.memory(), view.base(), segment, at + FIXED_BYTES, captured);
        }
        if (captured < snapLength) {
            java.util.Arrays.fill(a, at + FIXED_BYTES + captured, at + FIXED_BYTES + snapLength, (byte) 0);
        }
    }

    /** Records the outcome of entry {@code i}: verdict, egress port and next hop. */
    public void outcome(final int i, final int verdict, final int egress, final int nextHop) {
        final int at = i * entryBytes;
        array[at + VERDICT] = (byte) verdict;
        array[at + EGRESS] = (byte) egress;
        I32.set(array, at + NEXT_HOP, nextHop);
    }

    /** Sets only the verdict of entry {@code i} (a frame the egress could not take after all). */
    public void verdict(final int i, final int verdict) {
        array[i * entryBytes + VERDICT] = (byte) verdict;
    }

    public long stamp(final int i) { return (long) I64.get(array, i * entryBytes + STAMP); }
    public int source(final int i) { return (int) I32.get(array, i * entryBytes + SOURCE); }
    public int destination(final int i) { return (int) I32.get(array, i * entryBytes + DESTINATION); }
    public int sourcePort(final int i) { return (short) I16.get(array, i * entryBytes + SOURCE_PORT) & 0xFFFF; }
    public int destinationPort(final int i) {
        return (short) I16.get(array, i * entryBytes + DESTINATION_PORT) & 0xFFFF;
    }
    public int protocol(final int i) { return array[i * entryBytes + PROTOCOL] & 0xFF; }
    public int verdict(final int i) { return array[i * entryBytes + VERDICT] & 0xFF; }
    public int ingress(final int i) { return array[i * entryBytes + INGRESS] & 0xFF; }
    public int egress(final int i) { return array[i * entryBytes + EGRESS] & 0xFF; }
    public int length(final int i) { return (short) I16.get(array, i * entryBytes + LENGTH) & 0xFFFF; }
    public int captured(final int i) { return (short) I16.get(array, i * entryBytes + CAPTURED) & 0xFFFF; }
    public int nextHop(final int i) { return (int) I32.get(array, i * entryBytes + NEXT_HOP); }
    /** Offset in {@link #array()} of entry {@code i}'s snap bytes. */
    public int snapOffset(final int i) { return i * entryBytes + FIXED_BYTES; }

    /** Whether the verdict of entry {@code i} is a drop; the reason id is then {@code verdict - 1}. */
    public boolean dropped(final int i) { return verdict(i) != FORWARDED; }
}
