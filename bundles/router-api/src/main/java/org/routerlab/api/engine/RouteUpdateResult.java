package org.routerlab.api.engine;

/**
 * What a live route update did.
 *
 * @param added prefixes that were not routed before
 * @param replaced prefixes whose next hop changed
 * @param withdrawn prefixes removed
 * @param ignored withdrawals of prefixes that were not present
 * @param routes routes in the table now published
 * @param buildNanos time to build (or update) the new lookup table, off the data path
 * @param publishNanos time from publishing the new table until no forwarding thread could read the old one
 */
public record RouteUpdateResult(int added, int replaced, int withdrawn, int ignored, int routes, long buildNanos,
        long publishNanos) {
}
