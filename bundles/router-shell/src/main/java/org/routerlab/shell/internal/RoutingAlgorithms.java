package org.routerlab.shell.internal;

import java.util.List;
import org.routerlab.api.route.RoutingAlgorithm;

/** The routing algorithm services, by their {@code routerlab.name}. */
interface RoutingAlgorithms {
    /**
     * The algorithm called {@code name}, waiting briefly for one whose bundle is still starting.
     *
     * @return the algorithm, or null when none of that name is registered
     */
    RoutingAlgorithm find(String name) throws InterruptedException;

    /** The names of the registered algorithms, sorted. */
    List<String> names();
}
