package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Two hosts and a router in network namespaces with unique names, joined by veth pairs:
 * <pre>
 *   host A (a0 10.77.1.2/24) ── r1 │ router ns (no kernel addresses) │ r2 ── (b0 10.77.2.2/24) host B
 * </pre>
 * The hosts route through 10.77.1.1 / 10.77.2.1, the router's addresses (owned by the Java router, not the
 * kernel). No static neighbour entries: the router must answer and send ARP. The hosts' transmit checksum offload
 * is off (a veth hands XDP frames whose TCP/UDP checksum is left to the hardware that isn't there). Closing deletes
 * the namespaces (and with them the veths), also after a failure.
 */
final class Topology implements AutoCloseable {
    static final String A_ADDRESS = "10.77.1.2";
    static final String B_ADDRESS = "10.77.2.2";
    static final String ROUTER_A = "10.77.1.1";
    static final String ROUTER_B = "10.77.2.1";
    static final String PORTS = "r1=10.77.1.1/24,r2=10.77.2.1/24";
    static final long A_MAC = 0x02_00_00_77_01_02L;
    static final long R1_MAC = 0x02_00_00_77_01_01L;
    static final long B_MAC = 0x02_00_00_77_02_02L;
    static final long R2_MAC = 0x02_00_00_77_02_01L;

    final String a;
    final String r;
    final String b;
    private final List<String> created = new ArrayList<>();

    private Topology(final String tag) {
        this.a = tag + "a";
        this.r = tag + "r";
        this.b = tag + "b";
    }

    /** Why the kernel feature is unavailable, or null when AF_XDP, BPF and netns can be used here. */
    static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return "not Linux";
        }
        final long caps = Privileges.effective();
        if (caps >= 0 && ((caps >>> Privileges.CAP_NET_ADMIN) & 1) == 0) {
            return "no CAP_NET_ADMIN (run the tests as root to exercise AF_XDP)";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip"))) {
            return "no 'ip' command (apt-get install iproute2)";
        }
        try {
            final int fd = Native.socket(Native.AF_XDP, Native.SOCK_RAW | Native.SOCK_CLOEXEC, 0, "socket(AF_XDP)");
            Native.close(fd);
        } catch (NativeException e) {
            return "AF_XDP sockets unavailable: " + e.getMessage();
        }
        try {
            Native.close(Bpf.createXskMap(1));
        } catch (NativeException e) {
            return "bpf(BPF_MAP_CREATE, XSKMAP) unavailable: " + e.getMessage();
        }
        return null;
    }

    static Topology create() throws IOException, InterruptedException {
        final String tag = "rlx" + Long.toHexString(ProcessHandle.current().pid() & 0xFFFF)
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xFFFF));
        final Topology t = new Topology(tag);
        try {
            t.build();
            return t;
        } catch (IOException | InterruptedException | RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void build() throws IOException, InterruptedException {
        for (final String ns : List.of(a, r, b)) {
            run("ip", "netns", "add", ns);
            created.add(ns);
            in(ns, "ip", "link", "set", "lo", "up");
            in(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            in(ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        }
        run("ip", "link", "add", "a0", "netns", a, "address", mac(A_MAC), "type", "veth", "peer", "name", "r1",
                "netns", r, "address", mac(R1_MAC));
        run("ip", "link", "add", "b0", "netns", b, "address", mac(B_MAC), "type", "veth", "peer", "name", "r2",
                "netns", r, "address", mac(R2_MAC));
        in(a, "ip", "addr", "add", A_ADDRESS + "/24", "dev", "a0");
        in(b, "ip", "addr", "add", B_ADDRESS + "/24", "dev", "b0");
        for (final String[] x : new String[][] {{a, "a0"}, {b, "b0"}, {r, "r1"}, {r, "r2"}}) {
            in(x[0], "ip", "link", "set", x[1], "up");
        }
        in(a, "ip", "route", "add", "default", "via", ROUTER_A);
        in(b, "ip", "route", "add", "default", "via", ROUTER_B);
        // No tx checksum offload (nor TSO) on the hosts: frames reach XDP exactly as they will leave the router.
        in(a, "ethtool", "-K", "a0", "tx", "off");
        in(b, "ethtool", "-K", "b0", "tx", "off");
    }

    static String mac(final long mac) {
        return org.routerlab.api.packet.MacAddress.format(mac);
    }

    /** Runs a command in namespace {@code ns}; fails on a non-zero exit. */
    String in(final String ns, final String... command) throws IOException, InterruptedException {
        final List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return run(c.toArray(String[]::new));
    }

    /** Runs a command in {@code ns} and returns its exit code and output, whatever the exit code. */
    Result tryIn(final String ns, final long timeoutSeconds, final String... command)
            throws IOException, InterruptedException {
        final List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return exec(timeoutSeconds, c.toArray(String[]::new));
    }

    record Result(int exit, String output) {
    }

    static String run(final String... command) throws IOException, InterruptedException {
        final Result r = exec(60, command);
        if (r.exit() != 0) {
            throw new IOException(String.join(" ", command) + " -> exit " + r.exit() + ": " + r.output());
        }
        return r.output();
    }

    static Result exec(final long timeoutSeconds, final String... command) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final byte[][] out = new byte[1][];
        final Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor();
        }
        reader.join(5000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    }

    /** Starts a background process in {@code ns} (kill it with destroy). */
    Process spawn(final String ns, final String... command) throws IOException {
        final List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return new ProcessBuilder(c).redirectErrorStream(true).start();
    }

    /** Waits (at most 10 s) until a TCP or UDP socket listens on {@code port} in namespace {@code ns}. */
    void awaitListening(final String ns, final int port) throws IOException, InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tryIn(ns, 5, "ss", "-Hltun", "sport = :" + port).output().isBlank()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("nothing listens on port " + port + " in " + ns + " after 10 s");
            }
            Thread.sleep(20);
        }
    }

    /** A link counter of interface {@code dev} in namespace {@code ns} (rx_packets, tx_packets, …). */
    long counter(final String ns, final String dev, final String name) throws IOException, InterruptedException {
        return Long.parseLong(in(ns, "cat", "/sys/class/net/" + dev + "/statistics/" + name).strip());
    }

    /** Whether an XDP program is attached to {@code dev} in {@code ns}. */
    boolean xdpAttached(final String ns, final String dev) throws IOException, InterruptedException {
        return in(ns, "ip", "-d", "link", "show", dev).contains("prog/xdp");
    }

    /** Runs {@code body} on this thread inside namespace {@code ns} (setns is per thread), then switches back. */
    <T> T inside(final String ns, final Callable<T> body) throws Exception {
        return Setns.inside(Path.of("/var/run/netns", ns), body);
    }

    @Override
    public void close() {
        for (final String ns : created.reversed()) {
            try {
                exec(30, "ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                // best effort
            }
        }
        created.clear();
    }

    /** {@code setns(2)} for the calling thread. */
    static final class Setns {
        private static final int CLONE_NEWNET = 0x40000000;
        private static final MethodHandle SETNS = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("setns").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle OPEN = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS, JAVA_INT),
                Linker.Option.firstVariadicArg(2));

        static <T> T inside(final Path namespace, final Callable<T> body) throws Exception {
            final int self = open(Path.of("/proc/thread-self/ns/net"));
            final int target = open(namespace);
            try {
                setns(target);
                try {
                    return body.call();
                } finally {
                    setns(self);
                }
            } finally {
                Native.close(self);
                Native.close(target);
            }
        }

        private static int open(final Path p) throws Exception {
            try (Arena arena = Arena.ofConfined()) {
                final int fd;
                try {
                    fd = (int) OPEN.invokeExact(arena.allocateFrom(p.toString()), 0x80000);
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
                if (fd < 0) {
                    throw new IOException("open " + p + " failed");
                }
                return fd;
            }
        }

        private static void setns(final int fd) throws Exception {
            final int r;
            try {
                r = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (r != 0) {
                throw new IOException("setns failed");
            }
        }
    }
}
