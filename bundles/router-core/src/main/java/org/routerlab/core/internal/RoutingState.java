package org.routerlab.core.internal;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * What the data path needs to route, published as one immutable unit so a burst sees either the old state or the
 * new one, never a mix: the lookup table, the flattened next hops, and the route set they were built from.
 */
record RoutingState(RouteTable table, ResolvedNextHops hops, RouteSet routes) {
}
