/**
 * DMA-mapping strategies: the policy of when buffers are mapped, unmapped, reused or copied, called by the forwarding engine at rx refill, receive, before transmit and at tx completion.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.routerlab.api.dma;
