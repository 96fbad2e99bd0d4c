package org.routerlab.nic.afxdp.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls the backend needs, as {@code java.lang.foreign} downcalls (no JNI, no libbpf): {@code syscall}
 * (for {@code bpf(2)}), sockets, {@code mmap}, {@code ioctl} and {@code if_nametoindex}. Every call captures
 * {@code errno} into a caller-supplied state segment ({@link #newCallState()}): one per thread, or one per port for
 * the forwarding thread's kicks, because the capture must be read right after the call.
 *
 * <p>Constants are x86_64 Linux uapi values, verified against the installed headers ({@code notes/afxdp.md}).
 */
final class Native {
    static final long SYS_BPF = 321;

    static final int AF_INET = 2;
    static final int AF_XDP = 44;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_XDP = 283;
    static final int MSG_DONTWAIT = 0x40;
    static final int SOL_SOCKET = 1;
    /** Busy-poll socket options (asm-generic/socket.h; Linux 3.11, 5.11, 5.11) and the socket's NAPI id (4.12). */
    static final int SO_BUSY_POLL = 46;
    static final int SO_INCOMING_NAPI_ID = 56;
    static final int SO_PREFER_BUSY_POLL = 69;
    static final int SO_BUSY_POLL_BUDGET = 70;

    static final int PROT_READ_WRITE = 0x3;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_POPULATE = 0x8000;

    static final int SIOCGIFFLAGS = 0x8913;
    static final int SIOCGIFMTU = 0x8921;
    static final int SIOCGIFHWADDR = 0x8927;
    static final int SIOCETHTOOL = 0x8946;
    static final int IFF_UP = 0x1;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EOPNOTSUPP = 95;
    static final int ENOBUFS = 105;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERR = Linker.Option.captureCallState("errno");

    private static final MethodHandle SYSCALL4 = handle("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1), ERR);
    private static final MethodHandle SYSCALL6 = handle("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1), ERR);
    private static final MethodHandle SYSCALL7 = handle("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG), Linker.Option.firstVariadicArg(1), ERR);
    private static final MethodHandle SOCKET = handle("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), ERR);
    private static final MethodHandle SETSOCKOPT = handle("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERR);
    private static final MethodHandle GETSOCKOPT = handle("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), ERR);
    private static final MethodHandle BIND = handle("bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), ERR);
    private static final MethodHandle MMAP = handle("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), ERR);
    private static final MethodHandle MUNMAP = handle("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), ERR);
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERR);
    private static final MethodHandle SENDTO = handle("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), ERR);
    private static final MethodHandle RECVFROM = handle("recvfrom",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS), ERR);
    private static final MethodHandle IOCTL = handle("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2), ERR);
    private static final MethodHandle IF_NAMETOINDEX = handle("if_nametoindex",
            FunctionDescriptor.of(JAVA_INT, ADDRESS), ERR);

    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(Native::newCallState);

    private Native() {
    }

    private static MethodHandle handle(final String name, final FunctionDescriptor descriptor,
            final Linker.Option... options) {
        return LINKER.downcallHandle(LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name)), descriptor,
                options);
    }

    /** A fresh errno capture segment (for a thread or a port's data path). */
    static MemorySegment newCallState() {
        return Arena.ofAuto().allocate(STATE_LAYOUT);
    }

    /** The calling thread's errno capture segment (control path). */
    static MemorySegment state() {
        return STATE.get();
    }

    static int errno(final MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** {@code bpf(cmd, attr, sizeof attr)}; returns the result or throws with the errno. */
    static int bpf(final int cmd, final MemorySegment attr, final String what) throws NativeException {
        final MemorySegment cs = state();
        final long r;
        try {
            r = (long) SYSCALL4.invokeExact(cs, SYS_BPF, (long) cmd, attr.address(), attr.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException(what, errno(cs));
        }
        return (int) r;
    }

    /** {@code syscall(number, a, b, c, d, e)}; returns the result or throws with the errno. */
    static long syscall(final long number, final long a, final long b, final long c, final long d, final long e,
            final String what) throws NativeException {
        final MemorySegment cs = state();
        final long r;
        try {
            r = (long) SYSCALL6.invokeExact(cs, number, a, b, c, d, e);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException(what, errno(cs));
        }
        return r;
    }

    /** {@code syscall(number, a, b, c, d, e, f)} for the data path: the result, or minus the errno. Allocation-free. */
    static long syscallNoThrow(final MemorySegment state, final long number, final long a, final long b,
            final long c, final long d, final long e, final long f) {
        final long r;
        try {
            r = (long) SYSCALL7.invokeExact(state, number, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return r < 0 ? -errno(state) : r;
    }

    /** {@code send(fd, buffer, length, 0)} (netlink requests); returns the bytes sent or throws. */
    static long send(final int fd, final MemorySegment buffer, final long length, final String what)
            throws NativeException {
        final MemorySegment cs = state();
        final long r;
        try {
            r = (long) SENDTO.invokeExact(cs, fd, buffer, length, 0, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException(what, errno(cs));
        }
        return r;
    }

    /** {@code recv(fd, buffer, size, 0)} (netlink replies); returns the bytes received or throws. */
    static long recv(final int fd, final MemorySegment buffer, final String what) throws NativeException {
        final MemorySegment cs = state();
        final long r;
        try {
            r = (long) RECVFROM.invokeExact(cs, fd, buffer, buffer.byteSize(), 0, MemorySegment.NULL,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException(what, errno(cs));
        }
        return r;
    }

    static int socket(final int domain, final int type, final int protocol, final String what) throws NativeException {
        final MemorySegment cs = state();
        final int fd;
        try {
            fd = (int) SOCKET.invokeExact(cs, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (fd < 0) {
            throw new NativeException(what, errno(cs));
        }
        return fd;
    }

    static void setsockopt(final int fd, final int level, final int name, final MemorySegment value, final String what)
            throws NativeException {
        final MemorySegment cs = state();
        final int r;
        try {
            r = (int) SETSOCKOPT.invokeExact(cs, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException(what, errno(cs));
        }
    }

    /** {@code getsockopt}; returns the length the kernel wrote. */
    static int getsockopt(final int fd, final int level, final int name, final MemorySegment value,
            final MemorySegment state, final String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, (int) value.byteSize());
            final int r;
            try {
                r = (int) GETSOCKOPT.invokeExact(state, fd, level, name, value, len);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            if (r < 0) {
                throw new NativeException(what, errno(state));
            }
            return len.get(JAVA_INT, 0);
        }
    }

    /** {@code setsockopt} of one {@code int}. */
    static void setIntOption(final int fd, final int level, final int name, final int value, final String what)
            throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment v = arena.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, value);
            setsockopt(fd, level, name, v, what);
        }
    }

    /** {@code getsockopt} of one {@code int}. */
    static int intOption(final int fd, final int level, final int name, final MemorySegment state,
            final String what) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment v = arena.allocate(JAVA_INT);
            getsockopt(fd, level, name, v, state, what);
            return v.get(JAVA_INT, 0);
        }
    }

    static void bind(final int fd, final MemorySegment address, final String what) throws NativeException {
        final MemorySegment cs = state();
        final int r;
        try {
            r = (int) BIND.invokeExact(cs, fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException(what, errno(cs));
        }
    }

    /** {@code mmap}; returns the mapping as a segment of {@code length} bytes (restricted: native access). */
    static MemorySegment mmap(final long length, final int flags, final int fd, final long offset, final String what)
            throws NativeException {
        final MemorySegment cs = state();
        final MemorySegment p;
        try {
            p = (MemorySegment) MMAP.invokeExact(cs, MemorySegment.NULL, length, PROT_READ_WRITE, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (p.address() == -1L) {
            throw new NativeException(what, errno(cs));
        }
        return p.reinterpret(length);
    }

    static void munmap(final MemorySegment mapping) {
        try {
            final int ignored = (int) MUNMAP.invokeExact(state(), mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(final int fd) {
        if (fd < 0) {
            return;
        }
        try {
            final int ignored = (int) CLOSE.invokeExact(state(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * The AF_XDP transmit kick: {@code sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0)}. Returns 0 or the errno
     * ({@code EAGAIN}: more than the tx budget was queued, call again; {@code EBUSY}, {@code ENOBUFS},
     * {@code ENETDOWN}: retry later). Data path: allocation-free.
     */
    static int kick(final int fd, final MemorySegment state) {
        final long r;
        try {
            r = (long) SENDTO.invokeExact(state, fd, MemorySegment.NULL, 0L, MSG_DONTWAIT, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return r < 0 ? errno(state) : 0;
    }

    /**
     * The AF_XDP receive wakeup for drivers that ask for it: a non-blocking {@code recvfrom} of nothing. On a socket
     * with {@code SO_BUSY_POLL} set and a NAPI id learned, the same call first runs {@code napi_busy_loop} once
     * for the queue's NAPI (receive processing in the calling thread: {@code xsk_recvmsg}).
     */
    static int wakeRx(final int fd, final MemorySegment state) {
        final long r;
        try {
            r = (long) RECVFROM.invokeExact(state, fd, MemorySegment.NULL, 0L, MSG_DONTWAIT, MemorySegment.NULL,
                    MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return r < 0 ? errno(state) : 0;
    }

    /** {@code ioctl(fd, request, ifreq)} on a 40-byte {@code struct ifreq}. */
    static void ioctl(final int fd, final long request, final MemorySegment ifreq, final String what)
            throws NativeException {
        final MemorySegment cs = state();
        final int r;
        try {
            r = (int) IOCTL.invokeExact(cs, fd, request, ifreq);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (r < 0) {
            throw new NativeException(what, errno(cs));
        }
    }

    /** The interface index of {@code name}, or 0 when there is no such interface (in this network namespace). */
    static int ifNameToIndex(final String name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) IF_NAMETOINDEX.invokeExact(state(), arena.allocateFrom(name));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(final Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
