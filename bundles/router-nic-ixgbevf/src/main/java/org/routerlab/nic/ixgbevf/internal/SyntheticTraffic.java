package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.routerlab.api.packet.FlowTemplates;
import org.routerlab.api.route.Route;

/**
 * Synthetic traffic for one port, the same {@link FlowTemplates} as {@code nic=emulated}'s generator:
 * {@code flows} UDP flows prebuilt once as off-heap templates, destinations drawn from the
 * route prefixes, a share of flows unrouted or malformed (in rotation: bad checksum, TTL 1, version 6, total length
 * beyond the frame, ARP). The cursor picks the next flow with a xorshift step, so a frame costs the device one copy
 * of the template. Never ends; everything derives from the seed.
 */
final class SyntheticTraffic extends TrafficSource {
    private final FlowTemplates flowTemplates;
    private final MemorySegment templates;
    private final int frameSize;
    private final int flows;
    private long state;
    private long offset;

    /**
     * @param destinations route prefixes to address traffic into; empty means the whole unicast space
     * @param sourceNetwork the ingress port's network; sources are hosts in it
     */
    SyntheticTraffic(final long seed, final int port, final int frameSize, final int flows, final long dstMac,
            final long srcMac, final int sourceNetwork, final int sourcePrefixLength, final List<Route> destinations,
            final double badShare, final double unroutedShare) {
        this.flowTemplates = new FlowTemplates(seed, port, frameSize, flows, dstMac, srcMac, sourceNetwork,
                sourcePrefixLength, destinations, badShare, unroutedShare);
        this.templates = flowTemplates.memory();
        this.frameSize = frameSize;
        this.flows = flows;
        this.state = flowTemplates.initialState();
        advance();
    }

    @Override long available() { return Long.MAX_VALUE; }
    @Override MemorySegment memory() { return templates; }
    @Override long offset() { return offset; }
    @Override int length() { return frameSize; }

    int flows() { return flows; }

    @Override
    void advance() {
        long x = state;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        state = x;
        offset = pick(x);
    }

    /** The flow of random word {@code x}: a multiply-shift onto 0..flows-1 (Lemire), cheaper than a remainder. */
    private long pick(final long x) {
        return ((x >>> 32) * flows >>> 32) * frameSize;
    }

    @Override
    void skip(final long n) {
        long x = state;
        for (long i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        state = x;
        offset = pick(x);
    }

    /** The template of flow {@code flow} (tests). */
    MemorySegment template(final int flow) {
        return flowTemplates.template(flow);
    }

    @Override
    public void close() {
        flowTemplates.close();
    }
}
