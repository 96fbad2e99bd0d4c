/**
 * The classic driver DMA policy (map per packet), exported for the strategies that are variants of it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.routerlab.dma.perpacket;
