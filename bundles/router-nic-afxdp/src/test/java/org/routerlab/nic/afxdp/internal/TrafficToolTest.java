package org.routerlab.nic.afxdp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The in-kernel generator ({@code TrafficTool xdpgen}: BPF_PROG_RUN with live frames) on a real veth: every frame
 * it says it sent arrives at the peer, and the frames are well-formed UDP datagrams that the kernel stack accepts,
 * with source ports spread over the requested flows; the benchmark's tc sink drops them. No router here: r1 is the
 * receiver.
 */
class TrafficToolTest {
    private static Topology topology;

    @BeforeAll
    static void setUp() throws Exception {
        final String reason = Topology.unavailableReason();
        Assumptions.assumeTrue(reason == null, () -> "AF_XDP TESTS SKIPPED: " + reason);
        topology = Topology.create();
        // A veth accepts XDP-transmitted frames only when its peer runs NAPI (GRO or a native XDP program).
        topology.in(topology.r, "ethtool", "-K", "r1", "gro", "on");
    }

    @AfterAll
    static void tearDown() {
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void shouldDeliverEveryFrameTheInKernelGeneratorSends() throws Exception {
        final int count = 200_000;
        final int[] fds = topology.inside(topology.r, () -> {
            final int prog = Bpf.loadXdp(Bpf.DROP_IPV4, "rl_test_sink");
            return new int[] {prog, Bpf.attachXdp(prog, Interfaces.lookup("r1").ifindex(), Bpf.XDP_FLAGS_DRV_MODE)};
        });
        try {
            final long before = topology.counter(topology.r, "r1", "rx_packets");
            final long sent = topology.inside(topology.a, () -> TrafficTool.generateLive("a0", Topology.R1_MAC,
                    TrafficTool.parseIp(Topology.A_ADDRESS), TrafficTool.parseIp(Topology.B_ADDRESS), 60, 64, 0,
                    count, 64, false));
            assertEquals(count, sent);
            assertEquals(count, topology.counter(topology.r, "r1", "rx_packets") - before,
                    "r1 received what the generator sent");
        } finally {
            Native.close(fds[1]);
            Native.close(fds[0]);
        }
        assertTrue(!topology.xdpAttached(topology.a, "a0"), "the generator's pass program is detached");
        assertTrue(!topology.xdpAttached(topology.a, "lo"), "the generator's program left the loopback device");
    }

    /**
     * The generator keeps its program attached to the loopback device while it runs (so that the kernel's XDP
     * dispatcher does not change, and wait for RCU, around every BPF_PROG_RUN): there it must pass every frame
     * untouched, and only frames "received" on the generator's own device get the headers and XDP_TX.
     */
    @Test
    void shouldTransmitOnlyFramesOfItsOwnDeviceSoThatItCanStayAttachedElsewhere() throws Exception {
        topology.inside(topology.a, () -> {
            final int lo = Interfaces.lookup("lo").ifindex();
            final int a0 = Interfaces.lookup("a0").ifindex();
            try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                final java.lang.foreign.MemorySegment frame = arena.allocate(60, 8);
                TrafficTool.udpFrame(frame, 0, 0x020000000102L, Topology.R1_MAC,
                        TrafficTool.parseIp(Topology.A_ADDRESS), TrafficTool.parseIp(Topology.B_ADDRESS), 10000, 9,
                        60);
                final byte[] template = frame.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                final byte[] other = template.clone();
                other[Bpf.TX_HEADER] = 0x55; // a payload byte the program never writes
                other[0] = 0x7e; // and a destination MAC byte it would restore
                for (final int[] c : new int[][] {{a0, 2}, {lo, 3}}) { // device the program is for -> verdict on lo
                    final int prog = Bpf.loadTxFlows(template, 64, c[0]);
                    try {
                        final byte[] out = new byte[other.length];
                        assertEquals(c[1], runOnce(arena, prog, other, lo, out), "verdict for ifindex " + c[0]);
                        if (c[1] == 2) {
                            assertTrue(java.util.Arrays.equals(other, out), "passed untouched");
                        } else {
                            assertEquals(template[0], out[0], "headers restored");
                            final int port = (out[34] & 0xff) << 8 | out[35] & 0xff;
                            assertTrue(port >= Bpf.TX_BASE_PORT && port < Bpf.TX_BASE_PORT + 64, "port " + port);
                        }
                    } finally {
                        Native.close(prog);
                    }
                }
            }
            return null;
        });
    }

