package org.routerlab.api.engine;

import java.util.Locale;

/** The kinds of plug-in the engine selects by name, and the configuration key that selects each. */
public enum PluginKind {
    NIC("nic"),
    DMA("dma"),
    ROUTING("routing"),
    TRACE("trace.store");

    private final String key;

    PluginKind(final String key) {
        this.key = key;
    }

    /** The configuration key ({@code --set KEY=NAME}). */
    public String key() { return key; }

    /** The JSON field of {@code router plugins --json}. */
    public String jsonName() { return name().toLowerCase(Locale.ROOT); }
}
