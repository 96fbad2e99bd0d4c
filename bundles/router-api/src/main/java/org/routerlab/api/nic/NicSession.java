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

    /**
     * Whether the platform setting {@code key} (e.g. {@code profile}) can be changed while running, through
     * {@link #changePlatform}. Default: nothing can.
     */
    default boolean canChangePlatform(final String key) { return false; }

    /**
     * Changes the platform setting {@code key} to {@code value} in a running session (a hot swap of the cost
     * profile). Called on the forwarding thread at a burst boundary when no buffer is allocated and no mapping is
     * live (every DMA strategy detached, every rx ring empty, no transmission in flight); the engine attaches a
     * fresh strategy afterwards. {@link #platform()} may return a new object (and memory) after this returns.
     *
     * @throws IllegalArgumentException when the value is invalid; the session is then unchanged
     */
    default void changePlatform(final String key, final String value) {
        throw new UnsupportedOperationException(key + " cannot be changed while running");
    }

    /**
     * The modeled timeline in nanoseconds: busy time plus the idle time a paced source left the core waiting, the
     * clock {@link org.routerlab.api.packet.PacketBatch#stamp} uses. Backends that never idle keep the default,
     * {@link #modeledNanos()}. Called from the forwarding thread.
     */
    default long modeledTime() { return modeledNanos(); }

    /** Releases every resource (memory, sockets, attached programs). Idempotent. */
    @Override
    void close();
}
