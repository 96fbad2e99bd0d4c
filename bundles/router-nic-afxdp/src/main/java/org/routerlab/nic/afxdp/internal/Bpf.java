package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * {@code bpf(2)} without libbpf: an XSKMAP, hand-assembled XDP programs, and BPF links (an XDP program attached
 * through a link is detached when the link's last fd closes, so nothing stays attached if the process dies).
 * {@code union bpf_attr} is 144 bytes, zero-filled; offsets per command are in {@code notes/afxdp.md}.
 */
final class Bpf {
    static final int MAP_CREATE = 0;
    static final int MAP_UPDATE_ELEM = 2;
    static final int MAP_DELETE_ELEM = 3;
    static final int PROG_LOAD = 5;
    static final int PROG_TEST_RUN = 10;
    static final int LINK_CREATE = 28;
    static final int MAP_TYPE_XSKMAP = 17;
    static final int PROG_TYPE_XDP = 6;
    static final int PROG_TYPE_SCHED_CLS = 3;
    static final int ATTACH_XDP = 37;
    static final int ATTACH_TCX_INGRESS = 46;
    static final int XDP_FLAGS_SKB_MODE = 2;
    static final int XDP_FLAGS_DRV_MODE = 4;
    /** {@code BPF_F_TEST_XDP_LIVE_FRAMES}: BPF_PROG_RUN really transmits what the program redirects (Linux 5.18+). */
    static final int F_TEST_XDP_LIVE_FRAMES = 1 << 1;

    private static final int ATTR_SIZE = 144;

    /**
     * {@code return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);} — bytes 4..7 of the second insn
     * are the map fd (ld_imm64 with BPF_PSEUDO_MAP_FD), patched at load time.
     */
    private static final byte[] REDIRECT = hex(
            "6112100000000000" // r2 = *(u32 *)(r1 + 16)   rx_queue_index
            + "1811000000000000" // r1 = map fd (ld_imm64, src_reg = BPF_PSEUDO_MAP_FD)
            + "0000000000000000" //   (second half)
            + "b703000002000000" // r3 = XDP_PASS, the action when the XSKMAP slot is empty
            + "8500000033000000" // call bpf_redirect_map (51)
            + "9500000000000000"); // exit

    /**
     * A traffic sink for benchmarks: drops IPv4 and passes everything else (so ARP still gets answered).
     * <pre>
     *   r2 = data; r3 = data_end; r0 = XDP_PASS; if data + 14 &gt; data_end goto out;
     *   if *(u16 *)(data + 12) != htons(0x0800) goto out; r0 = XDP_DROP; out: exit
     * </pre>
     */
    static final byte[] DROP_IPV4 = hex(
            "6112000000000000" + "6113040000000000" + "b700000002000000" + "bf24000000000000"
            + "070400000e000000" + "2d34030000000000" + "69240c0000000000" + "5504010008000000"
            + "b700000001000000" + "9500000000000000");

    /**
     * A tc (tcx ingress) traffic sink: drops IPv4, passes the rest (ARP). Unlike an XDP program on a veth, it takes
     * the skb as it comes: XDP needs a linear frame with 256 bytes of headroom and copies any other skb first
     * ({@code skb_pp_cow_data}), which frames sent from an AF_XDP socket (pages of the UMEM) always are, so an XDP
     * sink would charge the AF_XDP router a copy per frame that a kernel-forwarded frame does not pay.
     */
    static final byte[] TC_DROP_IPV4 = hex(
            "b700000000000000" // r0 = TC_ACT_OK (0)
            + "6112100000000000" // r2 = *(u32 *)(r1 + 16)     skb->protocol, network byte order
            + "5502010008000000" // if r2 != htons(ETH_P_IP) goto +1
            + "b700000002000000" // r0 = TC_ACT_SHOT (2)
            + "9500000000000000"); // exit

    /** {@code return XDP_PASS;} */
    static final byte[] PASS = hex(
            "b700000002000000" // r0 = XDP_PASS
            + "9500000000000000"); // exit

    private Bpf() {
    }

    /** Creates an XSKMAP of {@code entries} slots (key: rx queue, value: AF_XDP socket fd); returns its fd. */
    static int createXskMap(final int entries) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, MAP_TYPE_XSKMAP);
            attr.set(JAVA_INT, 4, 4);
            attr.set(JAVA_INT, 8, 4);
            attr.set(JAVA_INT, 12, entries);
            name(attr, 28, "rl_xsks");
            return Native.bpf(MAP_CREATE, attr, "bpf(BPF_MAP_CREATE, XSKMAP)");
        }
    }

    /** Loads the XSKMAP redirect program for {@code mapFd}; returns the program fd. */
    static int loadRedirect(final int mapFd) throws NativeException {
        final byte[] insns = REDIRECT.clone();
        final int at = 8 + 4;
        insns[at] = (byte) mapFd;
        insns[at + 1] = (byte) (mapFd >>> 8);
        insns[at + 2] = (byte) (mapFd >>> 16);
        insns[at + 3] = (byte) (mapFd >>> 24);
        return loadXdp(insns, "rl_xsk_redir");
    }

    /** Bytes of the generator's frame that its program rewrites every time: Ethernet, IPv4 and UDP headers. */
    static final int TX_HEADER = 42;

    /** The UDP source port of the generator's first flow; flow {@code i} uses {@code TX_BASE_PORT + i}. */
    static final int TX_BASE_PORT = 10000;

    /**
     * Assembles and loads the in-kernel generator's program, run by {@link #runLive} (never attached). Live frames
     * recycle their pages without copying the template again, so whatever a receiver changed in place (a forwarding
     * kernel rewrites the MACs, the TTL and the checksum in the very page) would go out the next time: the program
     * therefore writes the first {@link #TX_HEADER} bytes of {@code frame} back, gives the frame a UDP source port
     * of {@link #TX_BASE_PORT} + a random number below {@code flows}, and returns {@code XDP_TX}, which the live
     * BPF_PROG_RUN turns into a redirect out of the context's ingress interface. The UDP checksum is 0, so the port
     * needs no fix-up. A frame whose ingress interface is not {@code ifindex} is passed untouched, so the program
     * can also sit attached to another device (see {@link TrafficTool#generateLive}: it keeps the program in the
     * kernel's XDP dispatcher). 30 instructions; each one's bytes and meaning are next to its {@code insn} call.
     */
    static int loadTxFlows(final byte[] frame, final int flows, final int ifindex) throws NativeException {
        if (flows < 1 || flows > 65536 - TX_BASE_PORT || frame.length < TX_HEADER) {
            throw new IllegalArgumentException("generator: flows must be 1.." + (65536 - TX_BASE_PORT)
                    + " and the frame at least " + TX_HEADER + " bytes");
        }
        final java.io.ByteArrayOutputStream p = new java.io.ByteArrayOutputStream();
        insn(p, 0x61, 2, 1, 12, 0); //       -2: r2 = *(u32 *)(r1 + 12)   ingress_ifindex
        insn(p, 0x55, 2, 0, 26, ifindex); // -1: if r2 != ifindex goto +26 to the XDP_PASS at 26
        insn(p, 0xbf, 6, 1, 0, 0); //         0: r6 = r1                   keep the context across the helper call
        insn(p, 0x85, 0, 0, 0, 7); //         1: call bpf_get_prandom_u32  r0 = a random u32
        insn(p, 0x61, 2, 6, 0, 0); //         2: r2 = *(u32 *)(r6 + 0)    data
        insn(p, 0x61, 3, 6, 4, 0); //         3: r3 = *(u32 *)(r6 + 4)    data_end
        insn(p, 0xbf, 4, 2, 0, 0); //         4: r4 = r2
        insn(p, 0x07, 4, 0, 0, TX_HEADER); // 5: r4 += 42                 end of the headers
        insn(p, 0x2d, 4, 3, 17, 0); //        6: if r4 > r3 goto +17      too short: to the XDP_DROP at 24
        insn(p, 0x94, 0, 0, 0, flows); //     7: w0 %= flows
        insn(p, 0x07, 0, 0, 0, TX_BASE_PORT); // 8: r0 += 10000
        insn(p, 0xdc, 0, 0, 0, 16); //        9: r0 = htobe16(r0)
        for (int off = 0; off < 40; off += 4) { // 10..19: *(u32 *)(r2 + off) = frame[off..off+3] (ST_MEM; the imm
            insn(p, 0x62, 2, 0, off, //          is stored little-endian, so memory gets the bytes in order)
                    (frame[off] & 0xff) | (frame[off + 1] & 0xff) << 8 | (frame[off + 2] & 0xff) << 16
                            | (frame[off + 3] & 0xff) << 24);
        }
        insn(p, 0x6a, 2, 0, 40, (frame[40] & 0xff) | (frame[41] & 0xff) << 8); // 20: *(u16 *)(r2 + 40) = UDP csum
        insn(p, 0x6b, 2, 0, 34, 0); //        21: *(u16 *)(r2 + 34) = r0  the UDP source port
        insn(p, 0xb7, 0, 0, 0, 3); //         22: r0 = XDP_TX
        insn(p, 0x95, 0, 0, 0, 0); //         23: exit
        insn(p, 0xb7, 0, 0, 0, 1); //         24: r0 = XDP_DROP
        insn(p, 0x95, 0, 0, 0, 0); //         25: exit
        insn(p, 0xb7, 0, 0, 0, 2); //         26: r0 = XDP_PASS            another device's frame
        insn(p, 0x95, 0, 0, 0, 0); //         27: exit
        return loadXdp(p.toByteArray(), "rl_gen_tx");
    }

    /** Appends one eBPF instruction: opcode, dst and src registers, 16-bit offset, 32-bit immediate (LE). */
    private static void insn(final java.io.ByteArrayOutputStream p, final int code, final int dst, final int src,
            final int off, final int imm) {
        p.write(code);
        p.write(dst | src << 4);
        p.write(off);
        p.write(off >>> 8);
        p.write(imm);
        p.write(imm >>> 8);
        p.write(imm >>> 16);
        p.write(imm >>> 24);
    }

    /**
     * {@code BPF_PROG_RUN} with {@link #F_TEST_XDP_LIVE_FRAMES}: runs {@code progFd} {@code repeat} times on copies
     * of {@code frame} as if received on {@code ifindex} queue 0, in batches of {@code batch} (1..256), and sends
     * what it redirects (XDP_TX: out of {@code ifindex}; on a veth, to its peer, whose NAPI must be on: an XDP
     * program, GRO or threaded NAPI). One syscall, no user-space work per frame. Returns the kernel's mean
     * nanoseconds per repetition ({@code duration}).
     *
     * <p>{@code union bpf_attr} for the command: prog_fd@0 retval@4 data_size_in@8 data_size_out@12 data_in@16
     * data_out@24 repeat@32 duration@36 ctx_size_in@40 ctx_size_out@44 ctx_in@48 ctx_out@56 flags@64 cpu@68
     * batch_size@72; {@code struct xdp_md}: data@0 data_end@4 data_meta@8 ingress_ifindex@12 rx_queue_index@16
     * egress_ifindex@20 (24 bytes). Live mode wants no data_out/ctx_out, ctx data_end = the frame's size.
     */
    static int runLive(final int progFd, final MemorySegment frame, final int ifindex, final int repeat,
            final int batch, final MemorySegment attr, final MemorySegment ctx) throws NativeException {
        attr.fill((byte) 0);
        ctx.fill((byte) 0);
        ctx.set(JAVA_INT, 4, (int) frame.byteSize());
        ctx.set(JAVA_INT, 12, ifindex);
        attr.set(JAVA_INT, 0, progFd);
        attr.set(JAVA_INT, 8, (int) frame.byteSize());
        attr.set(JAVA_LONG, 16, frame.address());
        attr.set(JAVA_INT, 32, repeat);
        attr.set(JAVA_INT, 40, (int) ctx.byteSize());
        attr.set(JAVA_LONG, 48, ctx.address());
        attr.set(JAVA_INT, 64, F_TEST_XDP_LIVE_FRAMES);
        attr.set(JAVA_INT, 72, batch);
        Native.bpf(PROG_TEST_RUN, attr, "bpf(BPF_PROG_RUN, live frames, ifindex " + ifindex + ")");
        return attr.get(JAVA_INT, 36);
    }

    /** A zero-filled {@code union bpf_attr} for {@link #runLive} (reused across calls). */
    static MemorySegment newAttr(final Arena arena) {
        return arena.allocate(ATTR_SIZE, 8);
    }

    /** Loads a tc program ({@code BPF_PROG_TYPE_SCHED_CLS}), for {@link #attachTcxIngress}; returns its fd. */
    static int loadTc(final byte[] insns, final String name) throws NativeException {
        return load(PROG_TYPE_SCHED_CLS, 0, insns, name);
    }

    /**
     * Attaches a tc program to {@code ifindex}'s ingress through a tcx BPF link (Linux 6.6+; no qdisc needed);
     * returns the link fd (close it to detach). {@code BPF_LINK_CREATE}: prog_fd@0 target_ifindex@4
     * attach_type@8 = BPF_TCX_INGRESS (46) flags@12, the tcx fields (relative fd, expected revision) zero.
     */
    static int attachTcxIngress(final int progFd, final int ifindex) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, progFd);
            attr.set(JAVA_INT, 4, ifindex);
            attr.set(JAVA_INT, 8, ATTACH_TCX_INGRESS);
            return Native.bpf(LINK_CREATE, attr, "bpf(BPF_LINK_CREATE, tcx ingress, ifindex " + ifindex + ")");
        }
    }

    /** Loads an XDP program; on failure loads it again with the verifier log and puts the log in the message. */
    static int loadXdp(final byte[] insns, final String name) throws NativeException {
        return load(PROG_TYPE_XDP, ATTACH_XDP, insns, name);
    }

    private static int load(final int type, final int expectedAttach, final byte[] insns, final String name)
            throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment code = arena.allocate(insns.length, 8);
            MemorySegment.copy(insns, 0, code, JAVA_BYTE, 0, insns.length);
            final MemorySegment license = arena.allocateFrom("GPL");
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, type);
            attr.set(JAVA_INT, 4, insns.length / 8);
            attr.set(JAVA_LONG, 8, code.address());
            attr.set(JAVA_LONG, 16, license.address());
            name(attr, 48, name);
            attr.set(JAVA_INT, 68, expectedAttach);
            try {
                return Native.bpf(PROG_LOAD, attr, "bpf(BPF_PROG_LOAD, " + name + ")");
            } catch (NativeException e) {
                if (e.isPermission()) {
                    throw e;
                }
                final MemorySegment log = arena.allocate(65536);
                attr.set(JAVA_INT, 24, 1);
                attr.set(JAVA_INT, 28, (int) log.byteSize());
                attr.set(JAVA_LONG, 32, log.address());
                try {
                    return Native.bpf(PROG_LOAD, attr, "bpf(BPF_PROG_LOAD, " + name + ")");
                } catch (NativeException again) {
                    throw new NativeException("bpf(BPF_PROG_LOAD, " + name + "), verifier: "
                            + log.getString(0).strip().replace('\n', ' '), again.errno());
                }
            }
        }
    }

    /** Attaches {@code progFd} to {@code ifindex} through a BPF link; returns the link fd (close it to detach). */
    static int attachXdp(final int progFd, final int ifindex, final int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, progFd);
            attr.set(JAVA_INT, 4, ifindex);
            attr.set(JAVA_INT, 8, ATTACH_XDP);
            attr.set(JAVA_INT, 12, flags);
            return Native.bpf(LINK_CREATE, attr, "bpf(BPF_LINK_CREATE, XDP "
                    + (flags == XDP_FLAGS_DRV_MODE ? "drv" : "skb") + " mode, ifindex " + ifindex + ")");
        }
    }

    /** Puts {@code value} (an fd) at {@code key} in the map. */
    static void update(final int mapFd, final int key, final int value) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment k = arena.allocate(JAVA_INT);
            k.set(JAVA_INT, 0, key);
            final MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, mapFd);
            attr.set(JAVA_LONG, 8, k.address());
            attr.set(JAVA_LONG, 16, v.address());
            Native.bpf(MAP_UPDATE_ELEM, attr, "bpf(BPF_MAP_UPDATE_ELEM, XSKMAP[" + key + "])");
        }
    }

    /** Removes {@code key} from the map (traffic then takes the program's fallback action). */
    static void delete(final int mapFd, final int key) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment k = arena.allocate(JAVA_INT);
            k.set(JAVA_INT, 0, key);
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, mapFd);
            attr.set(JAVA_LONG, 8, k.address());
            Native.bpf(MAP_DELETE_ELEM, attr, "bpf(BPF_MAP_DELETE_ELEM, XSKMAP[" + key + "])");
        }
    }

    private static void name(final MemorySegment attr, final long offset, final String name) {
        final byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(b, 0, attr, JAVA_BYTE, offset, Math.min(b.length, 15));
    }

    static byte[] hex(final String s) {
        final byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s, 2 * i, 2 * i + 2, 16);
        }
        return b;
    }

    static {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new ExceptionInInitializerError("the hand-assembled XDP programs are little-endian");
        }
    }
}
