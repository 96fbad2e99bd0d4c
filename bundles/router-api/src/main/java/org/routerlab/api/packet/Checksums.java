package org.routerlab.api.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Internet checksum arithmetic (RFC 1071) and its incremental update (RFC 1624), over off-heap memory. */
public final class Checksums {
    private static final ValueLayout.OfShort U16_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private Checksums() {
    }

    /** One's-complement sum of {@code length} bytes folded to 16 bits, not inverted. */
    public static int onesComplementSum(final MemorySegment memory, final long offset, final int length) {
        long sum = 0;
        int i = 0;
        for (; i + 1 < length; i += 2) {
            sum += memory.get(U16_BE, offset + i) & 0xFFFF;
        }
        if (i < length) {
            sum += (memory.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The Internet checksum (RFC 1071) of a region whose checksum field is zero. */
    public static int internetChecksum(final MemorySegment memory, final long offset, final int length) {
        return ~onesComplementSum(memory, offset, length) & 0xFFFF;
    }

    /**
     * RFC 1624 eqn. 3: the new checksum HC' = ~(~HC + ~m + m') after one 16-bit word of the covered data changes
     * from {@code oldWord} to {@code newWord}.
     */
    public static int incrementalUpdate(final int checksum, final int oldWord, final int newWord) {
        int sum = (~checksum & 0xFFFF) + (~oldWord & 0xFFFF) + (newWord & 0xFFFF);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return ~sum & 0xFFFF;
    }
}
