/**
 * NIC backends and their ports: receive and transmit in bursts, rx descriptor posting, tx completions, identity and counters.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package org.routerlab.api.nic;
