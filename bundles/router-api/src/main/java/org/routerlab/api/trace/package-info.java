/**
 * Traces: the sink the forwarding thread writes fixed-layout records to, and the reader that replays them.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.routerlab.api.trace;
