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
    static final int LINK_CREATE = 28;
    static final int MAP_TYPE_XSKMAP = 17;
    static final int PROG_TYPE_XDP = 6;
    static final int ATTACH_XDP = 37;
    static final int XDP_FLAGS_SKB_MODE = 2;
    static final int XDP_FLAGS_DRV_MODE = 4;

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

    /** Loads an XDP program; on failure loads it again with the verifier log and puts the log in the message. */
    static int loadXdp(final byte[] insns, final String name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment code = arena.allocate(insns.length, 8);
            MemorySegment.copy(insns, 0, code, JAVA_BYTE, 0, insns.length);
            final MemorySegment license = arena.allocateFrom("GPL");
            final MemorySegment attr = arena.allocate(ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, PROG_TYPE_XDP);
            attr.set(JAVA_INT, 4, insns.length / 8);
            attr.set(JAVA_LONG, 8, code.address());
            attr.set(JAVA_LONG, 16, license.address());
            name(attr, 48, name);
            attr.set(JAVA_INT, 68, ATTACH_XDP);
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
