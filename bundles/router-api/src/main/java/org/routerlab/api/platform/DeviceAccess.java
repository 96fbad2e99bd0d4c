package org.routerlab.api.platform;

/** What a device may do to a buffer it has been given permission on. */
public enum DeviceAccess {
    READ,
    WRITE,
    READ_WRITE;

    public boolean allowsRead() { return this != WRITE; }
    public boolean allowsWrite() { return this != READ; }
}
