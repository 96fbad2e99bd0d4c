package org.routerlab.nic.afxdp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.routerlab.api.engine.DropReason;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Checksums;

/** ARP, neighbour resolution with held frames, ICMP echo and errors, without a kernel: frames in plain memory. */
class ControlPlaneTest {
    private static final long PORT_MAC = 0x02_00_00_00_00_01L;
    private static final long HOST_MAC = 0x02_00_00_00_00_02L;
    private static final int PORT_IP = 0x0A_4D_01_01; // 10.77.1.1
    private static final int HOST_IP = 0x0A_4D_01_02;

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment memory = arena.allocate(64L * 2048, 4096);
    private final List<int[]> sent = new ArrayList<>();
    private final ControlCounter.Values counters = new ControlCounter.Values();
    private final OwnFrames own = new OwnFrames(new int[] {10, 11, 12, 13, 14, 15, 16, 17}, 0, 64);
    private final ControlPlane cp = new ControlPlane(
            new PortInfo(0, "r1", PORT_MAC, 0, List.of(new PortInfo.InterfaceAddress(PORT_IP, 24))), memory, own,
            (frame, length) -> sent.add(new int[] {frame, length}), ControlPlane.Settings.defaults(), counters);

    ControlPlaneTest() {
        cp.owner(Thread.currentThread());
        cp.now(1_000_000_000L);
    }

    private long arp(final int op, final long senderMac, final int senderIp, final int targetIp) {
        final long at = 0;
        Frames.mac(memory, at, op == 1 ? Frames.BROADCAST : PORT_MAC);
        Frames.mac(memory, at + 6, senderMac);
        Frames.u16(memory, at + 12, 0x0806);
        Frames.u16(memory, at + 14, 1);
        Frames.u16(memory, at + 16, 0x0800);
        Frames.u8(memory, at + 18, 6);
        Frames.u8(memory, at + 19, 4);
        Frames.u16(memory, at + 20, op);
        Frames.mac(memory, at + 22, senderMac);
        Frames.u32(memory, at + 28, senderIp);
        Frames.mac(memory, at + 32, 0);
        Frames.u32(memory, at + 38, targetIp);
        return at;
    }

    @Test
    void shouldAnswerArpForItsAddressAndLearnTheAsker() {
        cp.punt(arp(1, HOST_MAC, HOST_IP, PORT_IP), 42, DropReason.NOT_IPV4, 0);
        assertEquals(1, sent.size());
        final long o = (long) sent.get(0)[0] << 11;
        assertEquals(HOST_MAC, Frames.mac(memory, o));
        assertEquals(2, Frames.u16(memory, o + 20), "an ARP reply");
        assertEquals(PORT_MAC, Frames.mac(memory, o + 22));
        assertEquals(PORT_IP, Frames.u32(memory, o + 28));
        assertEquals(HOST_MAC, cp.neighbourMac(HOST_IP), "learned from the request");
    }

    @Test
    void shouldHoldFramesUntilTheNeighbourAnswersThenSendThemRewritten() {
        final long frame = 4096; // an IPv4 frame somewhere in the engine's memory, TTL 64
        TrafficTool.udpFrame(memory, frame, HOST_MAC, PORT_MAC, 0x0A_4D_02_02, HOST_IP, 1, 2, 60);
        assertEquals(-1, cp.neighbourMac(HOST_IP));
        cp.punt(frame, 60, DropReason.NO_NEIGHBOUR, HOST_IP);
        assertEquals(1, sent.size(), "an ARP request went out");
        assertEquals(1, Frames.u16(memory, ((long) sent.get(0)[0] << 11) + 20));
        cp.punt(arp(2, HOST_MAC, HOST_IP, PORT_IP), 42, DropReason.NOT_IPV4, 0);
        assertEquals(2, sent.size(), "the held frame went out");
        final long o = (long) sent.get(1)[0] << 11;
        assertEquals(HOST_MAC, Frames.mac(memory, o));
        assertEquals(PORT_MAC, Frames.mac(memory, o + 6));
        assertEquals(63, Frames.u8(memory, o + 14 + 8), "TTL decremented");
        assertEquals(0, Checksums.onesComplementSum(memory, o + 14, 20) ^ 0xFFFF, "header checksum still valid");
        assertEquals(1, counters.get(ControlCounter.HELD_SENT));
    }

    @Test
    void shouldGiveUpAfterThreeRequestsAndDropWhatItHeld() {
        TrafficTool.udpFrame(memory, 4096, HOST_MAC, PORT_MAC, 0x0A_4D_02_02, HOST_IP, 1, 2, 60);
        cp.punt(4096, 60, DropReason.NO_NEIGHBOUR, HOST_IP);
        for (int s = 2; s <= 5; s++) {
            cp.now(s * 1_000_000_000L + 1);
            cp.tick();
        }
        assertEquals(3, counters.get(ControlCounter.ARP_REQUESTS_SENT));
        assertEquals(1, counters.get(ControlCounter.RESOLVE_DROPPED));
        cp.punt(4096, 60, DropReason.NO_NEIGHBOUR, HOST_IP);
        assertEquals(2, counters.get(ControlCounter.RESOLVE_DROPPED), "failed entries drop at once for a while");
    }

    @Test
    void shouldSendTimeExceededToTheSenderRateLimited() {
        TrafficTool.udpFrame(memory, 4096, HOST_MAC, PORT_MAC, HOST_IP, 0x0A_4D_02_02, 1, 2, 60);
        for (int i = 0; i < 150; i++) {
            cp.punt(4096, 60, DropReason.TTL_EXCEEDED, 0);
            if (!sent.isEmpty()) {
                own.give(sent.removeLast()[0]);
            }
        }
        assertEquals(100, counters.get(ControlCounter.ICMP_TIME_EXCEEDED), "a burst of 100");
        assertEquals(50, counters.get(ControlCounter.ICMP_RATE_LIMITED));
        cp.now(2_000_000_000L);
        cp.punt(4096, 60, DropReason.TTL_EXCEEDED, 0);
        final long o = (long) sent.getLast()[0] << 11;
        assertEquals(11, Frames.u8(memory, o + 34), "ICMP time exceeded");
        assertEquals(PORT_IP, Frames.u32(memory, o + 14 + 12));
        assertEquals(HOST_IP, Frames.u32(memory, o + 14 + 16));
        assertEquals(0xFFFF, Checksums.onesComplementSum(memory, o + 34, 8 + 46), "ICMP checksum");
        assertTrue(sent.getLast()[1] >= 60);
    }
}
