package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Busy polling of a device's NAPI from the forwarding thread, through io_uring's NAPI busy poll with static
 * tracking (Linux 6.13+): an io_uring with no submissions at all, whose wait ({@code io_uring_enter} with
 * {@code IORING_ENTER_GETEVENTS} and a timeout) runs {@code napi_busy_loop} on the registered NAPI ids for up to
 * {@code usec} µs (the veth's poll, its XDP program, the copy into the AF_XDP socket's UMEM — in this thread), then
 * returns {@code ETIME}.
 *
 * <p>Why not the socket's own busy poll ({@code SO_BUSY_POLL} + {@code recvfrom}): since Linux 6.13 an AF_XDP
 * socket learns its NAPI id only at bind, only in zero-copy mode, and only from a driver that links its queues to
 * NAPIs ({@code netif_queue_set_napi}); a copy-mode socket (veth) keeps NAPI id 0 and its {@code recvfrom} polls
 * nothing. io_uring takes the id explicitly; it comes from the netdev generic netlink family ({@code napi-get}).
 */
final class NapiPoller implements AutoCloseable {
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final long SYS_IO_URING_REGISTER = 427;
    private static final int IORING_REGISTER_NAPI = 27;
    private static final int IO_URING_NAPI_REGISTER_OP = 0;
    private static final int IO_URING_NAPI_STATIC_ADD_ID = 1;
    private static final int IO_URING_NAPI_TRACKING_STATIC = 1;
    private static final int IORING_ENTER_GETEVENTS = 1;
    private static final int IORING_ENTER_EXT_ARG = 8;
    static final int ETIME = 62;

    private final int fd;
    private final int[] ids;
    private final MemorySegment arg;
    private final MemorySegment state = Native.newCallState();

    private NapiPoller(final int fd, final int[] ids, final MemorySegment arg) {
        this.fd = fd;
        this.ids = ids;
        this.arg = arg;
    }

    /** An io_uring that busy-polls {@code ids} for {@code usec} µs per {@link #poll()}, preferring busy polling. */
    static NapiPoller open(final int[] ids, final int usec) throws NativeException {
        final Arena arena = Arena.ofAuto();
        final MemorySegment params = arena.allocate(120, 8);
        final int fd = (int) Native.syscall(SYS_IO_URING_SETUP, 1, params.address(), 0, 0, 0, "io_uring_setup");
        try {
            final MemorySegment napi = arena.allocate(16, 8);
            napi.set(JAVA_INT, 0, usec);
            napi.set(JAVA_BYTE, 4, (byte) 1); // prefer_busy_poll
            napi.set(JAVA_BYTE, 5, (byte) IO_URING_NAPI_REGISTER_OP);
            napi.set(JAVA_INT, 8, IO_URING_NAPI_TRACKING_STATIC);
            Native.syscall(SYS_IO_URING_REGISTER, fd, IORING_REGISTER_NAPI, napi.address(), 1, 0,
                    "io_uring_register(IORING_REGISTER_NAPI, static tracking)");
            for (final int id : ids) {
                napi.fill((byte) 0);
                napi.set(JAVA_BYTE, 5, (byte) IO_URING_NAPI_STATIC_ADD_ID);
                napi.set(JAVA_INT, 8, id);
                Native.syscall(SYS_IO_URING_REGISTER, fd, IORING_REGISTER_NAPI, napi.address(), 1, 0,
                        "io_uring_register(IORING_REGISTER_NAPI, add NAPI id " + id + ")");
            }
            // struct io_uring_getevents_arg { u64 sigmask; u32 sigmask_sz; u32 min_wait_usec; u64 ts; } and the
            // struct __kernel_timespec it points to: the wait (and so the busy loop) ends after usec µs.
            final MemorySegment arg = arena.allocate(24 + 16, 8);
            arg.set(JAVA_LONG, 16, arg.address() + 24);
            arg.set(JAVA_LONG, 24, 0);
            arg.set(JAVA_LONG, 32, usec * 1000L);
            return new NapiPoller(fd, ids.clone(), arg);
        } catch (NativeException | RuntimeException e) {
            Native.close(fd);
            throw e;
        }
    }

    /** One busy poll of the NAPIs (about {@code usec} µs). Returns 0 or the errno other than ETIME. Data path. */
    int poll() {
        final long r = Native.syscallNoThrow(state, SYS_IO_URING_ENTER, fd, 0, 1,
                IORING_ENTER_GETEVENTS | IORING_ENTER_EXT_ARG, arg.address(), 24);
        return r >= 0 || r == -ETIME ? 0 : (int) -r;
    }

    int[] ids() {
        return ids.clone();
    }

    @Override
    public void close() {
        Native.close(fd);
    }

    // ---- the NAPI ids of a device: netdev generic netlink, napi-get (Linux 6.9+)

    private static final int AF_NETLINK = 16;
    private static final int NETLINK_GENERIC = 16;
    private static final int GENL_ID_CTRL = 16;
    private static final int CTRL_CMD_GETFAMILY = 3;
    private static final int CTRL_ATTR_FAMILY_ID = 1;
    private static final int CTRL_ATTR_FAMILY_NAME = 2;
    private static final int NETDEV_CMD_NAPI_GET = 11;
    private static final int NETDEV_A_NAPI_IFINDEX = 1;
    private static final int NETDEV_A_NAPI_ID = 2;
    private static final int NLM_F_REQUEST = 1;
    private static final int NLM_F_DUMP = 0x300;
    private static final int NLMSG_ERROR = 2;
    private static final int NLMSG_DONE = 3;

