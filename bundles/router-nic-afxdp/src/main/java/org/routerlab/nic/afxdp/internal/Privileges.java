package org.routerlab.nic.afxdp.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The capabilities AF_XDP needs, checked before anything is created so that a missing one is named, with how to
 * grant it, instead of surfacing as an EPERM halfway through. CAP_NET_ADMIN attaches XDP programs, CAP_NET_RAW
 * creates AF_XDP sockets, CAP_BPF (or CAP_SYS_ADMIN) creates the map and loads the program, and CAP_IPC_LOCK lets
 * the UMEM exceed RLIMIT_MEMLOCK.
 */
final class Privileges {
    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;
    static final int CAP_IPC_LOCK = 14;
    static final int CAP_SYS_ADMIN = 21;
    static final int CAP_BPF = 39;

    static final String HOW = "run the router as root, or grant the JVM the capabilities: sudo setcap "
            + "cap_net_admin,cap_net_raw,cap_bpf,cap_ipc_lock+ep \"$(readlink -f \"$JAVA_HOME/bin/java\")\" "
            + "(or AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW CAP_BPF CAP_IPC_LOCK in a systemd unit)";

    /** A missing privilege: an {@link IllegalArgumentException} so the command line exits with code 2. */
    static final class Missing extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        Missing(final String message) {
            super(message);
        }
    }

    private Privileges() {
    }

    /** @throws Missing naming every missing capability and how to grant it */
    static void check(final long umemBytes) {
        final long caps = effective();
        if (caps < 0) {
            return; // cannot tell: let the system calls speak
        }
        final List<String> missing = new ArrayList<>();
        if (!has(caps, CAP_NET_ADMIN)) {
            missing.add("CAP_NET_ADMIN (attach the XDP program)");
        }
        if (!has(caps, CAP_NET_RAW)) {
            missing.add("CAP_NET_RAW (create AF_XDP sockets)");
        }
        if (!has(caps, CAP_BPF) && !has(caps, CAP_SYS_ADMIN)) {
            missing.add("CAP_BPF (create the XSKMAP and load the XDP program)");
        }
        if (!has(caps, CAP_IPC_LOCK)) {
            final long limit = memlockLimit();
            if (limit >= 0 && umemBytes > limit) {
                missing.add("CAP_IPC_LOCK (the UMEM, " + umemBytes / (1 << 20) + " MiB, is above RLIMIT_MEMLOCK, "
                        + limit / 1024 + " KiB; or lower nic.frames, or raise ulimit -l)");
            }
        }
        if (!missing.isEmpty()) {
            throw new Missing("nic=af-xdp needs " + String.join(", ", missing) + "; " + HOW);
        }
    }

    /** The message for an EPERM from {@code step}, naming the capability it needs. */
    static Missing denied(final String step, final String capability, final NativeException cause) {
        final Missing m = new Missing("nic=af-xdp: " + step + " was refused (" + cause.getMessage() + "): it needs "
                + capability + "; " + HOW);
        m.initCause(cause);
        return m;
    }

    private static boolean has(final long caps, final int cap) {
        return (caps & (1L << cap)) != 0;
    }

    /** CapEff of this process, or -1 when /proc is not readable. */
    static long effective() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The soft RLIMIT_MEMLOCK in bytes, Long.MAX_VALUE when unlimited, -1 when unknown. */
    static long memlockLimit() {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max locked memory")) {
                    final String[] f = line.substring("Max locked memory".length()).strip().split("\\s+");
                    return f[0].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
