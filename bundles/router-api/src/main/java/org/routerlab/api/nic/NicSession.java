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

    /**
     * A platform change prepared off the data path by {@link #preparePlatformChange}: {@link #commit()} makes it take
     * effect (forwarding thread, at a burst boundary, everything quiesced as for {@link #changePlatform}; it must be
     * quick), {@link #abandon()} drops it (control plane or forwarding thread) and releases what was prepared.
     */
    interface PlatformChange {
        void commit();

        default void abandon() {
        }

        /**
         * The platform that takes effect at {@link #commit()}, when it is built already and nothing else uses it
         * until then: the engine may then prepare the next DMA strategy against it ({@code DmaStrategy.prepare},
         * forwarding thread, between bursts) so that the commit's pause does not include premapping. {@code null}
         * (the default) when the change is made at commit. After such preparation the engine detaches the strategy
         * before {@link #abandon()} if the change does not go ahead.
         *
         * @since 1.3
         */
        default org.routerlab.api.platform.DmaPlatform platform() {
            return null;
        }

        /**
         * Whether {@link #commit()} accepts a current platform on which DMA strategies still hold buffers and
         * mappings, as long as no port holds any of them in a ring (every rx descriptor taken back, nothing in
         * flight). The backend then keeps that old platform usable — from the forwarding thread, through the
         * {@code DmaPlatform} object the strategies were attached with — until {@link #oldPlatformRetired()}: the
         * engine lets those strategies free and unmap their pools in bounded steps after the commit
         * ({@code DmaStrategy.retire}, then {@code detach}), so that the commit's pause excludes that work.
         * {@code false} (the default): the engine detaches every strategy first, and commits with nothing
         * allocated or mapped.
         *
         * @since 1.4
         */
        default boolean retiresOldPlatformLater() {
            return false;
        }

        /**
         * After a {@link #commit()} of a change that {@link #retiresOldPlatformLater()}: every strategy attached to
         * the old platform has detached (forwarding thread, once per such commit, also when the run ends first).
         * The backend accounts for anything left on it (buffers still allocated, mappings still live: a leak that
         * must stay visible) and may release it. The default does nothing.
         *
         * @since 1.4
         */
        default void oldPlatformRetired() {
        }
    }

    /**
     * Prepares a change of platform setting {@code key} to {@code value} on the control plane, where slow work
     * belongs (allocating memory, building tables), so that the data path only pauses for {@link
     * PlatformChange#commit()}. Must not touch state the forwarding thread uses. Default: all the work happens at
     * commit, through {@link #changePlatform}.
     *
     * @throws IllegalArgumentException when the value is invalid (nothing is prepared)
     */
    default PlatformChange preparePlatformChange(final String key, final String value) {
        return () -> changePlatform(key, value);
    }

    /** Releases every resource (memory, sockets, attached programs). Idempotent. */
    @Override
    void close();
}
