package org.routerlab.nic.afxdp.internal;

import static org.routerlab.nic.afxdp.internal.Frames.mac;
import static org.routerlab.nic.afxdp.internal.Frames.u16;
import static org.routerlab.nic.afxdp.internal.Frames.u32;
import static org.routerlab.nic.afxdp.internal.Frames.u8;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Checksums;
import org.routerlab.api.packet.EthernetLayout;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.packet.PacketView;

/**
 * What makes a port a router to the hosts on its link: ARP (answer for the port's addresses, learn, resolve next
 * hops with a cache that expires, hold a few frames per unresolved neighbour and send them once it answers), ICMP
 * echo replies for the port's addresses, and rate-limited ICMP time-exceeded and destination-unreachable.
 *
 * <p>It works on the frames the engine {@link org.routerlab.api.nic.NicPort#punt punts}: it reads them and copies
 * what it needs into the port's own UMEM frames ({@link OwnFrames}), which the port transmits and takes back at tx
 * completion. Nothing here allocates per packet. Single-threaded: the forwarding thread; {@link #neighbourMac}
 * answers -1 to any other thread, so the engine's control plane never caches a MAC that could expire.
 * <pre>
 *   neighbour entry: ip · mac · state (incomplete | reachable | failed) · expires · last request · tries · held[4]
 * </pre>
 */
final class ControlPlane {
    /** Sends one of the port's own frames; false when the tx ring is full (the frame stays the caller's). */
    interface Sender {
        boolean sendOwn(int frame, int length);
    }

    /** Timers and limits. */
    record Settings(long reachableNanos, long retryNanos, int tries, long failedNanos, int hold, int icmpRate,
            int icmpBurst) {
        static Settings defaults() {
            return new Settings(30_000_000_000L, 1_000_000_000L, 3, 5_000_000_000L, 4, 100, 100);
        }
    }

    static final int CAPACITY = 256;
    private static final int EMPTY = 0;
    private static final int INCOMPLETE = 1;
    private static final int REACHABLE = 2;
    private static final int FAILED = 3;
    private static final long REFRESH_BEFORE_NANOS = 5_000_000_000L;
    private static final int ETH = EthernetLayout.HEADER_LENGTH;
    private static final int ARP_LENGTH = 42;
    private static final int MIN_FRAME = 60;
    private static final int ICMP_QUOTE_MAX = 576 - 28;

    private final long portMac;
    private final int[] address;
    private final int[] prefix;
    private final MemorySegment memory;
    private final OwnFrames frames;
    private final Sender sender;
    private final Settings settings;
    private final ControlCounter.Values counters;
    private final PacketView view = new PacketView();

    private final int[] ip = new int[CAPACITY];
    private final long[] macOf = new long[CAPACITY];
    private final byte[] state = new byte[CAPACITY];
    private final long[] expires = new long[CAPACITY];
    private final long[] lastRequest = new long[CAPACITY];
    private final int[] tries = new int[CAPACITY];
    private final int[] holdCount = new int[CAPACITY];
    private final int[] heldFrame;
    private final int[] heldLength;
    private int used;

    private volatile Thread owner;
    private long now;
    private long tokens;
    private long lastRefill;
    private int ipId;

    ControlPlane(final PortInfo info, final MemorySegment memory, final OwnFrames frames, final Sender sender,
            final Settings settings, final ControlCounter.Values counters) {
        this.portMac = info.mac();
        final List<PortInfo.InterfaceAddress> a = info.addresses();
        this.address = new int[a.size()];
        this.prefix = new int[a.size()];
        for (int i = 0; i < a.size(); i++) {
            address[i] = a.get(i).address();
            prefix[i] = a.get(i).prefixLength();
        }
        this.memory = memory;
        this.frames = frames;
        this.sender = sender;
        this.settings = settings;
        this.counters = counters;
        this.heldFrame = new int[CAPACITY * settings.hold()];
        this.heldLength = new int[CAPACITY * settings.hold()];
        this.tokens = settings.icmpBurst();
    }

    /** The forwarding thread, from its first burst on (the only thread {@link #neighbourMac} answers). */
    void owner(final Thread thread) {
        owner = thread;
    }

