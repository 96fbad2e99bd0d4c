package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An AF_XDP traffic generator and an XDP sink, for benchmarks and tests (trafgen stalls on this kernel once receive
 * processing moves to the other core, and xdp-trafficgen is broken on it). Runs from the bundle jar alone:
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp router-nic-afxdp.jar org.routerlab.nic.afxdp.internal.TrafficTool \
 *       gen --dev a0 --dst-mac 02:00:00:77:01:01 --src 10.77.1.2 --dst 10.77.2.2 [--size 60] [--flows 64]
 *           [--seconds 10] [--rate PPS] [--count N]
 *   … TrafficTool xdpgen --dev a0 --dst-mac … --src … --dst … [--size 60] [--flows 64] [--seconds 10] [--count N]
 *           [--batch 64]                in-kernel: BPF_PROG_RUN with live frames (see generateLive)
 *   … TrafficTool sink --dev b0 [--seconds S] [--hook xdp|tc]   drops IPv4 (ARP still passes) until killed
 * </pre>
 * The generator binds a tx-only AF_XDP socket (copy mode on veth), builds {@code flows} UDP frames once and sends
 * them round robin as fast as the tx ring and the completion ring allow (or at {@code --rate}), and prints one
 * line per second and a total. A frame is reused once its completion comes back, so backpressure never stalls it.
 * In copy mode it costs a {@code sendto} per 256 frames and an skb per frame, on the generator's CPU: about
 * 0.6 Mpps alone here, 0.3–0.45 once it shares its CPU with the receive softirq, which is not enough to saturate a
 * router. {@code xdpgen} has the kernel repeat one frame itself (2.5–3.5 Mpps from one core), so it can.
 */
public final class TrafficTool {
    private static final int FRAMES = 4096;

