package org.routerlab.core.internal;

import org.routerlab.api.dma.DmaStrategy;

/** What the forwarding thread tells the control plane when a plug-in misbehaves. Called on the forwarding thread. */
interface LoopListener {
    LoopListener NONE = new LoopListener() {
    };

    /** A fresh instance of the strategy that replaces the quarantined {@code failed}, or null when there is none. */
    default DmaStrategy fallbackStrategy(final String failed) {
        return null;
    }

    /** A plug-in was taken out of service; {@code replacement} took over (null when none was needed or found). */
    default void quarantined(final String what, final String name, final Throwable cause, final String replacement) {
    }

    /** The routing table of {@code state} failed; the control plane should publish a table from another algorithm. */
    default void routingFailed(final RoutingState state, final Throwable cause) {
    }
}