    /** The coarse clock of this cycle (one {@code System.nanoTime()} per rx burst). */
    void now(final long nanos) {
        now = nanos;
    }

    // ---- neighbours

    private static int hash(final int address) {
        return (address * 0x9E3779B9) >>> 24;
    }

    /** The entry of {@code address}, or -1. Entries are never removed, only reused when the table is full. */
    private int find(final int address) {
        int s = hash(address);
        for (int k = 0; k < CAPACITY; k++) {
            if (state[s] == EMPTY) {
                return -1;
            }
            if (ip[s] == address) {
                return s;
            }
            s = (s + 1) & (CAPACITY - 1);
        }
        return -1;
    }

    /** A new entry for {@code address} (not present), or -1 when the table is full of live entries. */
    private int create(final int address) {
        int s = hash(address);
        if (used < CAPACITY) {
            while (state[s] != EMPTY) {
                s = (s + 1) & (CAPACITY - 1);
            }
            used++;
        } else {
            // Full: reuse an entry that is failed or expired and holds nothing.
            s = -1;
            for (int k = 0; k < CAPACITY; k++) {
                if (holdCount[k] == 0 && (state[k] == FAILED || now >= expires[k] && state[k] == REACHABLE)) {
                    s = k;
                    break;
                }
            }
            if (s < 0) {
                return -1;
            }
        }
        ip[s] = address;
        macOf[s] = -1;
        state[s] = INCOMPLETE;
        tries[s] = 0;
        holdCount[s] = 0;
        return s;
    }

    /**
     * The MAC of {@code address} if it is known and fresh, else -1 (the engine then punts the frame here as
     * {@code NO_NEIGHBOUR}). A reachable entry close to expiry is refreshed with a request while still used.
     */
    long neighbourMac(final int address) {
        if (Thread.currentThread() != owner) {
            return -1;
        }
        final int s = find(address);
        if (s < 0 || state[s] != REACHABLE) {
            return -1;
        }
        final long t = now;
        if (t >= expires[s]) {
            state[s] = INCOMPLETE;
            tries[s] = 0;
            return -1;
        }
        if (t >= expires[s] - REFRESH_BEFORE_NANOS && t - lastRequest[s] >= settings.retryNanos()) {
            lastRequest[s] = t;
            sendArpRequest(address);
        }
        return macOf[s];
    }

    /** Number of neighbours currently reachable (tests, logs). */
    int reachableNeighbours() {
        int n = 0;
        for (int s = 0; s < CAPACITY; s++) {
            if (state[s] == REACHABLE && now < expires[s]) {
                n++;
            }
        }
        return n;
    }

    /** Retries and gives up resolutions; called every few milliseconds from the rx path. */
    void tick() {
        final long t = now;
        for (int s = 0; s < CAPACITY; s++) {
            if (state[s] != INCOMPLETE || tries[s] == 0 || t - lastRequest[s] < settings.retryNanos()) {
                continue;
            }
            if (tries[s] < settings.tries()) {
                tries[s]++;
                lastRequest[s] = t;
                sendArpRequest(ip[s]);
            } else {
                state[s] = FAILED;
                expires[s] = t + settings.failedNanos();
                dropHeld(s);
            }
        }
    }

    // ---- the exception path

    /** Handles a frame the engine will not forward (see {@link org.routerlab.api.nic.NicPort#punt}). */
    void punt(final long offset, final int length, final DropReason reason, final int nextHop) {
        switch (reason) {
            case NOT_IPV4 -> {
                if (length >= ARP_LENGTH && u16(memory, offset + 12) == EthernetLayout.TYPE_ARP) {
                    arp(offset);
                }
            }
            case LOCAL -> echo(offset, length);
            case TTL_EXCEEDED -> icmpError(offset, length, 11, 0, ControlCounter.ICMP_TIME_EXCEEDED);
            case NO_ROUTE -> icmpError(offset, length, 3, 0, ControlCounter.ICMP_UNREACHABLE);
            case UNREACHABLE -> icmpError(offset, length, 3, 1, ControlCounter.ICMP_UNREACHABLE);
            case NO_NEIGHBOUR -> resolve(offset, length, nextHop);
            default -> {
                // Malformed frames: nothing to answer.
            }
        }
    }

