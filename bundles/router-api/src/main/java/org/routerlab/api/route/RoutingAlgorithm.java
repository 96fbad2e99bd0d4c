package org.routerlab.api.route;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A longest-prefix-match algorithm plug-in (binary trie, DIR-24-8, Poptrie, …), registered as an OSGi service with
 * the service property {@value org.routerlab.api.nic.NicBackend#NAME_PROPERTY} ({@code --set routing=NAME}).
 * Builds are done on the control plane, never on the forwarding thread.
 */
@ConsumerType
public interface RoutingAlgorithm {
    String name();

    default String description() { return name(); }

    /** Builds a lookup table for {@code routes}. */
    RouteTable build(RouteSet routes);

    /**
     * Returns a table for {@code updated}, which differs from {@code current.routes()} by a few routes. The default
     * rebuilds; an algorithm that can copy-and-patch does so. Never mutates {@code current}, which readers may
     * still be using.
     */
    default RouteTable update(final RouteTable current, final RouteSet updated) {
        return build(updated);
    }
}
