package org.routerlab.nic.afxdp.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Big-endian field access and MAC read/write on frames in off-heap memory; stateless. */
final class Frames {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private Frames() {
    }

    static int u8(final MemorySegment m, final long at) {
        return m.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    static void u8(final MemorySegment m, final long at, final int v) {
        m.set(ValueLayout.JAVA_BYTE, at, (byte) v);
    }

    static int u16(final MemorySegment m, final long at) {
        return m.get(U16, at) & 0xFFFF;
    }

    static void u16(final MemorySegment m, final long at, final int v) {
        m.set(U16, at, (short) v);
    }

    static int u32(final MemorySegment m, final long at) {
        return m.get(U32, at);
    }

    static void u32(final MemorySegment m, final long at, final int v) {
        m.set(U32, at, v);
    }

    static long mac(final MemorySegment m, final long at) {
        return ((long) u16(m, at) << 32) | (m.get(U32, at + 2) & 0xFFFF_FFFFL);
    }

    static void mac(final MemorySegment m, final long at, final long mac) {
        m.set(U16, at, (short) (mac >>> 32));
        m.set(U32, at + 2, (int) mac);
    }

    /** Whether the MAC is a group (multicast or broadcast) address. */
    static boolean isGroup(final long mac) {
        return ((mac >>> 40) & 1) != 0;
    }
}
