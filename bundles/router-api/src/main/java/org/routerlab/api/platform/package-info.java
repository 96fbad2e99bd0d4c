/**
 * The platform a NIC backend exposes to a DMA-mapping strategy: buffer memory, DMA map/unmap for a device and direction, device permissions, copies. Every call is counted and charged by the platform's cost model.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.routerlab.api.platform;
