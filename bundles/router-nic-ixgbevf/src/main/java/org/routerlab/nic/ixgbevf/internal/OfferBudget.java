package org.routerlab.nic.ixgbevf.internal;

/**
 * The packets all ports of a session may still offer when a run is bounded by a packet count ({@code --packets N}):
 * shared by the ports so the total is exact. Unlimited when the limit is 0. Single-threaded.
 */
final class OfferBudget {
    private final long limit;
    private long taken;

    OfferBudget(final long limit) {
        this.limit = limit;
    }

    /** Grants up to {@code wanted} arrivals. */
    long take(final long wanted) {
        if (limit == 0 || wanted <= 0) {
            return Math.max(0, wanted);
        }
        final long granted = Math.min(wanted, limit - taken);
        taken += granted;
        return granted;
    }

    boolean exhausted() {
        return limit != 0 && taken == limit;
    }
}
