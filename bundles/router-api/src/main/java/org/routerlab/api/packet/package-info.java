/**
 * Packets on the data path: a burst of packet descriptors ({@link org.routerlab.api.packet.PacketBatch}), a flyweight over a frame in off-heap memory ({@link org.routerlab.api.packet.PacketView}), header layouts and checksum arithmetic, and synthetic flow templates for emulated NICs ({@link org.routerlab.api.packet.FlowTemplates}). Nothing here allocates per packet.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.routerlab.api.packet;
