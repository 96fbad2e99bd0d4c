package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class P2mTableTest {
    @Test
    void shouldMakeEveryBoundaryADiscontinuityAtContiguityZero() {
        final P2mTable t = P2mTable.scattered(1000, 0x100000, 0.0, 1);
        assertEquals(999, t.discontinuities());
        for (int p = 0; p + 1 < 1000; p++) {
            assertFalse(t.continuesAfter(p), "pfn " + p);
        }
    }

    @Test
    void shouldBeIdentityLikeAtContiguityOne() {
        final P2mTable t = P2mTable.scattered(1000, 0x100000, 1.0, 1);
        assertEquals(0, t.discontinuities());
        assertEquals(0x100000 + 17, t.mfn(17));
    }

    @Test
    void shouldInvertEveryFrameAndOwnNothingElse() {
        final P2mTable t = P2mTable.scattered(4096, 0x100000, 0.5, 42);
        final Set<Integer> machine = new HashSet<>();
        for (int p = 0; p < t.frames(); p++) {
            final int mfn = t.mfn(p);
            assertTrue(mfn >= t.mfnBase() && mfn < t.mfnBase() + t.machineSpan());
            assertTrue(machine.add(mfn), "mfn used twice: " + mfn);
            assertEquals(p, t.pfn(mfn));
        }
        assertEquals(-1, t.pfn(0x100000 - 1));
        assertEquals(-1, t.pfn(0x100000L + t.machineSpan()));
        final int gaps = t.machineSpan() - t.frames();
        assertTrue(gaps > 0);
        for (long m = t.mfnBase(); m < t.mfnBase() + t.machineSpan(); m++) {
            if (t.pfn(m) < 0) {
                machine.add((int) m);
            }
        }
        assertEquals(t.machineSpan(), machine.size());
    }

    @Test
    void shouldHaveAboutTheRequestedContiguity() {
        final P2mTable t = P2mTable.scattered(100_000, 0x100000, 0.75, 3);
        final double measured = 1 - t.discontinuities() / 99_999.0;
        assertEquals(0.75, measured, 0.01);
    }

    @Test
    void shouldBeDeterministicInTheSeed() {
        final P2mTable a = P2mTable.scattered(512, 0x100000, 0.3, 9);
        final P2mTable b = P2mTable.scattered(512, 0x100000, 0.3, 9);
        final P2mTable c = P2mTable.scattered(512, 0x100000, 0.3, 10);
        final int[] ma = new int[512];
        final int[] mb = new int[512];
        final int[] mc = new int[512];
        for (int p = 0; p < 512; p++) {
            ma[p] = a.mfn(p);
            mb[p] = b.mfn(p);
            mc[p] = c.mfn(p);
        }
        assertArrayEquals(ma, mb);
        assertFalse(java.util.Arrays.equals(ma, mc));
    }

    @Test
    void shouldRejectAContiguityOutsideZeroToOne() {
        assertEquals("nic.p2m.contiguity=1.5 must be a fraction in 0..1",
                assertThrows(IllegalArgumentException.class, () -> P2mTable.scattered(8, 0, 1.5, 1)).getMessage());
    }
}
