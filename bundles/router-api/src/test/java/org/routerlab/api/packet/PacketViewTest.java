package org.routerlab.api.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PacketViewTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int IP = EthernetLayout.HEADER_LENGTH;
    /** Frames start at odd offsets so that nothing depends on alignment or on the frame being at offset 0. */
    private static final long FRAME = 131;
    private static final int FRAME_LENGTH = 60;

    private Arena arena;
    private MemorySegment memory;
    private final PacketView view = new PacketView();

    @BeforeEach
    void allocate() {
        arena = Arena.ofConfined();
        memory = arena.allocate(4096);
        memory.fill((byte) 0xA5);
        writeUdpFrame(memory, FRAME);
    }

    @AfterEach
    void release() {
        arena.close();
    }

    @Test
    void shouldWrapAndReportPosition() {
        assertSame(view, view.wrap(memory, FRAME, FRAME_LENGTH));
        assertSame(memory, view.memory());
        assertEquals(FRAME, view.base());
        assertEquals(FRAME_LENGTH, view.length());
    }

    @Test
    void shouldReadEthernetAndIpv4Fields() {
        view.wrap(memory, FRAME, FRAME_LENGTH);
        assertEquals(0x0200_0A00_0001L, view.destinationMac());
        assertEquals(0xFEDC_BA98_7654L, view.sourceMac());
        assertEquals(EthernetLayout.TYPE_IPV4, view.etherType());
        assertEquals(4, view.ipVersion());
        assertEquals(20, view.ipHeaderLength());
        assertEquals(46, view.ipTotalLength());
        assertEquals(64, view.ttl());
        assertEquals(Ipv4Layout.PROTOCOL_UDP, view.protocol());
        assertEquals(Ipv4Address.parse("192.168.0.1"), view.sourceAddress());
        assertEquals(Ipv4Address.parse("203.0.113.200"), view.destinationAddress());
        assertEquals(40000, view.sourcePort());
        assertEquals(53, view.destinationPort());
        assertTrue(view.ipChecksumValid());
    }

    @Test
    void shouldReportMissingPortsOnTruncatedFrame() {
        view.wrap(memory, FRAME, IP + 20 + 3);
        assertEquals(40000, view.sourcePort());
        assertEquals(-1, view.destinationPort());
        view.wrap(memory, FRAME, IP + 20 + 1);
        assertEquals(-1, view.sourcePort());
    }

    @Test
    void shouldWriteMacsAndEtherTypeWithoutTouchingNeighbours() {
        final byte[] before = memory.toArray(ValueLayout.JAVA_BYTE);
        view.wrap(memory, FRAME, FRAME_LENGTH);
        view.destinationMac(0xFFFF_FFFF_FFFFL);
        view.sourceMac(0x8000_0000_0001L);
        assertEquals(0xFFFF_FFFF_FFFFL, view.destinationMac());
        assertEquals(0x8000_0000_0001L, view.sourceMac());
        assertEquals(EthernetLayout.TYPE_IPV4, view.etherType());
        view.destinationMac(MacAddress.parse("02:00:0a:00:00:02"));
        assertEquals("02:00:0a:00:00:02", MacAddress.format(view.destinationMac()));
        assertEquals((byte) 0x02, memory.get(ValueLayout.JAVA_BYTE, FRAME));
        assertEquals((byte) 0x02, memory.get(ValueLayout.JAVA_BYTE, FRAME + 5));
        view.etherType(EthernetLayout.TYPE_ARP);
        assertEquals(EthernetLayout.TYPE_ARP, view.etherType());
        view.etherType(EthernetLayout.TYPE_IPV4);

        final byte[] after = memory.toArray(ValueLayout.JAVA_BYTE);
        for (int i = 0; i < after.length; i++) {
            if (i < FRAME || i >= FRAME + 12) {
                assertEquals(before[i], after[i], "byte " + i + " changed");
            }
        }
    }

    @Test
    void shouldRecomputeChecksumSoThatItVerifies() {
        view.wrap(memory, FRAME, FRAME_LENGTH);
        memory.set(U32, FRAME + IP + Ipv4Layout.DESTINATION, Ipv4Address.parse("10.1.2.3"));
        assertFalse(view.ipChecksumValid());
        view.recomputeIpChecksum();
        assertTrue(view.ipChecksumValid());
        assertEquals(expectedChecksum(FRAME), view.ipChecksum());
        memory.set(ValueLayout.JAVA_BYTE, FRAME + IP + Ipv4Layout.TOS, (byte) 1);
        assertFalse(view.ipChecksumValid());
    }

    @Test
    void shouldCoverOptionsInChecksum() {
        view.wrap(memory, FRAME, FRAME_LENGTH);
        memory.set(ValueLayout.JAVA_BYTE, FRAME + IP, (byte) 0x46);
        memory.set(U32, FRAME + IP + 20, 0x01010100);
        view.recomputeIpChecksum();
        assertEquals(24, view.ipHeaderLength());
        assertTrue(view.ipChecksumValid());
        memory.set(ValueLayout.JAVA_BYTE, FRAME + IP + 23, (byte) 7);
        assertFalse(view.ipChecksumValid(), "an option byte is covered");
    }

    @Test
    void shouldDecrementTtlAndKeepChecksumValid() {
        view.wrap(memory, FRAME, FRAME_LENGTH);
        memory.set(ValueLayout.JAVA_BYTE, FRAME + IP + Ipv4Layout.TTL, (byte) 255);
        view.recomputeIpChecksum();
        for (int ttl = 255; ttl > 1; ttl--) {
            final byte[] before = memory.toArray(ValueLayout.JAVA_BYTE);
            view.decrementTtl();
            assertEquals(ttl - 1, view.ttl());
            assertTrue(view.ipChecksumValid(), "ttl=" + ttl);
            assertEquals(expectedChecksum(FRAME), view.ipChecksum(), "ttl=" + ttl);
            assertEquals(Ipv4Layout.PROTOCOL_UDP, view.protocol());
            final byte[] after = memory.toArray(ValueLayout.JAVA_BYTE);
            for (int i = 0; i < after.length; i++) {
                final long at = i - FRAME - IP;
                if (at != Ipv4Layout.TTL && at != Ipv4Layout.CHECKSUM && at != Ipv4Layout.CHECKSUM + 1) {
                    assertEquals(before[i], after[i], "byte " + i + " changed");
                }
            }
        }
    }

    @Test
    void shouldDecrementTtlOnRandomHeadersIncludingChecksumEdges() {
        final SplittableRandom random = new SplittableRandom(5);
        view.wrap(memory, FRAME, FRAME_LENGTH);
        int zeroChecksums = 0;
        for (int round = 0; round < 50_000; round++) {
            for (int off = 2; off < 20; off += 2) {
                memory.set(U16, FRAME + IP + off, (short) random.nextInt(0x10000));
            }
            memory.set(ValueLayout.JAVA_BYTE, FRAME + IP + Ipv4Layout.TTL, (byte) (2 + random.nextInt(254)));
            if (round % 2 == 0) {
                // Choose the identification so that the checksum after the decrement is 0x0000 (data sum 0xFFFF).
                memory.set(ValueLayout.JAVA_BYTE, FRAME + IP + Ipv4Layout.TTL, (byte) (view.ttl() - 1));
                memory.set(U16, FRAME + IP + Ipv4Layout.IDENTIFICATION, (short) 0);
                memory.set(U16, FRAME + IP + Ipv4Layout.CHECKSUM, (short) 0);
                final int sum = Checksums.onesComplementSum(memory, FRAME + IP, 20);
                memory.set(U16, FRAME + IP + Ipv4Layout.IDENTIFICATION, (short) (0xFFFF - sum));
                memory.set(ValueLayout.JAVA_BYTE, FRAME + IP + Ipv4Layout.TTL, (byte) (view.ttl() + 1));
            }
            view.recomputeIpChecksum();
            final int ttl = view.ttl();
            view.decrementTtl();
            assertEquals(ttl - 1, view.ttl());
            assertEquals(expectedChecksum(FRAME), view.ipChecksum(), "round=" + round);
            assertTrue(view.ipChecksumValid(), "round=" + round);
            zeroChecksums += view.ipChecksum() == 0 ? 1 : 0;
        }
        assertTrue(zeroChecksums >= 25_000, "the 0x0000 edge case was exercised: " + zeroChecksums);
    }

    @Test
    void shouldRewrapOverAnotherFrame() {
        final long second = 1031;
        writeUdpFrame(memory, second);
        memory.set(U32, second + IP + Ipv4Layout.SOURCE, Ipv4Address.parse("10.9.9.9"));
        view.wrap(memory, second, FRAME_LENGTH);
        assertEquals(Ipv4Address.parse("10.9.9.9"), view.sourceAddress());
        view.decrementTtl();
        view.wrap(memory, FRAME, FRAME_LENGTH);
        assertEquals(64, view.ttl(), "the first frame is untouched");
        assertEquals(Ipv4Address.parse("192.168.0.1"), view.sourceAddress());
    }

    /** The checksum of the IPv4 header at {@code frame} computed from scratch on a copy with the field zeroed. */
    private int expectedChecksum(final long frame) {
        final int length = (memory.get(ValueLayout.JAVA_BYTE, frame + IP) & 0x0F) * 4;
        final byte[] header = memory.asSlice(frame + IP, length).toArray(ValueLayout.JAVA_BYTE);
        header[Ipv4Layout.CHECKSUM] = 0;
        header[Ipv4Layout.CHECKSUM + 1] = 0;
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += ((header[i] & 0xFF) << 8) | (header[i + 1] & 0xFF);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) ~sum & 0xFFFF;
    }

    /** A 60-byte Ethernet/IPv4/UDP frame 192.168.0.1:40000 -> 203.0.113.200:53, TTL 64, valid header checksum. */
    private static void writeUdpFrame(final MemorySegment m, final long at) {
        final byte[] frame = new byte[FRAME_LENGTH];
        final byte[] head = {
            0x02, 0x00, 0x0a, 0x00, 0x00, 0x01,                         // destination MAC
            (byte) 0xfe, (byte) 0xdc, (byte) 0xba, (byte) 0x98, 0x76, 0x54, // source MAC
            0x08, 0x00,                                                 // IPv4
            0x45, 0x00, 0x00, 0x2e, 0x12, 0x34, 0x40, 0x00,             // v4 IHL 5, total 46, id, DF
            0x40, 0x11, 0x00, 0x00,                                     // TTL 64, UDP, checksum
            (byte) 0xc0, (byte) 0xa8, 0x00, 0x01,                       // 192.168.0.1
            (byte) 0xcb, 0x00, 0x71, (byte) 0xc8,                       // 203.0.113.200
            (byte) 0x9c, 0x40, 0x00, 0x35, 0x00, 0x1a, 0x00, 0x00,      // UDP 40000 -> 53, length 26
        };
        System.arraycopy(head, 0, frame, 0, head.length);
        MemorySegment.copy(frame, 0, m, ValueLayout.JAVA_BYTE, at, frame.length);
        final int checksum = Checksums.internetChecksum(m, at + IP, 20);
        m.set(U16, at + IP + Ipv4Layout.CHECKSUM, (short) checksum);
        assertArrayEquals(new byte[] {0x45, 0x00}, m.asSlice(at + IP, 2).toArray(ValueLayout.JAVA_BYTE));
    }
}
