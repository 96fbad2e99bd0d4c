package org.routerlab.nic.ixgbevf.internal;

import java.util.SplittableRandom;

/**
 * The physical-to-machine table of a guest: pseudo-physical frame number (pfn) → machine frame number (mfn), and its
 * inverse (Xen's machine_to_phys). In a PV guest, frames that are adjacent pseudo-physically are adjacent in machine
 * memory only by luck of how the domain was built and ballooned (costs.md B1, B3), so a buffer that crosses a 4 KiB
 * boundary may not be machine-contiguous: that is what makes swiotlb-xen bounce it.
 *
 * <p>The table is built from a seed: pfns are cut into runs (a run continues to the next pfn with probability
 * {@code contiguity}); each run gets a machine-contiguous extent; extents are placed in shuffled order with a
 * one-frame gap between any two, so that consecutive runs are never machine-adjacent. {@code contiguity = 1} gives
 * one run (an identity-like table, as on bare metal); {@code 0} makes every frame boundary a discontinuity.
 * Logically a flat array here; Linux keeps it as a 3-level tree, which is what a lookup is charged for
 * ({@link CostParameter#P2M_LOOKUP}). Immutable after construction.
 */
final class P2mTable {
    static final int PAGE_SHIFT = 12;
    static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    static final long PAGE_MASK = PAGE_SIZE - 1;

    private final int[] p2m;
    private final int[] m2p;
    private final int mfnBase;

    private P2mTable(final int[] p2m, final int[] m2p, final int mfnBase) {
        this.p2m = p2m;
        this.m2p = m2p;
        this.mfnBase = mfnBase;
    }

    /** A table where pfn {@code p} is machine frame {@code mfnBase + p} (bare metal, or a perfectly built guest). */
    static P2mTable identity(final int frames, final int mfnBase) {
        final int[] p2m = new int[frames];
        final int[] m2p = new int[frames];
        for (int p = 0; p < frames; p++) {
            p2m[p] = mfnBase + p;
            m2p[p] = p;
        }
        return new P2mTable(p2m, m2p, mfnBase);
    }

    /** A scattered table as described above; deterministic in {@code seed}. */
    static P2mTable scattered(final int frames, final int mfnBase, final double contiguity, final long seed) {
        if (!(contiguity >= 0 && contiguity <= 1)) {
            throw new IllegalArgumentException("nic.p2m.contiguity=" + contiguity + " must be a fraction in 0..1");
        }
        if (contiguity == 1) {
            return identity(frames, mfnBase);
        }
        final SplittableRandom random = new SplittableRandom(seed ^ 0x5851F42D4C957F2DL);
        // Runs of pfns: start[r] .. start[r+1]-1.
        final int[] runStart = new int[frames + 1];
        int runs = 0;
        for (int p = 0; p < frames; p++) {
            if (p == 0 || random.nextDouble() >= contiguity) {
                runStart[runs++] = p;
            }
        }
        runStart[runs] = frames;
        // Shuffle the order in which runs are laid out in machine memory (Fisher-Yates).
        final int[] order = new int[runs];
        for (int r = 0; r < runs; r++) {
            order[r] = r;
        }
        for (int i = runs - 1; i > 0; i--) {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        final int[] p2m = new int[frames];
        final int[] m2p = new int[frames + runs];
        java.util.Arrays.fill(m2p, -1);
        int machine = 0;
        for (int i = 0; i < runs; i++) {
            final int r = order[i];
            for (int p = runStart[r]; p < runStart[r + 1]; p++) {
                p2m[p] = mfnBase + machine;
                m2p[machine] = p;
                machine++;
            }
            machine++; // the gap: the next extent never continues this one
        }
        return new P2mTable(p2m, m2p, mfnBase);
    }

    int frames() { return p2m.length; }

    /** The lowest machine frame the guest may own. */
    int mfnBase() { return mfnBase; }

    /** Machine frames spanned (owned frames and gaps): the table's machine range is [mfnBase, mfnBase + span). */
    int machineSpan() { return m2p.length; }

    /** pfn_to_mfn. */
    int mfn(final int pfn) {
        return p2m[pfn];
    }

    /** mfn_to_pfn, or -1 when the machine frame is not this guest's. */
    int pfn(final long mfn) {
        final long i = mfn - mfnBase;
        return i < 0 || i >= m2p.length ? -1 : m2p[(int) i];
    }

    /** Whether pfn {@code pfn + 1} is the machine frame right after {@code pfn}'s. */
    boolean continuesAfter(final int pfn) {
        return pfn + 1 < p2m.length && p2m[pfn + 1] == p2m[pfn] + 1;
    }

    /** Number of frame boundaries {@code p | p+1} that are machine discontinuities (for statistics and tests). */
    int discontinuities() {
        int n = 0;
        for (int p = 0; p + 1 < p2m.length; p++) {
            if (!continuesAfter(p)) {
                n++;
            }
        }
        return n;
    }
}
