package org.routerlab.nic.ixgbevf.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A cost profile ({@code --set profile=NAME}): which mechanism a DMA mapping goes through, and the price of every
 * {@link CostParameter} (defaults, overridden by {@code cost.KEY=NANOSECONDS}). The six profiles answer "what does
 * the platform's tax on buffer management cost here?" for the places the 2012 paper's idea may or may not pay off:
 * <pre>
 *   profile        guest        map                                   unmap
 *   paper          Xen PV       hypercall + bounce (always)           hypercall + bounce copy back
 *   xen-pv         Xen PV       P2M lookup(s); bounce only if needed  M2P lookup; copy back if bounced
 *   iommu-strict   bare metal   IOVA + IOMMU PTE                      PTE clear + IOTLB invalidation now
 *   iommu-lazy     bare metal   IOVA + IOMMU PTE                      PTE clear; invalidation batched (250 / 10 ms)
 *   kvm-viommu     KVM guest    IOVA + PTE + invalidation (trap)      PTE clear + invalidation (trap), strict
 *   none           bare metal   dma-direct bookkeeping                dma-direct bookkeeping
 * </pre>
 * Immutable.
 */
final class CostProfile {
    /** How IOTLB invalidations are issued. */
    enum Invalidation { NONE, STRICT, DEFERRED }

    /** The mechanisms. */
    enum Kind {
        /** The 2012 paper's assumption: every map and every unmap is a hypervisor call, and every mapping bounces. */
        PAPER("paper", true, true, true, Invalidation.NONE, false),
        /** What swiotlb-xen does (costs.md B1): a P2M lookup; a bounce only when the buffer is not DMA-capable or
         *  straddles a page boundary onto a non-contiguous machine frame; grants are local writes. */
        XEN_PV("xen-pv", true, false, false, Invalidation.NONE, false),
        /** Bare metal, intel_iommu=strict: an IOTLB invalidation per unmap (costs.md C2). */
        IOMMU_STRICT("iommu-strict", false, false, false, Invalidation.STRICT, false),
        /** Bare metal, default deferred invalidation: flushed at a high-water mark of 250 or after 10 ms
         *  (Linux "PCI: iommu: iotlb flushing", costs.md C2). */
        IOMMU_LAZY("iommu-lazy", false, false, false, Invalidation.DEFERRED, false),
        /** A KVM guest with an emulated VT-d (caching mode): every invalidation, after map and after unmap, traps to
         *  the hypervisor; invalidations are strict. */
        KVM_VIOMMU("kvm-viommu", false, false, false, Invalidation.STRICT, true),
        /** Bare metal without an IOMMU: dma-direct. */
        NONE("none", false, false, false, Invalidation.NONE, false);

        final String profileName;
        /** A Xen PV guest: P2M translation, hypervisor, swiotlb-xen with its boot-time fixup. */
        final boolean xen;
        /** Every mapping goes through a bounce slot. */
        final boolean bounceAlways;
        /** Every map and unmap is a hypercall. */
        final boolean hypercallPerMapping;
        /** IOMMU present (not NONE) and how it invalidates. */
        final Invalidation invalidation;
        /** Invalidations trap to the hypervisor, and maps need one too (VT-d caching mode). */
        final boolean virtualIommu;

        Kind(final String profileName, final boolean xen, final boolean bounceAlways,
                final boolean hypercallPerMapping, final Invalidation invalidation, final boolean virtualIommu) {
            this.profileName = profileName;
            this.xen = xen;
            this.bounceAlways = bounceAlways;
            this.hypercallPerMapping = hypercallPerMapping;
            this.invalidation = invalidation;
            this.virtualIommu = virtualIommu;
        }

        boolean iommu() { return invalidation != Invalidation.NONE; }

        static Kind byName(final String name) {
            for (final Kind k : values()) {
                if (k.profileName.equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("profile=" + name + " is not a cost profile (profiles: "
                    + Arrays.stream(values()).map(k -> k.profileName).collect(Collectors.joining(", ")) + ")");
        }
    }

    /** The profile when {@code profile} is not set: what a real PV guest does. */
    static final String DEFAULT = Kind.XEN_PV.profileName;
    static final String COST_PREFIX = "cost.";
    /** {@code cost.mode}: not a price but how the modeled clock is kept. */
    static final String MODE_KEY = "cost.mode";

    private final Kind kind;
    private final long[] picos;

    private CostProfile(final Kind kind, final long[] picos) {
        this.kind = kind;
        this.picos = picos;
    }

    /** The profile {@code name} with the defaults. */
    static CostProfile named(final String name) {
        return of(name, Map.of());
    }

    /**
     * The profile {@code name} with every {@code cost.KEY} of {@code config} applied.
     *
     * @throws IllegalArgumentException for an unknown profile, an unknown {@code cost.} key or a bad value
     */
    static CostProfile of(final String name, final Map<String, String> config) {
        final Kind kind = Kind.byName(name == null || name.isBlank() ? DEFAULT : name.strip());
        final long[] picos = new long[CostParameter.count()];
        for (final CostParameter p : CostParameter.values()) {
            picos[p.ordinal()] = p.defaultPicos();
        }
        for (final Map.Entry<String, String> e : config.entrySet()) {
            final String key = e.getKey();
            if (!key.startsWith(COST_PREFIX) || key.equals(MODE_KEY)) {
                continue;
            }
            final CostParameter p = CostParameter.byKey(key.substring(COST_PREFIX.length()));
            if (p == null) {
                throw new IllegalArgumentException(key + "=" + e.getValue() + ": no such cost parameter (parameters: "
                        + Arrays.stream(CostParameter.values()).map(CostParameter::key)
                                .collect(Collectors.joining(", ")) + ", and cost.mode)");
            }
            picos[p.ordinal()] = parseNanos(key, e.getValue());
        }
        return new CostProfile(kind, picos);
    }

    private static long parseNanos(final String key, final String value) {
        final double ns;
        try {
            ns = Double.parseDouble(value.strip());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(key + "=" + value + " is not a number of nanoseconds");
        }
        if (!(ns >= 0) || ns > 1e9) {
            throw new IllegalArgumentException(key + "=" + value + " must be in 0..1000000000 ns");
        }
        return Math.round(ns * 1000);
    }

    /**
     * The same prices under profile {@code name} (a live profile swap: {@code cost.KEY} overrides are the run's, not
     * the profile's, so they carry over).
     *
     * @throws IllegalArgumentException for an unknown profile (the message lists the profiles)
     */
    CostProfile as(final String name) {
        return new CostProfile(Kind.byName(name == null ? "" : name.strip()), picos);
    }

    Kind kind() { return kind; }

    String name() { return kind.profileName; }

    /** The price of {@code p} in picoseconds. */
    long picos(final CostParameter p) { return picos[p.ordinal()]; }

    @Override
    public String toString() {
        return kind.profileName + Arrays.stream(CostParameter.values())
                .filter(p -> picos(p) != p.defaultPicos())
                .map(p -> p.key() + "=" + String.format(Locale.ROOT, "%.3f", picos(p) / 1000.0))
                .collect(Collectors.joining(", ", "[", "]"));
    }
}
