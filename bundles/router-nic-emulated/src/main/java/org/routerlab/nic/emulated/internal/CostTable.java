package org.routerlab.nic.emulated.internal;

/**
 * The modeled CPU cost of each platform and device operation, in picoseconds, for the emulated platform's
 * {@code flat} profile: a guest with no hypervisor tax on mappings beyond the DMA-API bookkeeping. Every default
 * names its source in {@code MODEL.md} beside this bundle (notes/costs.md, section D). The faithful Xen PV,
 * strict-IOMMU and vIOMMU profiles belong to the ixgbevf model of a later issue.
 */
final class CostTable {
    /** dma_map_single on a guest-local buffer: half of the 25 ns map+unmap bracket (costs.md D#2, derived). */
    long mapPs = 12_500;
    /** dma_unmap_single: the other half of D#2. */
    long unmapPs = 12_500;
    /** dma_sync on a coherent platform without bounce: no work. */
    long syncPs = 0;
    /** Grant issue/revoke by the granting guest: a shared-table write + wmb (costs.md D#5, ~8 ns). */
    long grantPs = 8_000;
    long revokePs = 8_000;
    /** Buffer allocation / free from a free list: calibration parameter, no literature figure (costs.md D, [A]). */
    long allocPs = 10_000;
    long freePs = 10_000;
    /** CPU copy: fixed part (call overhead) plus hot-cache bytes at 0.017 ns/B (costs.md D#3, measured [L]). */
    long copyFixedPs = 3_000;
    long copyPsPerByte = 17;
    /** A tail (doorbell) register write, an uncached MMIO store: calibration parameter ([A], costs.md D#10). */
    long tailWritePs = 60_000;
}
