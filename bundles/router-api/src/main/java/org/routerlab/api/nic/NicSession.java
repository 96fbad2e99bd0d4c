package org.routerlab.api.nic;

import java.util.List;
import org.routerlab.api.platform.DmaPlatform;

/**
 * An opened NIC backend: its ports and the platform they DMA through. Owned by the forwarding engine; everything
 * but {@link #close()} is called from the forwarding thread only.
 */
public interface NicSession extends AutoCloseable {
    /** The ports, indexed by {@link PortInfo#index()}. */
    List<NicPort> ports();

    /** The platform the ports' DMA goes through, handed to the DMA strategy. */
    DmaPlatform platform();

    /**
     * True when the traffic source behind this backend has offered every packet it will ever offer and all of
     * them have been received or missed and every transmitted packet completed, so that a run bounded by a
     * packet count can end. A backend attached to real links returns false.
     */
    default boolean drained() { return false; }

    /** Packets the backend's traffic source has offered so far (for emulated sources; -1 when unknown). */
    default long packetsOffered() { return -1; }

    /** Modeled nanoseconds the backend's devices and platform have charged so far (0 when not modeled). */
    default long modeledNanos() { return platform().counters().get(org.routerlab.api.platform.PlatformOp.MODELED_NANOS); }

    /** Releases every resource (memory, sockets, attached programs). Idempotent. */
    @Override
    void close();
}
