package org.routerlab.api.engine;

/**
 * A registered plug-in as the engine sees it.
 *
 * @param kind what it plugs into
 * @param name the name it is selected by
 * @param description one line
 * @param bundle symbolic name of the bundle that registered it
 * @param version that bundle's version
 * @param active whether the current (or last) run uses it
 */
public record PluginInfo(PluginKind kind, String name, String description, String bundle, String version,
        boolean active) {
}
