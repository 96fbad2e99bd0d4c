package org.routerlab.api.nic;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A NIC backend plug-in (emulated ixgbevf VF, AF_XDP, …), registered as an OSGi service with the service property
 * {@value #NAME_PROPERTY} set to the name users select it by ({@code --set nic=NAME}).
 *
 * <p>The service itself is a stateless factory; {@link #open} creates the ports for one run. Called on the control
 * plane only, never from the forwarding thread.
 */
@ConsumerType
public interface NicBackend {
    /** Service property carrying the plug-in name of every routerlab plug-in service. */
    String NAME_PROPERTY = "routerlab.name";

    /** The name users select this backend by; equal to the {@value #NAME_PROPERTY} service property. */
    String name();

    /** One line for {@code router plugins}. */
    default String description() { return name(); }

    /**
     * Opens the backend for one run.
     *
     * @param config the router configuration (string keys and values, e.g. {@code ports}, {@code packet.size},
     *        {@code flows}, {@code seed}); a backend reads the keys it knows and ignores the rest
     * @throws IllegalArgumentException when the configuration is invalid, with a {@code key=value} message
     * @throws Exception when the backend cannot be opened (missing privileges, interface not found)
     */
    NicSession open(Map<String, String> config) throws Exception;

    /**
     * Whether this backend's sessions touch nothing outside this process (an emulator generating its own traffic),
     * so that the engine may open one more beside a run to rehearse hot swaps before the run's clock starts
     * ({@code rehearse}, see {@link org.routerlab.api.engine.ConfigKeys#REHEARSE}). {@code false} (the default) for
     * backends on real interfaces.
     *
     * @since 1.5
     */
    default boolean selfContained() { return false; }
}
