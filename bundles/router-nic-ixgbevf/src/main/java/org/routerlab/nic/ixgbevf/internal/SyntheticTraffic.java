package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.routerlab.api.packet.EthernetLayout;
import org.routerlab.api.packet.Ipv4Layout;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.route.Route;

/**
 * Synthetic traffic for one port, the same generator as {@code nic=emulated}'s (router-nic-emulated
 * {@code TrafficGenerator}): {@code flows} UDP flows prebuilt once as off-heap templates, destinations drawn from the
 * route prefixes, a share of flows unrouted or malformed (in rotation: bad checksum, TTL 1, version 6, total length
 * beyond the frame, ARP). The cursor picks the next flow with a xorshift step, so a frame costs the device one copy
 * of the template. Never ends; everything derives from the seed.
 */
final class SyntheticTraffic extends TrafficSource {
    /** How a malformed flow is broken, in rotation. */
    enum Defect { BAD_CHECKSUM, TTL_ONE, BAD_VERSION, BAD_TOTAL_LENGTH, NOT_IPV4 }

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
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
        if (frameSize < EthernetLayout.MIN_FRAME || frameSize > EthernetLayout.MAX_FRAME) {
            throw new IllegalArgumentException("packet.size=" + frameSize + " must be in " + EthernetLayout.MIN_FRAME
                    + ".." + EthernetLayout.MAX_FRAME);
        }
        if (flows < 1 || flows > 1 << 20) {
            throw new IllegalArgumentException("flows=" + flows + " must be in 1..1048576");
        }
        if (badShare < 0 || badShare > 1 || unroutedShare < 0 || unroutedShare > 1) {
            throw new IllegalArgumentException("traffic.bad=" + badShare + " traffic.unrouted=" + unroutedShare
                    + " must be fractions in 0..1");
        }
        this.frameSize = frameSize;
        this.flows = flows;
        this.templates = arena.allocate((long) flows * frameSize, 64);
        final SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + port);
        this.state = random.nextLong() | 1;
        final PacketView view = new PacketView();
        final int badFlows = (int) Math.round(flows * badShare);
        final int unroutedFlows = (int) Math.round(flows * unroutedShare);
        final int hostBits = 32 - sourcePrefixLength;
        for (int f = 0; f < flows; f++) {
            final long at = (long) f * frameSize;
            final boolean unrouted = f >= badFlows && f < badFlows + unroutedFlows;
            final int dst = unrouted ? unroutedAddress(random, destinations) : routedAddress(random, destinations);
            final int hostPart = hostBits >= 2 ? 2 + random.nextInt((1 << Math.min(hostBits, 30)) - 3) : 0;
            writeFrame(view.wrap(templates, at, frameSize), dstMac, srcMac, sourceNetwork | hostPart, dst,
                    1024 + random.nextInt(60000), 1024 + random.nextInt(60000), f);
            if (f < badFlows) {
                corrupt(view, Defect.values()[f % Defect.values().length]);
            }
        }
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
        return templates.asSlice((long) flow * frameSize, frameSize);
    }

    @Override
    public void close() {
        arena.close();
    }

    private static void writeFrame(final PacketView view, final long dstMac, final long srcMac, final int src,
            final int dst, final int sport, final int dport, final int flow) {
        final MemorySegment m = view.memory();
        final long b = view.base();
        m.asSlice(b, view.length()).fill((byte) 0);
        view.destinationMac(dstMac);
        view.sourceMac(srcMac);
        view.etherType(EthernetLayout.TYPE_IPV4);
        final long ip = b + EthernetLayout.HEADER_LENGTH;
        final int ipLength = view.length() - EthernetLayout.HEADER_LENGTH;
        m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.VERSION_IHL, (byte) 0x45);
        m.set(U16, ip + Ipv4Layout.TOTAL_LENGTH, (short) ipLength);
        m.set(U16, ip + Ipv4Layout.IDENTIFICATION, (short) flow);
        m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.TTL, (byte) 64);
        m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.PROTOCOL, (byte) Ipv4Layout.PROTOCOL_UDP);
        m.set(U32, ip + Ipv4Layout.SOURCE, src);
        m.set(U32, ip + Ipv4Layout.DESTINATION, dst);
        view.recomputeIpChecksum();
        final long udp = ip + Ipv4Layout.MIN_HEADER_LENGTH;
        if (ipLength >= Ipv4Layout.MIN_HEADER_LENGTH + 8) {
            m.set(U16, udp, (short) sport);
            m.set(U16, udp + 2, (short) dport);
            m.set(U16, udp + 4, (short) (ipLength - Ipv4Layout.MIN_HEADER_LENGTH));
        }
    }

    private static void corrupt(final PacketView view, final Defect defect) {
        final MemorySegment m = view.memory();
        final long ip = view.base() + EthernetLayout.HEADER_LENGTH;
        switch (defect) {
            case BAD_CHECKSUM -> m.set(U16, ip + Ipv4Layout.CHECKSUM, (short) (view.ipChecksum() ^ 0x5A5A));
            case TTL_ONE -> {
                m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.TTL, (byte) 1);
                view.recomputeIpChecksum();
            }
            case BAD_VERSION -> {
                m.set(ValueLayout.JAVA_BYTE, ip + Ipv4Layout.VERSION_IHL, (byte) 0x65);
                view.recomputeIpChecksum();
            }
            case BAD_TOTAL_LENGTH -> {
                m.set(U16, ip + Ipv4Layout.TOTAL_LENGTH, (short) (view.length() - EthernetLayout.HEADER_LENGTH + 1));
                view.recomputeIpChecksum();
            }
            case NOT_IPV4 -> view.etherType(EthernetLayout.TYPE_ARP);
        }
    }

    private static int routedAddress(final SplittableRandom random, final List<Route> destinations) {
        if (destinations.isEmpty()) {
            return unicast(random);
        }
        final Route r = destinations.get(random.nextInt(destinations.size()));
        final int hostBits = 32 - r.length();
        final int host = hostBits == 0 ? 0 : hostBits >= 32 ? random.nextInt() : random.nextInt(1 << Math.min(hostBits, 30));
        return r.prefix() | host;
    }

    /** An address no destination route covers (random unicast addresses; the route set is small). */
    private static int unroutedAddress(final SplittableRandom random, final List<Route> destinations) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            final int candidate = unicast(random);
            boolean covered = false;
            for (final Route r : destinations) {
                if (r.contains(candidate)) {
                    covered = true;
                    break;
                }
            }
            if (!covered) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("traffic.unrouted>0 but the routes cover the whole address space");
    }

    /** A random address in 1.0.0.0 .. 223.255.255.255 (unicast, not 0/8). */
    private static int unicast(final SplittableRandom random) {
        return (1 + random.nextInt(223)) << 24 | random.nextInt(1 << 24);
    }
}
