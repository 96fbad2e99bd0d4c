package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapCaptureTest {
    @TempDir
    Path dir;

    private Path write(final String name, final byte[] bytes) throws Exception {
        final Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private PcapCapture open(final byte[] bytes) throws Exception {
        return PcapCapture.open(write("c.cap", bytes), 2048);
    }

    private CaptureFormatException malformed(final byte[] bytes) throws Exception {
        final Path p = write("bad.cap", bytes);
        final CaptureFormatException e = assertThrows(CaptureFormatException.class, () -> PcapCapture.open(p, 2048));
        assertTrue(e.getMessage().startsWith(p + ": offset " + e.offset() + ": "), e.getMessage());
        return e;
    }

    private static int lastByte(final PcapCapture c, final int frame) {
        return c.memory().get(ValueLayout.JAVA_BYTE, c.offset(frame) + c.length(frame) - 1);
    }

    @Test
    void shouldReadLibpcapInBothByteOrdersAndResolutions() throws Exception {
        for (final ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            for (final boolean nanos : new boolean[] {false, true}) {
                final long unit = nanos ? 1 : 1000;
                final byte[] file = new CaptureFiles.Pcap(order, nanos)
                        .record(1_700_000_000L, 5, CaptureFiles.frame(1, 60))
                        .record(1_700_000_000L, 25, CaptureFiles.frame(2, 64))
                        .record(1_700_000_001L, 5, CaptureFiles.frame(3, 1514)).bytes();
                try (PcapCapture c = open(file)) {
                    assertEquals(nanos ? "pcap-ns" : "pcap", c.format());
                    assertEquals(3, c.frames());
                    assertEquals(0, c.time(0));
                    assertEquals(20 * unit, c.time(1));
                    assertEquals(1_000_000_000L, c.time(2));
                    assertEquals(64, c.length(1));
                    assertEquals(40, c.offset(0), "24-byte file header + 16-byte record header");
                    assertEquals(3, lastByte(c, 2));
                }
            }
        }
    }

    @Test
    void shouldReadPcapngBlocksAndSkipTheOnesItDoesNotNeed() throws Exception {
        final byte[] file = new CaptureFiles.Pcapng(ByteOrder.LITTLE_ENDIAN)
                .iface(1, -1)                        // microseconds
                .iface(1, 9)                         // nanoseconds
                .other()
                .enhanced(0, 1_000_000, CaptureFiles.frame(1, 60))   // 1 s
                .enhanced(1, 1_000_000_500L, CaptureFiles.frame(2, 61)) // 1 s + 500 ns
                .obsolete(0, 1_000_002, CaptureFiles.frame(3, 62))   // 1 s + 2 µs
                .simple(CaptureFiles.frame(4, 63))
                .bytes();
        try (PcapCapture c = open(file)) {
            assertEquals("pcapng", c.format());
            assertEquals(4, c.frames());
            assertEquals(0, c.time(0));
            assertEquals(500, c.time(1));
            assertEquals(2_000, c.time(2));
            assertEquals(2_000, c.time(3), "a simple packet block has no time: it comes with the frame before");
            assertEquals(61, c.length(1));
            for (int i = 0; i < 4; i++) {
                assertEquals(i + 1, lastByte(c, i));
            }
        }
    }

    @Test
    void shouldReadABigEndianSectionAndBinaryTimestampResolution() throws Exception {
        final byte[] file = new CaptureFiles.Pcapng(ByteOrder.BIG_ENDIAN)
                .iface(1, 0x80 | 10) // 2^-10 s per tick
                .enhanced(0, 1024, CaptureFiles.frame(1, 60))
                .enhanced(0, 1024 + 512, CaptureFiles.frame(2, 60))
                .section(ByteOrder.LITTLE_ENDIAN).iface(1, 6)
                .enhanced(0, 2_000_000, CaptureFiles.frame(3, 60))
                .bytes();
        try (PcapCapture c = open(file)) {
            assertEquals(3, c.frames());
            assertEquals(500_000_000L, c.time(1), "512/1024 s");
            assertEquals(1_000_000_000L, c.time(2), "interfaces are per section: 2 s in the second");
        }
    }

    @Test
    void shouldKeepTimeFromRunningBackwards() throws Exception {
        final byte[] file = new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false)
                .record(10, 0, CaptureFiles.frame(1, 60))
                .record(12, 0, CaptureFiles.frame(2, 60))
                .record(11, 0, CaptureFiles.frame(3, 60)).bytes();
        try (PcapCapture c = open(file)) {
            assertEquals(2_000_000_000L, c.time(2), "out of order: arrives with its predecessor");
        }
    }

    @Test
    void shouldSkipFramesLongerThanAnRxBufferAndEmptyOnes() throws Exception {
        final byte[] file = new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false)
                .record(1, 0, CaptureFiles.frame(1, 60))
                .record(1, 1, CaptureFiles.frame(2, 9000))
                .record(1, 2, new byte[0])
                .record(1, 3, CaptureFiles.frame(4, 60)).bytes();
        try (PcapCapture c = open(file)) {
            assertEquals(2, c.frames());
            assertEquals(2, c.skipped());
            assertEquals(4, lastByte(c, 1));
        }
    }

    @Test
    void shouldRejectMalformedLibpcapWithOffsetAndCause() throws Exception {
        assertEquals(0, malformed(new byte[] {1, 2}).offset());
        final CaptureFormatException magic = malformed("GIF89a-not-a-capture-file".getBytes());
        assertEquals(0, magic.offset());
        assertTrue(magic.reason().startsWith("unknown magic number 0x47494638"), magic.reason());

        final byte[] good = new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false)
                .record(1, 0, CaptureFiles.frame(1, 60))
                .record(1, 1, CaptureFiles.frame(2, 60)).bytes();
        final CaptureFormatException header = malformed(Arrays.copyOf(good, 20));
        assertEquals("truncated pcap file header: 20 of 24 bytes", header.reason());

        final CaptureFormatException data = malformed(Arrays.copyOf(good, good.length - 10));
        assertEquals(24 + 76 + 16, data.offset(), "the second record's data");
        assertEquals("truncated packet data: 50 of 60 bytes", data.reason());

        final CaptureFormatException record = malformed(Arrays.copyOf(good, 24 + 76 + 5));
        assertEquals(24 + 76, record.offset());
        assertEquals("truncated record header: 5 of 16 bytes", record.reason());

        final byte[] version = good.clone();
        version[4] = 3;
        assertEquals(4, malformed(version).offset());

        final CaptureFormatException link = malformed(new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false, 113)
                .record(1, 0, CaptureFiles.frame(1, 60)).bytes());
        assertEquals(20, link.offset());
        assertEquals("link type 113 is not Ethernet (1)", link.reason());

        final CaptureFormatException fraction = malformed(new CaptureFiles.Pcap(ByteOrder.BIG_ENDIAN, false)
                .record(1, 1_000_000, CaptureFiles.frame(1, 60)).bytes());
        assertEquals(28, fraction.offset());

        final byte[] huge = new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false)
                .record(1, 0, CaptureFiles.frame(1, 60)).bytes();
        huge[24 + 8] = 0;
        huge[24 + 9] = 0;
        huge[24 + 10] = 0x10; // captured length 1 MiB
        assertEquals(32, malformed(huge).offset());

        final CaptureFormatException empty = malformed(new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false).bytes());
        assertEquals("no frame to replay (the capture is empty)", empty.reason());
    }

    @Test
    void shouldRejectMalformedPcapngWithOffsetAndCause() throws Exception {
        final CaptureFiles.Pcapng ng = new CaptureFiles.Pcapng(ByteOrder.LITTLE_ENDIAN).iface(1, -1);
        final int firstPacket = ng.size();
        final byte[] good = ng.enhanced(0, 1, CaptureFiles.frame(1, 60)).enhanced(0, 2, CaptureFiles.frame(2, 60))
                .bytes();

        final CaptureFormatException cut = malformed(Arrays.copyOf(good, good.length - 8));
        assertEquals(firstPacket + 92 + 4, cut.offset(), "the second packet block's length");
        assertTrue(cut.reason().startsWith("block of 92 bytes runs past the end of the file"), cut.reason());

        final byte[] trailing = good.clone();
        trailing[firstPacket + 92 - 4] = 88;
        final CaptureFormatException t = malformed(trailing);
        assertEquals(firstPacket + 92 - 4, t.offset());
        assertEquals("trailing block length 88 differs from the leading 92", t.reason());

        final byte[] odd = good.clone();
        odd[firstPacket + 4] = 90;
        assertEquals("block total length 90 is not a multiple of 4 of at least 12", malformed(odd).reason());

        final byte[] magic = good.clone();
        magic[8] = 0;
        assertEquals(8, malformed(magic).offset());

        final byte[] noSection = Arrays.copyOfRange(good, 28, good.length);
        final CaptureFormatException noShb = malformed(noSection);
        assertEquals(0, noShb.offset());
        assertTrue(noShb.reason().startsWith("unknown magic number"), "pcapng starts with a section header block");

        final CaptureFormatException undefined = malformed(new CaptureFiles.Pcapng(ByteOrder.LITTLE_ENDIAN)
                .iface(1, -1).enhanced(3, 1, CaptureFiles.frame(1, 60)).bytes());
        assertEquals("interface id 3 is not defined in this section (1 interfaces)", undefined.reason());

        final CaptureFormatException wifi = malformed(new CaptureFiles.Pcapng(ByteOrder.BIG_ENDIAN)
                .iface(105, -1).enhanced(0, 1, CaptureFiles.frame(1, 60)).bytes());
        assertEquals("interface 0 has link type 105, not Ethernet (1)", wifi.reason());

        final byte[] tooLong = good.clone();
        tooLong[firstPacket + 20] = 100; // captured length 100 in a block with 60 bytes of data
        final CaptureFormatException c = malformed(tooLong);
        assertEquals(firstPacket + 20, c.offset());
        assertEquals("captured length 100 exceeds the block's 60 bytes of data", c.reason());
    }
}
