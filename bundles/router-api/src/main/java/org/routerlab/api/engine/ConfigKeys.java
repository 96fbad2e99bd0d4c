package org.routerlab.api.engine;

import java.util.Set;

/**
 * The keys of the router configuration (PID {@value EngineControl#PID}, file {@code etc/routerlab.router.cfg},
 * and {@code --set KEY=VALUE}). Plug-ins read their own keys under the prefixes in {@link #PLUGIN_PREFIXES}; any
 * other key is rejected, so that a typo never passes silently.
 */
public final class ConfigKeys {
    /** NIC backend name. */
    public static final String NIC = "nic";
    /** DMA-mapping strategy name. */
    public static final String DMA = "dma";
    /** Routing algorithm name. */
    public static final String ROUTING = "routing";
    /** Route file; a relative path is resolved against the router home ({@code routerlab.home}). */
    public static final String ROUTES = "routes";
    /** Trace store name. */
    public static final String TRACE_STORE = "trace.store";
    /** Trace directory; empty for no trace. */
    public static final String TRACE_DIR = "trace.dir";
    /** off, summary, burst or packet. */
    public static final String TRACE_LEVEL = "trace.level";
    /** Packets per rx burst (1..256). */
    public static final String BURST = "burst";
    /** Ports of the NIC backend: {@code NAME=ADDR/LEN,NAME=ADDR/LEN,…}. */
    public static final String PORTS = "ports";
    /** Frame size in bytes (without FCS) of generated traffic, 60..1514. */
    public static final String PACKET_SIZE = "packet.size";
    /** Number of distinct flows of generated traffic. */
    public static final String FLOWS = "flows";
    /** Offered load in packets per second per port; 0 for as fast as the router takes them. */
    public static final String RATE = "rate";
    /** Seed of every random choice, so a run with a fixed seed and packet count is reproducible. */
    public static final String SEED = "seed";
    /** Packets the traffic source offers in total before it stops; 0 for no limit (set from --packets). */
    public static final String TRAFFIC_PACKETS = "traffic.packets";

    /** Platform cost profile of backends that model one ({@code paper}, {@code xen-pv}, {@code none}, …). */
    public static final String PROFILE = "profile";
    /** A file of scheduled swaps, one {@code AT_SECONDS KEY=VALUE} per line (e.g. {@code 2.0 dma=premapped-reuse}). */
    public static final String SCHEDULE = "schedule";

    /**
     * Whether to rehearse hot swaps before the clock starts: {@code auto} (the default: when a schedule is set and the
     * NIC backend is {@linkplain org.routerlab.api.nic.NicBackend#selfContained() self-contained}), {@code on} or
     * {@code off}. The rehearsal forwards for a fraction of a second on a session of its own, swapping every
     * registered DMA strategy in turn, so that a run's first swaps find the code they use compiled.
     *
     * @since 1.4
     */
    public static final String REHEARSE = "rehearse";

    /** The keys the core knows. */
    public static final Set<String> KNOWN = Set.of(SCHEDULE, REHEARSE, NIC, DMA, ROUTING, ROUTES, TRACE_STORE, TRACE_DIR, TRACE_LEVEL,
            BURST, PORTS, PACKET_SIZE, FLOWS, RATE, SEED, TRAFFIC_PACKETS, PROFILE);

    /** Prefixes under which plug-ins define their own keys. */
    public static final Set<String> PLUGIN_PREFIXES = Set.of("nic.", "dma.", "routing.", "trace.", "traffic.", "cost.");

    /** Whether {@code key} may appear in a router configuration. */
    public static boolean isValid(final String key) {
        if (KNOWN.contains(key)) {
            return true;
        }
        for (final String prefix : PLUGIN_PREFIXES) {
            if (key.startsWith(prefix) && key.length() > prefix.length()) {
                return true;
            }
        }
        return false;
    }

    /** Keys ConfigAdmin and FileInstall add on their own, which are not router settings. */
    public static boolean isFrameworkKey(final String key) {
        return key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
                || key.startsWith("osgi.")
                || key.startsWith(":");
    }

    private ConfigKeys() {
    }
}