    private void resolve(final long offset, final int length, final int nextHop) {
        int s = find(nextHop);
        if (s < 0) {
            s = create(nextHop);
            if (s < 0) {
                counters.add(ControlCounter.RESOLVE_DROPPED, 1);
                return;
            }
        }
        if (state[s] == FAILED) {
            if (now < expires[s]) {
                counters.add(ControlCounter.RESOLVE_DROPPED, 1);
                return;
            }
            state[s] = INCOMPLETE;
            tries[s] = 0;
        }
        if (state[s] == INCOMPLETE && tries[s] == 0) {
            tries[s] = 1;
            lastRequest[s] = now;
            sendArpRequest(nextHop);
        }
        final int h = settings.hold();
        final int f;
        if (holdCount[s] >= h || length > AfXdpPlatform.FRAME_SIZE || (f = frames.take()) < 0) {
            counters.add(ControlCounter.RESOLVE_DROPPED, 1);
            return;
        }
        MemorySegment.copy(memory, offset, memory, frameOffset(f), length);
        heldFrame[s * h + holdCount[s]] = f;
        heldLength[s * h + holdCount[s]] = length;
        holdCount[s]++;
        counters.add(ControlCounter.HELD, 1);
        if (state[s] == REACHABLE) {
            flush(s);
        }
    }

    /** Sends the frames held for entry {@code s}, rewritten as the engine would have (MACs, TTL). */
    private void flush(final int s) {
        final int h = settings.hold();
        final int n = holdCount[s];
        holdCount[s] = 0;
        for (int k = 0; k < n; k++) {
            final int f = heldFrame[s * h + k];
            final int length = heldLength[s * h + k];
            view.wrap(memory, frameOffset(f), length);
            view.destinationMac(macOf[s]);
            view.sourceMac(portMac);
            view.decrementTtl();
            if (send(f, length)) {
                counters.add(ControlCounter.HELD_SENT, 1);
            } else {
                counters.add(ControlCounter.RESOLVE_DROPPED, 1);
            }
        }
    }

    private void dropHeld(final int s) {
        final int h = settings.hold();
        for (int k = 0; k < holdCount[s]; k++) {
            frames.give(heldFrame[s * h + k]);
        }
        counters.add(ControlCounter.RESOLVE_DROPPED, holdCount[s]);
        holdCount[s] = 0;
    }

    /** Releases every held frame (port teardown). */
    void dropAllHeld() {
        for (int s = 0; s < CAPACITY; s++) {
            if (holdCount[s] > 0) {
                dropHeld(s);
            }
        }
    }

    // ---- ARP

    private void arp(final long at) {
        if (u16(memory, at + 14) != 1 || u16(memory, at + 16) != EthernetLayout.TYPE_IPV4
                || u8(memory, at + 18) != 6 || u8(memory, at + 19) != 4) {
            return;
        }
        final int op = u16(memory, at + 20);
        final long senderMac = mac(memory, at + 22);
        final int senderIp = u32(memory, at + 28);
        final int targetIp = u32(memory, at + 38);
        final boolean forUs = indexOf(targetIp) >= 0;
        if (senderIp != 0 && onLink(senderIp) && !Frames.isGroup(senderMac)) {
            int s = find(senderIp);
            if (s < 0 && (forUs || op == 2)) {
                s = create(senderIp);
            }
            if (s >= 0) {
                macOf[s] = senderMac;
                state[s] = REACHABLE;
                expires[s] = now + settings.reachableNanos();
                tries[s] = 0;
                counters.add(ControlCounter.ARP_LEARNED, 1);
                if (holdCount[s] > 0) {
                    flush(s);
                }
            }
        }
        if (op == 1 && forUs) {
            final int f = frames.take();
            if (f < 0) {
                counters.add(ControlCounter.OWN_TX_DROPPED, 1);
                return;
            }
            final long o = frameOffset(f);
            arpFrame(o, 2, senderMac, targetIp, senderMac, senderIp);
            if (send(f, MIN_FRAME)) {
                counters.add(ControlCounter.ARP_REPLIES_SENT, 1);
            }
        }
    }

