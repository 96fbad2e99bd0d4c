package org.routerlab.nic.ixgbevf.internal;

import org.routerlab.api.platform.PlatformOp;

/**
 * The Xen hypervisor as the guest sees it: hypercalls counted by type and charged entry/exit plus the work of the
 * operation, and pvops Linux's multicall batching ({@code arch/x86/xen/multicalls.c}: entries are queued and issued
 * as one {@code HYPERVISOR_multicall} when {@value #MC_BATCH} are pending or the caller flushes; costs.md B2).
 *
 * <p>A multicall counts once as {@link PlatformOp#HYPERCALL_MULTICALL}, whatever its entries are; each entry is
 * charged its own work. Work done while {@linkplain #setup(boolean) setting up} (boot-time fixups) is charged to the
 * clock's setup account, not to the run. Single-threaded.
 */
final class Hypervisor {
    /** Hypercalls issued on their own, by type. */
    enum Hypercall {
        MEMORY_EXCHANGE(PlatformOp.HYPERCALL_MEMORY_EXCHANGE, CostParameter.MEMORY_EXCHANGE, "memory_exchange"),
        MMU_UPDATE(PlatformOp.HYPERCALL_MMU_UPDATE, CostParameter.MMU_UPDATE, "mmu_update"),
        GRANT_TABLE_OP(PlatformOp.HYPERCALL_GRANT_TABLE_OP, CostParameter.GRANT_TABLE_OP, "grant_table_op");

        final PlatformOp op;
        final CostParameter work;
        final String key;

        Hypercall(final PlatformOp op, final CostParameter work, final String key) {
            this.op = op;
            this.work = work;
            this.key = key;
        }

        static Hypercall byKey(final String key) {
            for (final Hypercall h : values()) {
                if (h.key.equals(key)) {
                    return h;
                }
            }
            throw new IllegalArgumentException("nic.paper.hypercall=" + key
                    + " must be memory_exchange, mmu_update or grant_table_op");
        }
    }

    /** {@code MC_BATCH} in arch/x86/xen/multicalls.c (costs.md B2). */
    static final int MC_BATCH = 32;

    private final OpCounts counters;
    private final ModeledClock clock;
    private final long entryPicos;
    private final long[] workPicos = new long[Hypercall.values().length];
    private final long mcEntryPicos;
    private boolean setup;
    private int pendingEntries;
    private long pendingWorkPicos;

    Hypervisor(final OpCounts counters, final ModeledClock clock, final CostProfile costs) {
        this.counters = counters;
        this.clock = clock;
        this.entryPicos = costs.picos(CostParameter.HYPERCALL);
        for (final Hypercall h : Hypercall.values()) {
            workPicos[h.ordinal()] = costs.picos(h.work);
        }
        this.mcEntryPicos = costs.picos(CostParameter.MULTICALL_ENTRY);
    }

    /** While true, everything is charged to the clock's setup account (boot-time work). */
    void setup(final boolean setup) {
        this.setup = setup;
    }

    /** Issues one hypercall of {@code type}. */
    void call(final Hypercall type) {
        counters.increment(type.op);
        charge(entryPicos + workPicos[type.ordinal()]);
    }

    /** Queues one multicall entry of {@code type}'s work; issues the batch when it is full. */
    void queue(final Hypercall type) {
        queueWork(workPicos[type.ordinal()]);
    }

    /** Queues one {@code update_va_mapping} entry (page-table update of one page); issues the batch when full. */
    void queueUpdateVaMapping() {
        queueWork(mcEntryPicos);
    }

    private void queueWork(final long picos) {
        pendingEntries++;
        pendingWorkPicos += picos;
        if (pendingEntries == MC_BATCH) {
            flush();
        }
    }

    /** Issues the pending entries as one multicall ({@code xen_mc_issue}); nothing when none are pending. */
    void flush() {
        if (pendingEntries == 0) {
            return;
        }
        counters.increment(PlatformOp.HYPERCALL_MULTICALL);
        charge(entryPicos + pendingWorkPicos);
        pendingEntries = 0;
        pendingWorkPicos = 0;
    }

    int pendingEntries() { return pendingEntries; }

    /**
     * {@code xen_create_contiguous_region} for {@code pages} pages (costs.md B2): zap the PTEs (one
     * update_va_mapping entry per page, multicalls), {@code XENMEM_exchange} for one machine-contiguous extent, remap
     * (one entry per page, multicalls, the last one flushing the TLB).
     */
    void createContiguousRegion(final int pages) {
        for (int i = 0; i < pages; i++) {
            queueUpdateVaMapping();
        }
        flush();
        call(Hypercall.MEMORY_EXCHANGE);
        for (int i = 0; i < pages; i++) {
            queueUpdateVaMapping();
        }
        flush();
    }

    private void charge(final long picos) {
        if (setup) {
            clock.chargeSetup(picos);
        } else {
            clock.charge(picos);
        }
    }
}