    private TrafficTool() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: TrafficTool gen|sink --dev IF …");
            System.exit(2);
        }
        final Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        switch (args[0]) {
            case "gen" -> {
                final long sent = generate(o.get("dev"), parseMac(o.get("dst-mac")), parseIp(o.get("src")),
                        parseIp(o.get("dst")), Integer.parseInt(o.getOrDefault("size", "60")),
                        Integer.parseInt(o.getOrDefault("flows", "64")),
                        Double.parseDouble(o.getOrDefault("seconds", "10")),
                        Long.parseLong(o.getOrDefault("rate", "0")), Long.parseLong(o.getOrDefault("count", "0")),
                        true);
                System.out.println("sent " + sent);
            }
            case "xdpgen" -> {
                final long sent = generateLive(o.get("dev"), parseMac(o.get("dst-mac")), parseIp(o.get("src")),
                        parseIp(o.get("dst")), Integer.parseInt(o.getOrDefault("size", "60")),
                        Integer.parseInt(o.getOrDefault("flows", "64")),
                        Double.parseDouble(o.getOrDefault("seconds", "10")),
                        Long.parseLong(o.getOrDefault("count", "0")), Integer.parseInt(o.getOrDefault("batch", "64")),
                        true);
                System.out.println("sent " + sent);
            }
            case "sink" -> sink(o.get("dev"), Double.parseDouble(o.getOrDefault("seconds", "0")),
                    o.getOrDefault("hook", "xdp"));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    /**
     * Attaches a drop-IPv4 program to {@code dev} and holds it: {@code hook} xdp (native mode, else generic) or tc
     * (tcx ingress: takes any skb as it is, where XDP on a veth first copies a non-linear one).
     */
    static void sink(final String dev, final double seconds, final String hook) throws Exception {
        final Interfaces.Link link = Interfaces.lookup(dev);
        final int prog;
        int l;
        if (hook.equals("tc")) {
            prog = Bpf.loadTc(Bpf.TC_DROP_IPV4, "rl_tc_sink");
            l = Bpf.attachTcxIngress(prog, link.ifindex());
        } else {
            prog = Bpf.loadXdp(Bpf.DROP_IPV4, "rl_sink");
            try {
                l = Bpf.attachXdp(prog, link.ifindex(), Bpf.XDP_FLAGS_DRV_MODE);
            } catch (NativeException e) {
                l = Bpf.attachXdp(prog, link.ifindex(), Bpf.XDP_FLAGS_SKB_MODE);
            }
        }
        System.out.println("sink (" + hook + ") attached to " + dev);
        System.out.flush();
        final long end = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
        while (System.nanoTime() < end) {
            Thread.sleep(100);
        }
        Native.close(l);
        Native.close(prog);
    }

    /**
     * Sends UDP frames from {@code dev} (this thread's network namespace) and returns how many completed.
     *
     * @param count stop after this many (0: no limit); @param rate packets per second (0: as fast as possible)
     */
    static long generate(final String dev, final long dstMac, final int src, final int dst, final int size,
            final int flows, final double seconds, final long rate, final long count, final boolean print)
            throws Exception {
        final Interfaces.Link link = Interfaces.lookup(dev);
        final MemorySegment umem = Native.mmap((long) FRAMES * AfXdpPlatform.FRAME_SIZE,
                Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_POPULATE, -1, 0, "mmap(generator UMEM)");
        final int n = Math.max(1, Math.min(flows, FRAMES));
        for (int f = 0; f < FRAMES; f++) {
            udpFrame(umem, (long) f * AfXdpPlatform.FRAME_SIZE, link.mac(), dstMac, src, dst, 10000 + (f % n), 9,
                    size);
        }
        try (XskSocket s = XskSocket.open(new XskSocket.Settings(dev, link.ifindex(), 0, umem,
                AfXdpPlatform.FRAME_SIZE, -1, 64, 4096, 64, 2048, XskSocket.CopyMode.AUTO, 256))) {
            final int[] free = new int[FRAMES];
            int top = 0;
            for (int f = FRAMES - 1; f >= 0; f--) {
                free[top++] = f;
            }
            final MemorySegment cs = Native.newCallState();
            final long start = System.nanoTime();
            final long end = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
            long submitted = 0;
            long completed = 0;
            long nextPrint = start + 1_000_000_000L;
            long lastPrinted = 0;
            while (true) {
                final long now = System.nanoTime();
                final boolean done = now >= end || (count > 0 && submitted >= count);
                final int c = s.completion.available(FRAMES);
                if (c > 0) {
                    final int first = s.completion.consumer();
                    for (int k = 0; k < c; k++) {
                        free[top++] = (int) (s.completion.address(first + k) >>> AfXdpPlatform.FRAME_SHIFT);
                    }
                    s.completion.release(c);
                    completed += c;
                }
                if (done) {
                    if (completed == submitted || now >= end + 1_000_000_000L) {
                        break;
                    }
                    Native.kick(s.fd, cs);
                    continue;
                }
                int want = Math.min(64, top);
                if (rate > 0) {
                    final long allowed = (long) ((now - start) / 1e9 * rate) - submitted;
                    want = (int) Math.min(want, Math.max(0, allowed));
                }
                if (count > 0) {
                    want = (int) Math.min(want, count - submitted);
                }
                final int room = s.tx.free(want);
                want = Math.min(want, room);
                if (want > 0) {
                    final int p = s.tx.producer();
                    for (int k = 0; k < want; k++) {
                        s.tx.putDescriptor(p + k, (long) free[--top] << AfXdpPlatform.FRAME_SHIFT, size);
                    }
                    s.tx.submit(want);
                    submitted += want;
                }
                if (s.tx.needsWakeup()) {
                    Native.kick(s.fd, cs);
                }
                if (print && now >= nextPrint) {
                    System.out.printf("gen %s: %.3f Mpps%n", dev, (completed - lastPrinted) / 1e6);
                    System.out.flush();
                    lastPrinted = completed;
                    nextPrint += 1_000_000_000L;
                }
            }
            final double secs = (System.nanoTime() - start) / 1e9;
            if (print) {
                System.out.printf("gen %s: %d frames in %.2f s, %.3f Mpps%n", dev, completed, secs,
                        completed / secs / 1e6);
            }
            return completed;
        } finally {
            Native.munmap(umem);
        }
    }

    /**
     * The in-kernel generator: {@code BPF_PROG_RUN} in live-frames mode ({@link Bpf#runLive}) of a program that
     * gives each copy of one UDP frame a source port among {@code flows} and returns {@code XDP_TX}, so the kernel
     * transmits it out of {@code dev} (to the peer of a veth) without user-space work per frame. Each syscall runs
     * a chunk of repetitions sized to take about 50 ms, until {@code seconds} or {@code count}. A program that
     * passes everything is attached to {@code dev} (native mode, through a link) for the run, because live frames
     * need the device's rx queue registered for XDP, which a veth does only with a native program. Returns how
     * many frames the program handed to the kernel to transmit; frames the peer cannot take (its ring is full)
     * are dropped there and show in its counters, not here.
     */
    static long generateLive(final String dev, final long dstMac, final int src, final int dst, final int size,
            final int flows, final double seconds, final long count, final int batch, final boolean print)
            throws Exception {
        final Interfaces.Link link = Interfaces.lookup(dev);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            final MemorySegment frame = arena.allocate(size, 8);
            udpFrame(frame, 0, link.mac(), dstMac, src, dst, 10000, 9, size);
            final MemorySegment attr = Bpf.newAttr(arena);
            final MemorySegment ctx = arena.allocate(24, 8);
            final byte[] template = new byte[size];
            MemorySegment.copy(frame, JAVA_BYTE, 0, template, 0, size);
            final int prog = Bpf.loadTxFlows(template, Math.max(1, Math.min(flows, 65536 - Bpf.TX_BASE_PORT)),
                    link.ifindex());
            int pass = -1;
            int attached = -1;
            int resident = -1;
            try {
                // Each BPF_PROG_RUN of an XDP program adds it to the kernel's XDP dispatcher and removes it again,
                // and each change waits for an RCU grace period (bpf_dispatcher_change_prog: synchronize_rcu), about
                // 10-20 ms here: the generator sent nothing for 20-30 ms after every 50 ms call. A program already in
                // the dispatcher is only counted, so the program stays attached to the loopback device (generic
                // mode) for the run; it passes every frame there (its ingress interface is not dev).
                try {
                    resident = Bpf.attachXdp(prog, Interfaces.lookup("lo").ifindex(), Bpf.XDP_FLAGS_SKB_MODE);
                } catch (NativeException | RuntimeException e) {
                    if (print) {
                        System.out.println("gen " + dev + ": the program could not stay in the XDP dispatcher ("
                                + e.getMessage() + "); each call then waits for RCU twice");
                    }
                }
                pass = Bpf.loadXdp(Bpf.PASS, "rl_gen_pass");
                try {
                    attached = Bpf.attachXdp(pass, link.ifindex(), Bpf.XDP_FLAGS_DRV_MODE);
                } catch (NativeException e) {
                    if (print) {
                        System.out.println("gen " + dev + ": no native XDP pass program (" + e.getMessage()
                                + "); trying without");
                    }
                }
                final long start = System.nanoTime();
                final long end = seconds > 0 ? start + (long) (seconds * 1e9) : Long.MAX_VALUE;
                long sent = 0;
                long chunk = 65536;
                long nextPrint = start + 1_000_000_000L;
                long lastPrinted = 0;
                while (true) {
                    final long now = System.nanoTime();
                    if (now >= end || (count > 0 && sent >= count)) {
                        break;
                    }
                    long repeat = chunk;
                    if (count > 0) {
                        repeat = Math.min(repeat, count - sent);
                    }
                    final int ns = Bpf.runLive(prog, frame, link.ifindex(), (int) repeat, batch, attr, ctx);
                    sent += repeat;
                    // about 50 ms per call, so the end time and the per-second lines stay accurate
                    chunk = Math.max(1024, Math.min(1L << 24, 50_000_000L / Math.max(1, ns)));
                    if (seconds > 0) {
                        final long left = (long) ((end - System.nanoTime()) / (double) Math.max(1, ns));
                        chunk = Math.max(1024, Math.min(chunk, left));
                    }
                    if (print && System.nanoTime() >= nextPrint) {
                        System.out.printf("gen %s: %.3f Mpps (%d ns per frame in the kernel)%n", dev,
                                (sent - lastPrinted) / 1e6, ns);
                        System.out.flush();
                        lastPrinted = sent;
                        nextPrint += 1_000_000_000L;
                    }
                }
                final double secs = (System.nanoTime() - start) / 1e9;
                if (print) {
                    System.out.printf("gen %s: %d frames in %.2f s, %.3f Mpps%n", dev, sent, secs,
                            sent / secs / 1e6);
                }
                return sent;
            } finally {
                Native.close(attached);
                Native.close(resident);
                Native.close(pass);
                Native.close(prog);
            }
        }
    }

    /** Sends the given frames once from {@code dev} (this thread's namespace); for tests. */
    static void sendFrames(final String dev, final List<byte[]> frames) throws Exception {
        final Interfaces.Link link = Interfaces.lookup(dev);
        final MemorySegment umem = Native.mmap((long) 64 * AfXdpPlatform.FRAME_SIZE,
                Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_POPULATE, -1, 0, "mmap(test UMEM)");
        try (XskSocket s = XskSocket.open(new XskSocket.Settings(dev, link.ifindex(), 0, umem,
                AfXdpPlatform.FRAME_SIZE, -1, 64, 64, 64, 64, XskSocket.CopyMode.AUTO, 0))) {
            final MemorySegment cs = Native.newCallState();
            int sent = 0;
            while (sent < frames.size()) {
                final int batch = Math.min(32, frames.size() - sent);
                final int p = s.tx.producer();
                for (int k = 0; k < batch; k++) {
                    final byte[] f = frames.get(sent + k);
                    MemorySegment.copy(f, 0, umem, JAVA_BYTE, (long) k * AfXdpPlatform.FRAME_SIZE, f.length);
                    s.tx.putDescriptor(p + k, (long) k * AfXdpPlatform.FRAME_SIZE, f.length);
                }
                s.tx.submit(batch);
                int done = 0;
                final long until = System.nanoTime() + 2_000_000_000L;
                while (done < batch && System.nanoTime() < until) {
                    Native.kick(s.fd, cs);
                    final int c = s.completion.available(64);
                    s.completion.release(c);
                    done += c;
                }
                sent += batch;
            }
        } finally {
            Native.munmap(umem);
        }
    }

    /** Writes an Ethernet/IPv4/UDP frame of {@code size} bytes (UDP checksum 0) at {@code at}. */
    static void udpFrame(final MemorySegment m, final long at, final long srcMac, final long dstMac, final int src,
            final int dst, final int srcPort, final int dstPort, final int size) {
        m.asSlice(at, size).fill((byte) 0);
        Frames.mac(m, at, dstMac);
        Frames.mac(m, at + 6, srcMac);
        Frames.u16(m, at + 12, 0x0800);
        final long ip = at + 14;
        Frames.u8(m, ip, 0x45);
        Frames.u16(m, ip + 2, size - 14);
        Frames.u8(m, ip + 8, 64);
        Frames.u8(m, ip + 9, 17);
        Frames.u32(m, ip + 12, src);
        Frames.u32(m, ip + 16, dst);
        Frames.u16(m, ip + 10, org.routerlab.api.packet.Checksums.internetChecksum(m, ip, 20));
        Frames.u16(m, ip + 20, srcPort);
        Frames.u16(m, ip + 22, dstPort);
        Frames.u16(m, ip + 24, size - 34);
    }

    static long parseMac(final String s) {
        long v = 0;
        for (final String part : s.split(":")) {
            v = (v << 8) | Integer.parseInt(part, 16);
        }
        return v;
    }

    static int parseIp(final String s) {
        int v = 0;
        for (final String part : s.split("\\.")) {
            v = (v << 8) | Integer.parseInt(part);
        }
        return v;
    }
}
