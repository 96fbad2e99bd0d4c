package org.routerlab.nic.emulated.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.routerlab.api.packet.FlowTemplates;
import org.routerlab.api.route.Route;

/**
 * Synthetic traffic for one ingress port: the {@link FlowTemplates} (UDP flows prebuilt off-heap, destinations from
 * the route prefixes, a share unrouted or malformed) and a xorshift cursor over them, so offering a packet is one
 * flow choice and one copy. Everything derives from the seed: the same seed gives the same frames in the same order.
 */
final class TrafficGenerator {
    private final FlowTemplates templates;
    private final MemorySegment memory;
    private final int frameSize;
    private final int flows;
    private long state;

    /**
     * @param destinations route prefixes to address traffic into; empty means the whole unicast space
     * @param sourceNetwork the ingress port's network; sources are hosts in it
     */
    TrafficGenerator(final long seed, final int port, final int frameSize, final int flows, final long dstMac,
            final long srcMac, final int sourceNetwork, final int sourcePrefixLength, final List<Route> destinations,
            final double badShare, final double unroutedShare) {
        this.templates = new FlowTemplates(seed, port, frameSize, flows, dstMac, srcMac, sourceNetwork,
                sourcePrefixLength, destinations, badShare, unroutedShare);
        this.memory = templates.memory();
        this.frameSize = frameSize;
        this.flows = flows;
        this.state = templates.initialState();
    }

    int frameSize() { return frameSize; }

    int flows() { return flows; }

    /** Copies the next frame into {@code memory} at {@code offset}; returns its length. */
    int next(final MemorySegment target, final long offset) {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        final int flow = (int) ((x >>> 1) % flows);
        MemorySegment.copy(memory, (long) flow * frameSize, target, offset, frameSize);
        return frameSize;
    }

    /** The template of flow {@code flow} (for tests). */
    MemorySegment template(final int flow) {
        return templates.template(flow);
    }

    void close() {
        templates.close();
    }
}
