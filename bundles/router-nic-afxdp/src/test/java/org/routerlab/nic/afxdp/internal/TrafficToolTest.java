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
