package org.routerlab.nic.afxdp.internal;

import java.io.IOException;

/** A failed system call: what was attempted and the errno it gave. */
final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    NativeException(final String what, final int errno) {
        super(what + ": " + describe(errno));
        this.errno = errno;
    }

    int errno() {
        return errno;
    }

    boolean isPermission() {
        return errno == Native.EPERM || errno == Native.EACCES;
    }

    static String describe(final int errno) {
        final String name = switch (errno) {
            case Native.EPERM -> "EPERM, operation not permitted";
            case Native.EINTR -> "EINTR";
            case Native.EAGAIN -> "EAGAIN, try again";
            case Native.ENOMEM -> "ENOMEM, out of memory";
            case Native.EACCES -> "EACCES, permission denied";
            case Native.EBUSY -> "EBUSY, device or resource busy";
            case Native.ENODEV -> "ENODEV, no such device";
            case Native.EINVAL -> "EINVAL, invalid argument";
            case Native.EOPNOTSUPP -> "EOPNOTSUPP, not supported";
            case Native.ENOBUFS -> "ENOBUFS, no buffer space";
            case 2 -> "ENOENT, no such file or directory";
            case 3 -> "ESRCH, no such process";
            case 9 -> "EBADF, bad file descriptor";
            case 17 -> "EEXIST, already exists";
            case 97 -> "EAFNOSUPPORT, address family not supported (no AF_XDP in this kernel?)";
            case 38 -> "ENOSYS, function not implemented";
            default -> "errno " + errno;
        };
        return name + " (" + errno + ")";
    }
}