    /** The NAPI ids of interface {@code ifindex} in the calling thread's network namespace (none: empty). */
    static int[] napiIds(final int ifindex) throws NativeException {
        final int fd = Native.socket(AF_NETLINK, Native.SOCK_RAW | Native.SOCK_CLOEXEC, NETLINK_GENERIC,
                "socket(AF_NETLINK, NETLINK_GENERIC)");
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment buf = arena.allocate(1 << 16, 8);
            // The netdev family's id.
            final byte[] name = "netdev\0".getBytes(StandardCharsets.US_ASCII);
            int len = header(buf, GENL_ID_CTRL, NLM_F_REQUEST, 1, CTRL_CMD_GETFAMILY);
            len = attribute(buf, len, CTRL_ATTR_FAMILY_NAME, MemorySegment.ofArray(name));
            buf.set(JAVA_INT, 0, len);
            Native.send(fd, buf, len, "netlink CTRL_CMD_GETFAMILY(netdev)");
            long got = Native.recv(fd, buf, "netlink CTRL_CMD_GETFAMILY reply");
            if (buf.get(JAVA_SHORT, 4) == NLMSG_ERROR) {
                throw new NativeException("genetlink family netdev", -buf.get(JAVA_INT, 16));
            }
            final int family = Short.toUnsignedInt((short) attributeValue(buf, 20, (int) got, CTRL_ATTR_FAMILY_ID, 2));
            // napi-get, dumped, filtered by ifindex.
            len = header(buf, family, NLM_F_REQUEST | NLM_F_DUMP, 2, NETDEV_CMD_NAPI_GET);
            final MemorySegment idx = arena.allocate(4);
            idx.set(JAVA_INT, 0, ifindex);
            len = attribute(buf, len, NETDEV_A_NAPI_IFINDEX, idx);
            buf.set(JAVA_INT, 0, len);
            Native.send(fd, buf, len, "netlink netdev napi-get");
            int[] ids = new int[0];
            while (true) {
                got = Native.recv(fd, buf, "netlink netdev napi-get reply");
                for (int at = 0; at + 16 <= got; ) {
                    final int mlen = buf.get(JAVA_INT, at);
                    final int type = Short.toUnsignedInt(buf.get(JAVA_SHORT, at + 4));
                    if (type == NLMSG_DONE) {
                        return ids;
                    }
                    if (type == NLMSG_ERROR) {
                        throw new NativeException("netlink netdev napi-get", -buf.get(JAVA_INT, at + 16));
                    }
                    final long dev = attributeValue(buf, at + 20, at + mlen, NETDEV_A_NAPI_IFINDEX, 4);
                    final long id = attributeValue(buf, at + 20, at + mlen, NETDEV_A_NAPI_ID, 4);
                    if (dev == ifindex && id > 0) {
                        ids = Arrays.copyOf(ids, ids.length + 1);
                        ids[ids.length - 1] = (int) id;
                    }
                    if (mlen < 16) {
                        break;
                    }
                    at += (mlen + 3) & ~3;
                }
            }
        } finally {
            Native.close(fd);
        }
    }

    private static int header(final MemorySegment buf, final int type, final int flags, final int seq,
            final int cmd) {
        buf.set(JAVA_SHORT, 4, (short) type);
        buf.set(JAVA_SHORT, 6, (short) flags);
        buf.set(JAVA_INT, 8, seq);
        buf.set(JAVA_INT, 12, 0);
        buf.set(JAVA_BYTE, 16, (byte) cmd);
        buf.set(JAVA_BYTE, 17, (byte) 1); // version
        buf.set(JAVA_SHORT, 18, (short) 0);
        return 20;
    }

    private static int attribute(final MemorySegment buf, final int at, final int type, final MemorySegment value) {
        final int alen = 4 + (int) value.byteSize();
        buf.set(JAVA_SHORT, at, (short) alen);
        buf.set(JAVA_SHORT, at + 2, (short) type);
        MemorySegment.copy(value, 0, buf, at + 4, value.byteSize());
        final int end = at + ((alen + 3) & ~3);
        for (int i = at + alen; i < end; i++) {
            buf.set(JAVA_BYTE, i, (byte) 0);
        }
        return end;
    }

    /** The value (of {@code size} bytes, 2 or 4) of attribute {@code type} among those in [from, to), or -1. */
    private static long attributeValue(final MemorySegment buf, final int from, final int to, final int type,
            final int size) {
        for (int at = from; at + 4 <= to; ) {
            final int alen = Short.toUnsignedInt(buf.get(JAVA_SHORT, at));
            final int t = buf.get(JAVA_SHORT, at + 2) & 0x3fff;
            if (alen < 4) {
                break;
            }
            if (t == type && alen >= 4 + size) {
                return size == 2 ? Short.toUnsignedInt(buf.get(JAVA_SHORT, at + 4))
                        : Integer.toUnsignedLong(buf.get(JAVA_INT, at + 4));
            }
            at += (alen + 3) & ~3;
        }
        return -1;
    }
}