    private void sendArpRequest(final int target) {
        final int f = frames.take();
        if (f < 0) {
            counters.add(ControlCounter.OWN_TX_DROPPED, 1);
            return;
        }
        arpFrame(frameOffset(f), 1, Frames.BROADCAST, sourceFor(target), 0L, target);
        if (send(f, MIN_FRAME)) {
            counters.add(ControlCounter.ARP_REQUESTS_SENT, 1);
        }
    }

    private void arpFrame(final long o, final int op, final long ethDestination, final int senderIp,
            final long targetMac, final int targetIp) {
        mac(memory, o, ethDestination);
        mac(memory, o + 6, portMac);
        u16(memory, o + 12, EthernetLayout.TYPE_ARP);
        u16(memory, o + 14, 1);
        u16(memory, o + 16, EthernetLayout.TYPE_IPV4);
        u8(memory, o + 18, 6);
        u8(memory, o + 19, 4);
        u16(memory, o + 20, op);
        mac(memory, o + 22, portMac);
        u32(memory, o + 28, senderIp);
        mac(memory, o + 32, targetMac);
        u32(memory, o + 38, targetIp);
        memory.asSlice(o + ARP_LENGTH, MIN_FRAME - ARP_LENGTH).fill((byte) 0);
    }

    // ---- ICMP

    private void echo(final long at, final int length) {
        final int ihl = (u8(memory, at + ETH) & 0x0F) << 2;
        final int total = u16(memory, at + ETH + 2);
        if (u8(memory, at + ETH + 9) != 1 || total < ihl + 8 || ETH + total > length
                || u8(memory, at + ETH + ihl) != 8 || (u16(memory, at + ETH + 6) & 0x3FFF) != 0) {
            return; // not a complete, unfragmented echo request
        }
        final int f = frames.take();
        if (f < 0) {
            counters.add(ControlCounter.OWN_TX_DROPPED, 1);
            return;
        }
        final long o = frameOffset(f);
        final int frameLength = Math.max(MIN_FRAME, ETH + total);
        MemorySegment.copy(memory, at, memory, o, ETH + total);
        if (frameLength > ETH + total) {
            memory.asSlice(o + ETH + total, frameLength - ETH - total).fill((byte) 0);
        }
        mac(memory, o, mac(memory, at + 6));
        mac(memory, o + 6, portMac);
        u32(memory, o + ETH + 12, u32(memory, at + ETH + 16));
        u32(memory, o + ETH + 16, u32(memory, at + ETH + 12));
        u8(memory, o + ETH + 8, 64);
        u16(memory, o + ETH + 10, 0);
        u16(memory, o + ETH + 10, Checksums.internetChecksum(memory, o + ETH, ihl));
        final long icmp = o + ETH + ihl;
        u8(memory, icmp, 0);
        u16(memory, icmp + 2, 0);
        u16(memory, icmp + 2, Checksums.internetChecksum(memory, icmp, total - ihl));
        if (send(f, frameLength)) {
            counters.add(ControlCounter.ICMP_ECHO_REPLIES, 1);
        }
    }

