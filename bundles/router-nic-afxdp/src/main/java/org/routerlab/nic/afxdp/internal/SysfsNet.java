package org.routerlab.nic.afxdp.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code /sys/class/net} of the calling thread's network namespace. {@code /sys} shows the namespace of whoever
 * mounted it ({@code ip netns exec} remounts it; a thread that entered a namespace with {@code setns}, as the tests
 * do, still sees the original one), so this mounts a private sysfs instance that no path names: {@code fsopen},
 * {@code fsconfig(FSCONFIG_CMD_CREATE)}, {@code fsmount} (Linux 5.2+, CAP_SYS_ADMIN), reached through
 * {@code /proc/self/fd/N}. Without those it falls back to {@code /sys/class/net}, checking the interface index.
 */
final class SysfsNet implements AutoCloseable {
    private static final long SYS_FSOPEN = 430;
    private static final long SYS_FSCONFIG = 431;
    private static final long SYS_FSMOUNT = 432;
    private static final int FSCONFIG_CMD_CREATE = 6;
    private static final int FSOPEN_CLOEXEC = 1;
    private static final int FSMOUNT_CLOEXEC = 1;

    private final int mount;
    private final Path root;

    private SysfsNet(final int mount, final Path root) {
        this.mount = mount;
        this.root = root;
    }

    /** The calling thread's namespace's view. */
    static SysfsNet open() {
        int fs = -1;
        try (Arena arena = Arena.ofConfined()) {
            fs = (int) Native.syscall(SYS_FSOPEN, arena.allocateFrom("sysfs").address(), FSOPEN_CLOEXEC, 0, 0, 0,
                    "fsopen(sysfs)");
            Native.syscall(SYS_FSCONFIG, fs, FSCONFIG_CMD_CREATE, 0, 0, 0, "fsconfig(FSCONFIG_CMD_CREATE)");
            final int m = (int) Native.syscall(SYS_FSMOUNT, fs, FSMOUNT_CLOEXEC, 0, 0, 0, "fsmount(sysfs)");
            return new SysfsNet(m, Path.of("/proc/self/fd/" + m + "/class/net"));
        } catch (NativeException e) {
            return new SysfsNet(-1, Path.of("/sys/class/net"));
        } finally {
            Native.close(fs);
        }
    }

    /** The attribute file of an interface, or null when this view does not show {@code ifindex} under that name. */
    Path attribute(final String name, final int ifindex, final String attribute) {
        final Path dir = root.resolve(name);
        try {
            if (Integer.parseInt(Files.readString(dir.resolve("ifindex")).strip()) != ifindex) {
                return null;
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return dir.resolve(attribute);
    }

    static long read(final Path attribute) throws IOException {
        return Long.parseLong(Files.readString(attribute).strip());
    }

    static void write(final Path attribute, final long value) throws IOException {
        Files.writeString(attribute, Long.toString(value));
    }

    @Override
    public void close() {
        Native.close(mount);
    }
}