    /** One plain BPF_PROG_RUN of an XDP program on {@code in} as received on {@code ifindex}; returns the verdict. */
    private static int runOnce(final java.lang.foreign.Arena arena, final int prog, final byte[] in, final int ifindex,
            final byte[] out) throws NativeException {
        final java.lang.foreign.MemorySegment attr = Bpf.newAttr(arena);
        final java.lang.foreign.MemorySegment data = arena.allocate(in.length, 8);
        final java.lang.foreign.MemorySegment result = arena.allocate(256, 8);
        final java.lang.foreign.MemorySegment ctx = arena.allocate(24, 8);
        java.lang.foreign.MemorySegment.copy(in, 0, data, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, in.length);
        ctx.set(java.lang.foreign.ValueLayout.JAVA_INT, 4, in.length);
        ctx.set(java.lang.foreign.ValueLayout.JAVA_INT, 12, ifindex);
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, prog);
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, 8, in.length);
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, 12, (int) result.byteSize());
        attr.set(java.lang.foreign.ValueLayout.JAVA_LONG, 16, data.address());
        attr.set(java.lang.foreign.ValueLayout.JAVA_LONG, 24, result.address());
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, 32, 1);
        attr.set(java.lang.foreign.ValueLayout.JAVA_INT, 40, (int) ctx.byteSize());
        attr.set(java.lang.foreign.ValueLayout.JAVA_LONG, 48, ctx.address());
        Native.bpf(Bpf.PROG_TEST_RUN, attr, "bpf(BPF_PROG_RUN)");
        assertEquals(in.length, attr.get(java.lang.foreign.ValueLayout.JAVA_INT, 12), "data_size_out");
        java.lang.foreign.MemorySegment.copy(result, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
        return attr.get(java.lang.foreign.ValueLayout.JAVA_INT, 4);
    }

    @Test
    void shouldSendWellFormedDatagramsOverTheRequestedFlows() throws Exception {
        // r1 owns the destination (and the source's subnet, for the reverse-path check): the kernel stack receives.
        topology.in(topology.r, "ip", "addr", "add", Topology.ROUTER_A + "/24", "dev", "r1");
        topology.in(topology.r, "ip", "addr", "add", Topology.B_ADDRESS + "/32", "dev", "r1");
        try (DatagramChannel channel = topology.inside(topology.r,
                () -> DatagramChannel.open().bind(new InetSocketAddress(Topology.B_ADDRESS, 9)))) {
            final int count = 60;
            final int flows = 3;
            channel.configureBlocking(false);
            final Set<Integer> ports = new TreeSet<>();
            final ByteBuffer buffer = ByteBuffer.allocate(2048);
            int received = 0;
            // Ten at a time, read before the next ten: the socket's receive buffer holds only a few dozen of
            // these frames (each is charged a page).
            for (int round = 0; round < count / 10; round++) {
                topology.inside(topology.a, () -> TrafficTool.generateLive("a0", Topology.R1_MAC,
                        TrafficTool.parseIp(Topology.A_ADDRESS), TrafficTool.parseIp(Topology.B_ADDRESS), 60, flows,
                        0, 10, 16, false));
                final long deadline = System.nanoTime() + 5_000_000_000L;
                while (received < 10 * (round + 1) && System.nanoTime() < deadline) {
                    buffer.clear();
                    final InetSocketAddress from = (InetSocketAddress) channel.receive(buffer);
                    if (from == null) {
                        Thread.sleep(5);
                        continue;
                    }
                    received++;
                    assertEquals(Topology.A_ADDRESS, from.getAddress().getHostAddress());
                    assertEquals(60 - 42, buffer.position(), "payload bytes of a 60-byte frame");
                    ports.add(from.getPort());
                }
            }
            assertEquals(count, received, "datagrams received (ports " + ports + ")");
            assertEquals(Set.of(10000, 10001, 10002), ports, "one source port per flow");

            // The benchmark's tc sink drops them before the stack sees them.
            final int[] sink = topology.inside(topology.r, () -> {
                final int prog = Bpf.loadTc(Bpf.TC_DROP_IPV4, "rl_test_tc_sink");
                return new int[] {prog, Bpf.attachTcxIngress(prog, Interfaces.lookup("r1").ifindex())};
            });
            try {
                final long before = topology.counter(topology.r, "r1", "rx_packets");
                topology.inside(topology.a, () -> TrafficTool.generateLive("a0", Topology.R1_MAC,
                        TrafficTool.parseIp(Topology.A_ADDRESS), TrafficTool.parseIp(Topology.B_ADDRESS), 60, flows,
                        0, 10, 16, false));
                assertEquals(10, topology.counter(topology.r, "r1", "rx_packets") - before);
                Thread.sleep(100);
                buffer.clear();
                assertEquals(null, channel.receive(buffer), "the tc sink dropped them");
            } finally {
                Native.close(sink[1]);
                Native.close(sink[0]);
            }
        } finally {
            topology.in(topology.r, "ip", "addr", "flush", "dev", "r1");
        }
    }
}
