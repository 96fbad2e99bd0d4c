/**
 * The forwarding engine as seen from the control plane: start, stop, status, counters, drop reasons and the plug-ins it can select.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.4.0")
package org.routerlab.api.engine;
