package org.routerlab.api.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import org.routerlab.api.route.Route;

/**
 * Synthetic traffic for one ingress port of an emulated NIC: {@code flows} distinct UDP flows whose frames are built
 * once into off-heap templates, so offering a packet is one flow choice and one copy. Destinations are drawn from the
 * route prefixes (uniformly over prefixes, then uniformly inside the prefix); a share of flows goes to unrouted
 * addresses ({@code traffic.unrouted}) and a share carries a malformed header ({@code traffic.bad}: in rotation a bad
 * checksum, TTL 1, version 6, a total length beyond the frame, an ARP ethertype), so every drop path is exercised.
 * Everything derives from the seed: the same seed gives the same frames and the same {@link #initialState()}.
 * Construction allocates; nothing else does.
 *
 * @since 1.1
 */
public final class FlowTemplates implements AutoCloseable {
    /** How a malformed flow is broken, in rotation. */
    public enum Defect { BAD_CHECKSUM, TTL_ONE, BAD_VERSION, BAD_TOTAL_LENGTH, NOT_IPV4 }

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final Arena arena = Arena.ofShared();
    private final MemorySegment templates;
    private final int frameSize;
    private final int flows;
    private final long initialState;

    /**
     * @param seed the run's seed; with {@code port} it fixes every frame
     * @param port the ingress port's index
     * @param frameSize bytes per frame, without the FCS ({@code packet.size})
     * @param flows how many distinct flows ({@code flows})
     * @param dstMac the ingress port's MAC (frames are addressed to it)
     * @param srcMac the sending neighbour's MAC
     * @param sourceNetwork the ingress port's network; sources are hosts in it
     * @param sourcePrefixLength its prefix length
     * @param destinations route prefixes to address traffic into; empty means the whole unicast space
     * @param badShare share of malformed flows, 0..1
     * @param unroutedShare share of flows to addresses no destination covers, 0..1
     * @throws IllegalArgumentException naming the setting that is out of range
     */
    public FlowTemplates(final long seed, final int port, final int frameSize, final int flows, final long dstMac,
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
        this.initialState = random.nextLong() | 1;
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
    }

    /** All templates, flow {@code f} at {@code f * frameSize()}. */
    public MemorySegment memory() {
        return templates;
    }

    public int frameSize() {
        return frameSize;
    }

    public int flows() {
        return flows;
    }

    /** A non-zero seed for the caller's flow-choosing generator (e.g. xorshift), derived from the seed and port. */
    public long initialState() {
        return initialState;
    }

    /** The template of flow {@code flow}. */
    public MemorySegment template(final int flow) {
        return templates.asSlice((long) flow * frameSize, frameSize);
    }

    /** Frees the templates. */
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

    /** An address no destination route covers (tries random unicast addresses; the route set is small). */
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
