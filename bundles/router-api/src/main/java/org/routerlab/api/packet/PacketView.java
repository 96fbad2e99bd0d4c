package org.routerlab.api.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A re-wrappable flyweight over one Ethernet/IPv4 frame in off-heap memory. It is created once per thread and
 * {@link #wrap wrapped} over each packet in turn, so reading and rewriting headers allocates nothing.
 *
 * <p>Accessors read the wire (big-endian) format directly from the segment; they do not validate. Callers check
 * {@link #length()} before touching a field ({@code router-core}'s validator does this once per packet).
 * Not thread-safe: one instance per thread.
 */
public final class PacketView {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    private static final int IP = EthernetLayout.HEADER_LENGTH;

    private MemorySegment memory;
    private long base;
    private int length;

    /** Points this view at the frame of {@code length} bytes starting at {@code offset} in {@code memory}. */
    public PacketView wrap(final MemorySegment memory, final long offset, final int length) {
        this.memory = memory;
        this.base = offset;
        this.length = length;
        return this;
    }

    public MemorySegment memory() { return memory; }
    public long base() { return base; }
    public int length() { return length; }

    // Ethernet
    public long destinationMac() { return readMac(base + EthernetLayout.DESTINATION); }
    public long sourceMac() { return readMac(base + EthernetLayout.SOURCE); }
    public void destinationMac(final long mac) { writeMac(base + EthernetLayout.DESTINATION, mac); }
    public void sourceMac(final long mac) { writeMac(base + EthernetLayout.SOURCE, mac); }
    public int etherType() { return memory.get(U16, base + EthernetLayout.ETHER_TYPE) & 0xFFFF; }
    public void etherType(final int type) { memory.set(U16, base + EthernetLayout.ETHER_TYPE, (short) type); }

    // IPv4, relative to the Ethernet header
    public int ipVersion() { return (memory.get(U8, base + IP) & 0xF0) >>> 4; }
    /** Header length in bytes (IHL × 4). */
    public int ipHeaderLength() { return (memory.get(U8, base + IP) & 0x0F) << 2; }
    public int ipTotalLength() { return memory.get(U16, base + IP + Ipv4Layout.TOTAL_LENGTH) & 0xFFFF; }
    public int ttl() { return memory.get(U8, base + IP + Ipv4Layout.TTL) & 0xFF; }
    public int protocol() { return memory.get(U8, base + IP + Ipv4Layout.PROTOCOL) & 0xFF; }
    public int ipChecksum() { return memory.get(U16, base + IP + Ipv4Layout.CHECKSUM) & 0xFFFF; }
    public int sourceAddress() { return memory.get(U32, base + IP + Ipv4Layout.SOURCE); }
    public int destinationAddress() { return memory.get(U32, base + IP + Ipv4Layout.DESTINATION); }
    /** First 16 bits of the transport header (the source port for TCP and UDP), -1 if not present. */
    public int sourcePort() {
        final int off = IP + ipHeaderLength();
        return off + 2 <= length ? memory.get(U16, base + off) & 0xFFFF : -1;
    }
    /** Second 16 bits of the transport header (the destination port for TCP and UDP), -1 if not present. */
    public int destinationPort() {
        final int off = IP + ipHeaderLength() + 2;
        return off + 2 <= length ? memory.get(U16, base + off) & 0xFFFF : -1;
    }

    /** True when the header checksum over IHL×4 bytes verifies (sums to 0xFFFF). */
    public boolean ipChecksumValid() {
        final int headerLength = ipHeaderLength();
        if (headerLength == Ipv4Layout.MIN_HEADER_LENGTH) {
            // The common case, no options: five 32-bit loads, summed in 64 bits and folded (RFC 1071 allows any
            // word size that is a multiple of 16 bits).
            final long at = base + IP;
            long sum = (memory.get(U32, at) & 0xFFFF_FFFFL) + (memory.get(U32, at + 4) & 0xFFFF_FFFFL)
                    + (memory.get(U32, at + 8) & 0xFFFF_FFFFL) + (memory.get(U32, at + 12) & 0xFFFF_FFFFL)
                    + (memory.get(U32, at + 16) & 0xFFFF_FFFFL);
            sum = (sum & 0xFFFF_FFFFL) + (sum >>> 32);
            sum = (sum & 0xFFFF) + (sum >>> 16);
            sum = (sum & 0xFFFF) + (sum >>> 16);
            sum = (sum & 0xFFFF) + (sum >>> 16);
            return sum == 0xFFFF;
        }
        return Checksums.onesComplementSum(memory, base + IP, headerLength) == 0xFFFF;
    }

    /** Recomputes the header checksum from scratch (for generators and tests, not the forwarding path). */
    public void recomputeIpChecksum() {
        memory.set(U16, base + IP + Ipv4Layout.CHECKSUM, (short) 0);
        memory.set(U16, base + IP + Ipv4Layout.CHECKSUM,
                (short) Checksums.internetChecksum(memory, base + IP, ipHeaderLength()));
    }

    /**
     * Decrements the TTL by one and patches the header checksum incrementally (RFC 1624), touching only the
     * TTL/protocol word and the checksum. The caller has checked that the TTL is above 1.
     */
    public void decrementTtl() {
        final long ttlAt = base + IP + Ipv4Layout.TTL;
        final int oldWord = memory.get(U16, ttlAt) & 0xFFFF;
        final int newWord = oldWord - 0x0100;
        memory.set(U16, ttlAt, (short) newWord);
        final long sumAt = base + IP + Ipv4Layout.CHECKSUM;
        memory.set(U16, sumAt, (short) Checksums.incrementalUpdate(memory.get(U16, sumAt) & 0xFFFF, oldWord, newWord));
    }

    private long readMac(final long at) {
        return ((long) (memory.get(U16, at) & 0xFFFF) << 32) | (memory.get(U32, at + 2) & 0xFFFF_FFFFL);
    }

    private void writeMac(final long at, final long mac) {
        memory.set(U16, at, (short) (mac >>> 32));
        memory.set(U32, at + 2, (int) mac);
    }
}
