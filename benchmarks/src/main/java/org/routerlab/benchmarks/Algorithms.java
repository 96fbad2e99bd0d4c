package org.routerlab.benchmarks;

import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.route.dir16.internal.Dir16Algorithm;
import org.routerlab.route.dir24.internal.Dir24Algorithm;
import org.routerlab.route.poptrie.internal.PoptrieAlgorithm;
import org.routerlab.route.trie.internal.BinaryTrieAlgorithm;

/** The routing algorithms by their {@code routerlab.name}, instantiated as DS would (they need no activation). */
final class Algorithms {
    private Algorithms() {
    }

    static RoutingAlgorithm byName(final String name) {
        return switch (name) {
            case BinaryTrieAlgorithm.NAME -> new BinaryTrieAlgorithm();
            case Dir24Algorithm.NAME -> new Dir24Algorithm();
            case PoptrieAlgorithm.NAME -> new PoptrieAlgorithm();
            case Dir16Algorithm.NAME -> new Dir16Algorithm();
            default -> throw new IllegalArgumentException("algorithm=" + name + " is not one of binary-trie, dir-24-8, "
                    + "poptrie");
        };
    }
}
