package org.routerlab.api.engine;

/** Life cycle of the forwarding engine. */
public enum EngineState {
    /** Configured (or waiting for configuration / plug-ins), not forwarding. */
    IDLE,
    /** The forwarding thread is running. */
    RUNNING,
    /** A run ended normally; the final status is available. */
    FINISHED,
    /** A run could not start or died; {@link RouterStatus#error()} says why. */
    FAILED
}