    /** ICMP {@code type}/{@code code} about the frame at {@code at}, to its sender (RFC 792, RFC 1812 4.3.2). */
    private void icmpError(final long at, final int length, final int type, final int code,
            final ControlCounter counter) {
        if (length < ETH + 20) {
            return;
        }
        final long ipAt = at + ETH;
        final int ihl = (u8(memory, ipAt) & 0x0F) << 2;
        final int source = u32(memory, ipAt + 12);
        final int destination = u32(memory, ipAt + 16);
        final long sourceMac = mac(memory, at + 6);
        if (Frames.isGroup(mac(memory, at)) || Frames.isGroup(sourceMac) || source == 0 || isSpecial(source)
                || isSpecial(destination) || (u16(memory, ipAt + 6) & 0x1FFF) != 0) {
            return; // never about broadcasts, multicasts or non-first fragments
        }
        if (u8(memory, ipAt + 9) == 1 && length >= ETH + ihl + 1) {
            final int t = u8(memory, ipAt + ihl);
            if (t != 0 && t != 8) {
                return; // never about an ICMP error
            }
        }
        if (!takeToken()) {
            counters.add(ControlCounter.ICMP_RATE_LIMITED, 1);
            return;
        }
        final int f = frames.take();
        if (f < 0) {
            counters.add(ControlCounter.OWN_TX_DROPPED, 1);
            return;
        }
        final int quote = Math.min(Math.min(length - ETH, Math.max(u16(memory, ipAt + 2), ihl)), ICMP_QUOTE_MAX);
        final int total = 20 + 8 + quote;
        final long o = frameOffset(f);
        MemorySegment.copy(memory, ipAt, memory, o + ETH + 28, quote);
        mac(memory, o, sourceMac);
        mac(memory, o + 6, portMac);
        u16(memory, o + 12, EthernetLayout.TYPE_IPV4);
        final long ip4 = o + ETH;
        u8(memory, ip4, 0x45);
        u8(memory, ip4 + 1, 0xC0);
        u16(memory, ip4 + 2, total);
        u16(memory, ip4 + 4, ipId++ & 0xFFFF);
        u16(memory, ip4 + 6, 0);
        u8(memory, ip4 + 8, 64);
        u8(memory, ip4 + 9, 1);
        u16(memory, ip4 + 10, 0);
        u32(memory, ip4 + 12, sourceFor(source));
        u32(memory, ip4 + 16, source);
        u16(memory, ip4 + 10, Checksums.internetChecksum(memory, ip4, 20));
        final long icmp = ip4 + 20;
        u8(memory, icmp, type);
        u8(memory, icmp + 1, code);
        u16(memory, icmp + 2, 0);
        u32(memory, icmp + 4, 0);
        u16(memory, icmp + 2, Checksums.internetChecksum(memory, icmp, 8 + quote));
        final int frameLength = Math.max(MIN_FRAME, ETH + total);
        if (frameLength > ETH + total) {
            memory.asSlice(o + ETH + total, frameLength - ETH - total).fill((byte) 0);
        }
        if (send(f, frameLength)) {
            counters.add(counter, 1);
        }
    }

    private boolean takeToken() {
        final long t = now;
        final long rate = settings.icmpRate();
        if (lastRefill == 0) {
            lastRefill = t;
        }
        final long add = (t - lastRefill) * rate / 1_000_000_000L;
        if (add > 0) {
            tokens = Math.min(settings.icmpBurst(), tokens + add);
            lastRefill += add * 1_000_000_000L / rate;
        }
        if (tokens <= 0) {
            return false;
        }
        tokens--;
        return true;
    }

    private boolean send(final int frame, final int length) {
        if (sender.sendOwn(frame, length)) {
            return true;
        }
        frames.give(frame);
        counters.add(ControlCounter.OWN_TX_DROPPED, 1);
        return false;
    }

    // ---- addresses

    private static long frameOffset(final int frame) {
        return (long) frame << AfXdpPlatform.FRAME_SHIFT;
    }

    private int indexOf(final int a) {
        for (int i = 0; i < address.length; i++) {
            if (address[i] == a) {
                return i;
            }
        }
        return -1;
    }

    private boolean onLink(final int a) {
        for (int i = 0; i < address.length; i++) {
            if (Ipv4Address.contains(address[i], prefix[i], a)) {
                return true;
            }
        }
        return false;
    }

    /** The port address on {@code peer}'s subnet, else its first address. */
    private int sourceFor(final int peer) {
        for (int i = 0; i < address.length; i++) {
            if (Ipv4Address.contains(address[i], prefix[i], peer)) {
                return address[i];
            }
        }
        return address[0];
    }

    /** Limited broadcast, multicast, or a directed broadcast of one of the port's subnets. */
    private boolean isSpecial(final int a) {
        if (a == -1 || (a >>> 28) == 0xE) {
            return true;
        }
        for (int i = 0; i < address.length; i++) {
            final int hostMask = ~Ipv4Address.mask(prefix[i]);
            if (Ipv4Address.contains(address[i], prefix[i], a) && (a & hostMask) == hostMask) {
                return true;
            }
        }
        return false;
    }
}
