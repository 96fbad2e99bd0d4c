package org.routerlab.api.route;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A longest-prefix-match lookup structure built by a {@link RoutingAlgorithm}. Immutable once built: the engine
 * publishes a new table atomically and reclaims the old one when no reader can still use it.
 *
 * <p><b>Threading.</b> {@link #lookup} and {@link #lookupBulk} are read-only, allocation-free and safe for any
 * number of concurrent readers.
 */
@ConsumerType
public interface RouteTable extends AutoCloseable {
    /** What {@link #lookup} returns when no route matches. */
    int NO_ROUTE = -1;

    /** The next-hop id of the longest prefix matching {@code address}, or {@link #NO_ROUTE}. */
    int lookup(int address);

    /**
     * Looks up {@code addresses[0..count)} into {@code nextHops[0..count)}. Implementations should make this at
     * least as fast per address as {@link #lookup} (the engine always calls the bulk form once per burst).
     */
    default void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        for (int i = 0; i < count; i++) {
            nextHops[i] = lookup(addresses[i]);
        }
    }

    /** The route set this table was built from (next-hop ids index its {@link RouteSet#nextHops()}). */
    RouteSet routes();

    /** Bytes of memory the lookup structure occupies (for {@code router routes stats}). */
    long memoryBytes();

    /**
     * Releases what the table holds outside the Java heap (off-heap segments). The engine calls it only after a
     * grace period in which every forwarding thread has passed a burst boundary since the table was replaced, so no
     * reader can still use it (RCU-style reclamation). The default does nothing, for heap-only tables.
     */
    @Override
    default void close() {
    }
}
