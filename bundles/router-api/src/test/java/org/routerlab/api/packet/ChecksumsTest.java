package org.routerlab.api.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int WORDS = 10;
    private static final int CHECKSUM_WORD = Ipv4Layout.CHECKSUM / 2;

    @Test
    void shouldComputeRfc1071Example() {
        // RFC 1071 section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to 0xddf2; the checksum is its complement.
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment m = bytes(arena, 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
            assertEquals(0xDDF2, Checksums.onesComplementSum(m, 0, 8));
            assertEquals(0x220D, Checksums.internetChecksum(m, 0, 8));
        }
    }

    @Test
    void shouldComputeKnownIpv4HeaderChecksum() {
        // 192.168.0.1 -> 192.168.0.199, UDP, TTL 64, total length 115, DF: checksum 0xb861.
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment m = bytes(arena, 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
                    0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7);
            assertEquals(0xB861, Checksums.internetChecksum(m, 0, 20));
            m.set(U16, Ipv4Layout.CHECKSUM, (short) 0xB861);
            assertEquals(0xFFFF, Checksums.onesComplementSum(m, 0, 20), "a valid header sums to 0xFFFF");
        }
    }

    @Test
    void shouldPadOddLengthWithZeroByteAndHonourOffset() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment m = bytes(arena, 0xAA, 0x01, 0x02, 0x03, 0xBB);
            assertEquals(0x0402, Checksums.onesComplementSum(m, 1, 3));
            assertEquals(0x0100, Checksums.onesComplementSum(m, 1, 1));
            assertEquals(0, Checksums.onesComplementSum(m, 1, 0));
        }
    }

    @Test
    void shouldFoldCarriesEndAround() {
        try (Arena arena = Arena.ofConfined()) {
            // 0xFFFF + 0x0001 = 0x10000 -> 0x0001; 0xFFFF * 4 -> 0xFFFF.
            assertEquals(0x0001, Checksums.onesComplementSum(bytes(arena, 0xFF, 0xFF, 0x00, 0x01), 0, 4));
            final MemorySegment ones = arena.allocate(8).fill((byte) 0xFF);
            assertEquals(0xFFFF, Checksums.onesComplementSum(ones, 0, 8));
            // Long regions: 64 KiB of 0xFF bytes still folds correctly.
            final MemorySegment big = arena.allocate(1 << 16).fill((byte) 0xFF);
            assertEquals(0xFFFF, Checksums.onesComplementSum(big, 0, 1 << 16));
            assertEquals(reference(big, 1 << 16), Checksums.onesComplementSum(big, 0, 1 << 16));
        }
    }

    @Test
    void shouldMatchReferenceSumOnRandomData() {
        final SplittableRandom random = new SplittableRandom(3);
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment m = arena.allocate(1600);
            for (int round = 0; round < 2_000; round++) {
                final int length = random.nextInt(1600);
                for (int i = 0; i < length; i++) {
                    m.set(ValueLayout.JAVA_BYTE, i, (byte) random.nextInt());
                }
                assertEquals(reference(m, length), Checksums.onesComplementSum(m, 0, length), "length=" + length);
            }
        }
    }

    @Test
    void shouldUpdateIncrementallyAsFullRecomputationForRandomHeadersAndWords() {
        final SplittableRandom random = new SplittableRandom(1624);
        final int[] edges = {0x0000, 0xFFFF, 0x0001, 0xFFFE, 0x8000, 0x7FFF, 0x0100, 0x00FF};
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment header = arena.allocate(2 * WORDS);
            for (int round = 0; round < 200_000; round++) {
                for (int w = 0; w < WORDS; w++) {
                    header.set(U16, 2L * w, (short) word(random, edges));
                }
                header.set(U16, Ipv4Layout.CHECKSUM, (short) 0);
                if (round % 4 == 0) {
                    forceChecksumZero(header, random);
                }
                final int before = Checksums.internetChecksum(header, 0, 2 * WORDS);
                int w = random.nextInt(WORDS - 1);
                w = w >= CHECKSUM_WORD ? w + 1 : w;
                final int oldWord = header.get(U16, 2L * w) & 0xFFFF;
                final int newWord = word(random, edges);
                header.set(U16, 2L * w, (short) newWord);
                final int full = Checksums.internetChecksum(header, 0, 2 * WORDS);
                final int incremental = Checksums.incrementalUpdate(before, oldWord, newWord);
                if (allZero(header)) {
                    // Degenerate: all covered data zero. The full sum is +0 (checksum 0xFFFF), RFC 1624 eqn. 3 gives
                    // the other one's-complement zero. Cannot happen for IPv4 (the version nibble is 4).
                    assertEquals(0xFFFF, full);
                    assertTrue(incremental == 0x0000 || incremental == 0xFFFF, Integer.toHexString(incremental));
                    continue;
                }
                if (full != incremental) {
                    assertEquals(full, incremental, String.format("round=%d word=%d old=%04x new=%04x before=%04x",
                            round, w, oldWord, newWord, before));
                }
            }
        }
    }

    @Test
    void shouldProduceZeroChecksumRatherThanNegativeZero() {
        // RFC 1624 section 4: a data sum of 0xFFFF must give checksum 0x0000 after an update (eqn. 2 gave 0xFFFF).
        // Data 0x5555 + 0xAAAA = 0xFFFF; the first word was 0x0000 and becomes 0x5555.
        final int before = ~0xAAAA & 0xFFFF;
        assertEquals(0x0000, Checksums.incrementalUpdate(before, 0x0000, 0x5555));
        // And the reverse: a checksum of 0x0000 updated away from it.
        assertEquals(~0xAAAA & 0xFFFF, Checksums.incrementalUpdate(0x0000, 0x5555, 0x0000));
        // No change, no effect.
        assertEquals(0x1234, Checksums.incrementalUpdate(0x1234, 0xBEEF, 0xBEEF));
    }

    @Test
    void shouldUpdateTtlDecrementLikeRouters() {
        // TTL/protocol word 0x4011 -> 0x3f11 on the known header: 0xb861 -> 0xb961.
        assertEquals(0xB961, Checksums.incrementalUpdate(0xB861, 0x4011, 0x3F11));
    }

    /** Sets the identification word so that the data sums to 0xFFFF, making the checksum 0x0000. */
    private static void forceChecksumZero(final MemorySegment header, final SplittableRandom random) {
        header.set(U16, Ipv4Layout.IDENTIFICATION, (short) 0);
        final int sum = Checksums.onesComplementSum(header, 0, 2 * WORDS);
        header.set(U16, Ipv4Layout.IDENTIFICATION, (short) (0xFFFF - sum));
        assertEquals(0x0000, Checksums.internetChecksum(header, 0, 2 * WORDS));
    }

    private static boolean allZero(final MemorySegment header) {
        for (int w = 0; w < WORDS; w++) {
            if (header.get(U16, 2L * w) != 0) {
                return false;
            }
        }
        return true;
    }

    private static int word(final SplittableRandom random, final int[] edges) {
        return random.nextInt(3) == 0 ? edges[random.nextInt(edges.length)] : random.nextInt(0x10000);
    }

    /** Sum of 16-bit big-endian words modulo 0xFFFF, kept in 1..0xFFFF unless all words are zero. */
    private static int reference(final MemorySegment m, final int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            final int hi = m.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            final int lo = i + 1 < length ? m.get(ValueLayout.JAVA_BYTE, i + 1) & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        if (sum == 0) {
            return 0;
        }
        final long folded = sum % 0xFFFF;
        return folded == 0 ? 0xFFFF : (int) folded;
    }

    private static MemorySegment bytes(final Arena arena, final int... values) {
        final MemorySegment m = arena.allocate(values.length);
        for (int i = 0; i < values.length; i++) {
            m.set(ValueLayout.JAVA_BYTE, i, (byte) values[i]);
        }
        return m;
    }
}
