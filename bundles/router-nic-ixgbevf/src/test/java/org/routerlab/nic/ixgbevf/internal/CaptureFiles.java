package org.routerlab.nic.ixgbevf.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes small libpcap and pcapng files byte by byte, as tcpdump and Wireshark lay them out (tests). */
final class CaptureFiles {
    private CaptureFiles() {
    }

    /** A 60-byte Ethernet/IPv4 frame whose bytes identify it ({@code id} in byte 59). */
    static byte[] frame(final int id, final int length) {
        final byte[] f = new byte[length];
        f[12] = 0x08;
        f[14] = 0x45;
        for (int i = 15; i < length; i++) {
            f[i] = (byte) (i + id);
        }
        f[length - 1] = (byte) id;
        return f;
    }

    /** libpcap: global header then records. */
    static final class Pcap {
        private final ByteBuffer out = ByteBuffer.allocate(1 << 20);
        private final boolean nanos;

        Pcap(final ByteOrder order, final boolean nanos, final int linkType) {
            this.nanos = nanos;
            out.order(order);
            out.putInt(nanos ? 0xA1B23C4D : 0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                    .putInt(65535).putInt(linkType);
        }

        Pcap(final ByteOrder order, final boolean nanos) {
            this(order, nanos, 1);
        }

        /** A record at {@code seconds} + {@code fraction} (µs or ns by the magic). */
        Pcap record(final long seconds, final long fraction, final byte[] data) {
            return record(seconds, fraction, data, data.length);
        }

        Pcap record(final long seconds, final long fraction, final byte[] data, final int original) {
            out.putInt((int) seconds).putInt((int) fraction).putInt(data.length).putInt(original).put(data);
            return this;
        }

        Pcap raw(final byte[] bytes) {
            out.put(bytes);
            return this;
        }

        boolean nanos() { return nanos; }

        byte[] bytes() {
            final byte[] b = new byte[out.position()];
            out.duplicate().flip().get(b);
            return b;
        }
    }

    /** pcapng: blocks with leading and trailing lengths, padded to 4 bytes. */
    static final class Pcapng {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private ByteOrder order;

        Pcapng(final ByteOrder order) {
            section(order);
        }

        Pcapng section(final ByteOrder order) {
            this.order = order;
            final ByteBuffer body = buffer(16);
            body.putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1);
            return block(0x0A0D0D0A, body);
        }

        /** An interface of {@code linkType}; {@code tsresol} &lt; 0 for the default (microseconds). */
        Pcapng iface(final int linkType, final int tsresol) {
            final ByteBuffer body = buffer(tsresol >= 0 ? 8 + 8 + 4 : 8);
            body.putShort((short) linkType).putShort((short) 0).putInt(0);
            if (tsresol >= 0) {
                body.putShort((short) 9).putShort((short) 1).put((byte) tsresol).put(new byte[3]);
                body.putShort((short) 0).putShort((short) 0);
            }
            return block(1, body);
        }

        Pcapng enhanced(final int iface, final long ticks, final byte[] data) {
            final int padded = (data.length + 3) & ~3;
            final ByteBuffer body = buffer(20 + padded);
            body.putInt(iface).putInt((int) (ticks >>> 32)).putInt((int) ticks).putInt(data.length)
                    .putInt(data.length).put(data).put(new byte[padded - data.length]);
            return block(6, body);
        }

        Pcapng obsolete(final int iface, final long ticks, final byte[] data) {
            final int padded = (data.length + 3) & ~3;
            final ByteBuffer body = buffer(20 + padded);
            body.putShort((short) iface).putShort((short) 0).putInt((int) (ticks >>> 32)).putInt((int) ticks)
                    .putInt(data.length).putInt(data.length).put(data).put(new byte[padded - data.length]);
            return block(2, body);
        }

        Pcapng simple(final byte[] data) {
            final int padded = (data.length + 3) & ~3;
            final ByteBuffer body = buffer(4 + padded);
            body.putInt(data.length).put(data).put(new byte[padded - data.length]);
            return block(3, body);
        }

        /** A block this reader does not need (name resolution). */
        Pcapng other() {
            final ByteBuffer body = buffer(4);
            body.putInt(0);
            return block(4, body);
        }

        Pcapng raw(final byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        private ByteBuffer buffer(final int size) {
            return ByteBuffer.allocate(size).order(order);
        }

        private Pcapng block(final int type, final ByteBuffer body) {
            final int length = 12 + body.capacity();
            final ByteBuffer b = ByteBuffer.allocate(length).order(order);
            b.putInt(type).putInt(length).put(body.array()).putInt(length);
            out.writeBytes(b.array());
            return this;
        }

        int size() { return out.size(); }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
