package org.routerlab.api.platform;

/**
 * What a platform counts. Ids are stable (they are written into traces and JSON), names are the JSON keys.
 * Hypercalls are counted by type; a multicall counts once as {@link #HYPERCALL_MULTICALL} however many entries it
 * batches. A platform that has no hypervisor never counts the hypercall kinds.
 */
public enum PlatformOp {
    BUFFER_ALLOC(0, "buffer_allocs"),
    BUFFER_FREE(1, "buffer_frees"),
    DMA_MAP(2, "dma_maps"),
    DMA_UNMAP(3, "dma_unmaps"),
    DMA_SYNC(4, "dma_syncs"),
    DMA_MAP_FAILED(5, "dma_map_failures"),
    PERMISSION_GRANT(6, "permission_grants"),
    PERMISSION_REVOKE(7, "permission_revokes"),
    COPY(8, "copies"),
    COPY_BYTES(9, "copy_bytes"),
    BOUNCE(10, "bounces"),
    BOUNCE_BYTES(11, "bounce_bytes"),
    P2M_LOOKUP(12, "p2m_lookups"),
    IOMMU_MAP(13, "iommu_maps"),
    IOMMU_UNMAP(14, "iommu_unmaps"),
    IOTLB_INVALIDATION(15, "iotlb_invalidations"),
    HYPERCALL_MEMORY_EXCHANGE(16, "hypercalls_memory_exchange"),
    HYPERCALL_MMU_UPDATE(17, "hypercalls_mmu_update"),
    HYPERCALL_GRANT_TABLE_OP(18, "hypercalls_grant_table_op"),
    HYPERCALL_MULTICALL(19, "hypercalls_multicall"),
    DMA_FAULT(20, "dma_faults"),
    /** Modeled CPU nanoseconds charged by the cost model for all of the above. */
    MODELED_NANOS(21, "modeled_ns");

    private static final PlatformOp[] BY_ID = values();

    private final int id;
    private final String key;

    PlatformOp(final int id, final String key) {
        this.id = id;
        this.key = key;
    }

    public int id() { return id; }
    public String key() { return key; }

    public static PlatformOp byId(final int id) { return BY_ID[id]; }

    public static int count() { return BY_ID.length; }
}
