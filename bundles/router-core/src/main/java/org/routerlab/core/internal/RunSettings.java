package org.routerlab.core.internal;

import java.nio.file.Path;
import java.util.Map;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.trace.TraceLevel;

/** The core's own settings of one run, parsed and checked from the merged configuration. */
record RunSettings(String nic, String dma, String routing, Path routes, String traceStore, Path traceDir,
        TraceLevel traceLevel, int burst) {

    static final String DEFAULT_NIC = "emulated";
    static final String DEFAULT_DMA = "per-packet";
    static final String DEFAULT_ROUTING = "binary-trie";
    static final String DEFAULT_TRACE_STORE = "chronicle";

    /**
     * @param home the router home that relative paths are resolved against
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    static RunSettings from(final Map<String, String> config, final Path home) {
        for (final String key : config.keySet()) {
            if (!ConfigKeys.isValid(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' (known: "
                        + ConfigKeys.KNOWN.stream().sorted().toList()
                        + ", or plug-in keys under " + ConfigKeys.PLUGIN_PREFIXES.stream().sorted().toList() + ")");
            }
        }
        final String routes = config.getOrDefault(ConfigKeys.ROUTES, "").strip();
        final String traceDir = config.getOrDefault(ConfigKeys.TRACE_DIR, "").strip();
        final String burstText = config.getOrDefault(ConfigKeys.BURST, "64").strip();
        final int burst;
        try {
            burst = Integer.parseInt(burstText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("burst=" + burstText + " is not a whole number");
        }
        if (burst < 1 || burst > 256) {
            throw new IllegalArgumentException("burst=" + burst + " must be in 1..256");
        }
        return new RunSettings(
                name(config, ConfigKeys.NIC, DEFAULT_NIC),
                name(config, ConfigKeys.DMA, DEFAULT_DMA),
                name(config, ConfigKeys.ROUTING, DEFAULT_ROUTING),
                routes.isEmpty() ? null : home.resolve(routes).toAbsolutePath().normalize(),
                name(config, ConfigKeys.TRACE_STORE, DEFAULT_TRACE_STORE),
                traceDir.isEmpty() ? null : home.resolve(traceDir).toAbsolutePath().normalize(),
                TraceLevel.parse(config.getOrDefault(ConfigKeys.TRACE_LEVEL, "burst")),
                burst);
    }

    private static String name(final Map<String, String> config, final String key, final String def) {
        final String v = config.getOrDefault(key, def).strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException(key + "= is empty");
        }
        return v;
    }
}
