package org.routerlab.nic.ixgbevf.internal;

/**
 * Every cost the model charges, by name. A parameter's key is set with {@code --set cost.KEY=NANOSECONDS}
 * (decimals allowed); its default and where it comes from are in {@code MODEL.md} (a test checks that every key is
 * documented there). Sections like "D#2" are those of {@code notes/costs.md}; [C] confirmed, [D] derived, [S]
 * secondary, [L] measured on a VM like ours, [A] assumption / calibrated.
 *
 * <p>Which of them a run pays is the {@link CostProfile}'s business: the parameters are the prices, the profile is
 * the mechanism.
 */
enum CostParameter {
    // ---- driver and device work, every profile (calibrated, see MODEL.md "Calibration")
    /** One NAPI poll (rxBurst call): reading the next descriptor's DD bit, a DMA-written line: one cache miss [S C7]. */
    RX_POLL("rx.poll", 32),
    /** Driver rx clean per received descriptor: descriptor read, skb build, protocol receive [A, calibrated]. */
    RX_PACKET("rx.packet", 130),
    /** Writing one rx descriptor at refill [A]. */
    RX_POST("rx.post", 5),
    /** One tail (doorbell) register write, wmb + uncached MMIO store [A, costs.md D#10]. */
    TAIL_WRITE("tail.write", 60),
    /** Software forwarding per received packet: validation, route lookup, header rewrite [A, calibrated]. */
    FORWARD_PACKET("forward.packet", 50),
    /** Driver transmit per packet: tx descriptor write and bookkeeping [A, calibrated]. */
    TX_PACKET("tx.packet", 40),
    /** Driver tx clean per completed descriptor [A, calibrated]. */
    TX_CLEAN("tx.clean", 20),
    /** Buffer (skb) allocation [A, costs.md D "skb alloc/free: calibrate"]. */
    BUFFER_ALLOC("buffer.alloc", 40),
    /** Buffer (skb) free [A]. */
    BUFFER_FREE("buffer.free", 30),
    /** Fixed part of a CPU copy (call overhead) [L C5]. */
    COPY_FIXED("copy.fixed", 3),
    /** Per byte copied, hot cache: 0.017 ns/B; cold (streaming) is 0.27 ns/B [L C5, D#3]. */
    COPY_PER_BYTE("copy.per.byte", 0.017),

    // ---- DMA API
    /** DMA-API bookkeeping of one map (dma_map_single entry, dma_capable check), every profile [D D#2 lower end]. */
    DMA_MAP("dma.map", 1),
    /** DMA-API bookkeeping of one unmap [D D#2 lower end]. */
    DMA_UNMAP("dma.unmap", 1),
    /** One pfn_to_mfn: three dependent loads in the 3-level p2m tree, cached [C B4, S C7]. */
    P2M_LOOKUP("p2m.lookup", 4),
    /** One mfn_to_pfn: a load from the flat machine_to_phys array [C B4 by analogy, A]. */
    M2P_LOOKUP("m2p.lookup", 2),
    /** swiotlb slot allocation under io_tlb_lock: spin_lock/unlock 34 cycles = 14 ns [S C7, D#3]. */
    SWIOTLB_ALLOC("swiotlb.alloc", 14),
    /** swiotlb slot release under io_tlb_lock [S C7, D#3]. */
    SWIOTLB_FREE("swiotlb.free", 14),
    /** Grant issue by the granting guest: shared-table write + wmb, no hypercall [C B5, A D#5]. */
    GRANT("grant", 8),
    /** Grant revoke by the granting guest [C B5, A D#5]. */
    REVOKE("revoke", 8),

    // ---- hypervisor (Xen PV profiles)
    /** Entry and exit of one hypercall [A: with the grant-table op below, a GNTTABOP map+unmap pair costs D#4's 500 ns]. */
    HYPERCALL("hypercall", 150),
    /** Work of one GNTTABOP inside Xen, besides entry/exit [D D#4: 250 ns per op - 150 ns entry]. */
    GRANT_TABLE_OP("hypercall.grant.table.op", 100),
    /** Work of one mmu_update entry inside Xen [A, C6: no published figure]. */
    MMU_UPDATE("hypercall.mmu.update", 50),
    /** Work of one XENMEM_exchange inside Xen (per extent) [A, C6/D#8: init-time, calibrate]. */
    MEMORY_EXCHANGE("hypercall.memory.exchange", 1000),
    /** Work of one multicall entry inside Xen (update_va_mapping) [A, C6/D#7]. */
    MULTICALL_ENTRY("multicall.entry", 30),

    // ---- IOMMU (bare metal and KVM profiles)
    /** IOVA allocation (per-CPU rcache hit) + page-table entry write [A, C2]. */
    IOMMU_MAP("iommu.map", 30),
    /** Page-table entry clear [A, C2]. */
    IOMMU_UNMAP("iommu.unmap", 20),
    /** One IOTLB invalidation (queued descriptor + wait) [D/A: calibrated to the 43 % vs 91 % strict/deferred ratio, C2, D#9]. */
    IOTLB_INVALIDATE("iotlb.invalidate", 730),
    /** A trap to the hypervisor for an emulated vIOMMU invalidation (VM exit to the VMM and back) [A]. */
    VIOMMU_TRAP("viommu.trap", 3000);

    private static final CostParameter[] VALUES = values();

    private final String key;
    private final double defaultNanos;

    CostParameter(final String key, final double defaultNanos) {
        this.key = key;
        this.defaultNanos = defaultNanos;
    }

    /** The name under {@code cost.}, e.g. {@code hypercall} for {@code cost.hypercall}. */
    String key() { return key; }

    double defaultNanos() { return defaultNanos; }

    /** The default in picoseconds (the unit charged). */
    long defaultPicos() { return Math.round(defaultNanos * 1000); }

    static CostParameter byKey(final String key) {
        for (final CostParameter p : VALUES) {
            if (p.key.equals(key)) {
                return p;
            }
        }
        return null;
    }

    static int count() { return VALUES.length; }
}
