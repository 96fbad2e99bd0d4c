package org.routerlab.nic.ixgbevf.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A capture file read for replay: libpcap format (tcpdump; microsecond or nanosecond magic, either byte order) or
 * pcapng (Wireshark; sections of either byte order, interfaces with their timestamp resolution and offset, enhanced,
 * simple and obsolete packet blocks; other blocks skipped). The file is memory-mapped and indexed once; frames stay
 * in the mapping, where the emulated device DMAs them from.
 *
 * <p>Everything is checked when the file is opened: a malformed file is rejected with a
 * {@link CaptureFormatException} naming the byte offset and the cause, before any packet flows. Frames of a link
 * type other than Ethernet (1) are an error; frames longer than an rx buffer (multi-descriptor receive is not
 * modeled) and empty frames are skipped and counted ({@link #skipped()}). Timestamps are kept in nanoseconds relative
 * to the first frame; a frame stamped before its predecessor is taken to arrive with it (time never runs backwards).
 *
 * <p>Formats: libpcap per the tcpdump/libpcap "pcap-savefile" description; pcapng per the IETF draft
 * "PCAP Now Generic (pcapng) Capture File Format" (block layout, options, if_tsresol code 9, if_tsoffset code 14).
 */
final class PcapCapture implements AutoCloseable {
    static final int LINKTYPE_ETHERNET = 1;
    /** Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: a larger captured length is a corrupt record. */
    static final int MAX_RECORD = 262_144;

    private static final int PCAP_MICRO = 0xA1B2C3D4;
    private static final int PCAP_NANO = 0xA1B23C4D;
    private static final int NG_SHB = 0x0A0D0D0A;
    private static final int NG_BYTE_ORDER = 0x1A2B3C4D;
    private static final int NG_IDB = 1;
    private static final int NG_OPB = 2;
    private static final int NG_SPB = 3;
    private static final int NG_EPB = 6;

    private final Arena arena;
    private final MemorySegment file;
    private final String name;
    private final long[] offsets;
    private final int[] lengths;
    private final long[] times;
    private final long firstTime;
    private final int frames;
    private final long skipped;
    private final String format;

    private PcapCapture(final Arena arena, final MemorySegment file, final String name, final Index index,
            final String format) {
        this.arena = arena;
        this.file = file;
        this.name = name;
        this.offsets = Arrays.copyOf(index.offsets, index.size);
        this.lengths = Arrays.copyOf(index.lengths, index.size);
        this.times = Arrays.copyOf(index.times, index.size);
        this.firstTime = index.firstTime == Long.MIN_VALUE ? 0 : index.firstTime;
        this.frames = index.size;
        this.skipped = index.skipped;
        this.format = format;
    }

    /**
     * Opens, maps and indexes {@code path}.
     *
     * @param maxFrame longest frame the rx buffers hold; longer ones are skipped
     * @throws CaptureFormatException when the file is malformed or holds no frame to replay
     * @throws IOException when it cannot be read
     */
    static PcapCapture open(final Path path, final int maxFrame) throws IOException {
        final Arena arena = Arena.ofShared();
        try {
            final MemorySegment file;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                final long size = channel.size();
                file = size == 0 ? MemorySegment.NULL : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            final String name = path.toString();
            final Reader reader = new Reader(name, file.equals(MemorySegment.NULL) ? MemorySegment.ofArray(new byte[0])
                    : file, maxFrame);
            final Index index = reader.read();
            if (index.size == 0) {
                throw new CaptureFormatException(name, reader.size, "no frame to replay ("
                        + (index.skipped == 0 ? "the capture is empty" : index.skipped + " frames skipped: empty or "
                        + "longer than an rx buffer of " + maxFrame + " bytes") + ")");
            }
            return new PcapCapture(arena, file, name, index, reader.format);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    String name() { return name; }

    /** {@code pcap}, {@code pcap-ns} or {@code pcapng}. */
    String format() { return format; }

    int frames() { return frames; }

    /** Frames in the file that are not replayed (empty, or longer than an rx buffer). */
    long skipped() { return skipped; }

    MemorySegment memory() { return file; }

    long offset(final int frame) { return offsets[frame]; }

    int length(final int frame) { return lengths[frame]; }

    /** Absolute time stamp of the first frame, in ns since the Unix epoch (as recorded). */
    long firstTime() { return firstTime; }

    /** Recorded time of {@code frame} in ns after the first frame. */
    long time(final int frame) { return times[frame]; }

    @Override
    public void close() {
        arena.close();
    }

    /** The growing index of replayable frames. */
    private static final class Index {
        long[] offsets = new long[1024];
        int[] lengths = new int[1024];
        long[] times = new long[1024];
        int size;
        long skipped;
        long firstTime = Long.MIN_VALUE;
        long lastTime;

        void add(final long offset, final int length, final long absoluteNanos, final int maxFrame) {
            if (length == 0 || length > maxFrame) {
                skipped++;
                return;
            }
            if (size == offsets.length) {
                offsets = Arrays.copyOf(offsets, size * 2);
                lengths = Arrays.copyOf(lengths, size * 2);
                times = Arrays.copyOf(times, size * 2);
            }
            if (firstTime == Long.MIN_VALUE) {
                firstTime = absoluteNanos;
            }
            final long relative = Math.max(lastTime, absoluteNanos - firstTime);
            offsets[size] = offset;
            lengths[size] = length;
            times[size] = relative;
            lastTime = relative;
            size++;
        }
    }

    /** One pass over the file. */
    private static final class Reader {
        private final String name;
        private final MemorySegment file;
        private final long size;
        private final int maxFrame;
        private final Index index = new Index();
        private ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private ValueLayout.OfShort u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        String format;

        Reader(final String name, final MemorySegment file, final int maxFrame) {
            this.name = name;
            this.file = file;
            this.size = file.byteSize();
            this.maxFrame = maxFrame;
        }

        private CaptureFormatException error(final long offset, final String cause) {
            return new CaptureFormatException(name, offset, cause);
        }

        private void order(final ByteOrder order) {
            this.order = order;
            u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
            u16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
        }

        private long u32(final long at) {
            return Integer.toUnsignedLong(file.get(u32, at));
        }

        private int u16(final long at) {
            return Short.toUnsignedInt(file.get(u16, at));
        }

        Index read() {
            if (size < 4) {
                throw error(0, "file too short (" + size + " bytes) to hold a capture header");
            }
            final int magic = file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (magic == NG_SHB) {
                format = "pcapng";
                readPcapng();
            } else if (magic == PCAP_MICRO || magic == PCAP_NANO) {
                readPcap(ByteOrder.LITTLE_ENDIAN, magic == PCAP_NANO);
            } else if (Integer.reverseBytes(magic) == PCAP_MICRO || Integer.reverseBytes(magic) == PCAP_NANO) {
                readPcap(ByteOrder.BIG_ENDIAN, Integer.reverseBytes(magic) == PCAP_NANO);
            } else {
                throw error(0, String.format("unknown magic number 0x%08x: not a pcap or pcapng file",
                        Integer.reverseBytes(magic)));
            }
            return index;
        }

        // ---- libpcap

        private void readPcap(final ByteOrder order, final boolean nanos) {
            format = nanos ? "pcap-ns" : "pcap";
            order(order);
            if (size < 24) {
                throw error(size, "truncated pcap file header: " + size + " of 24 bytes");
            }
            final int major = u16(4);
            final int minor = u16(6);
            if (major != 2) {
                throw error(4, "unsupported pcap version " + major + "." + minor + " (2.x expected)");
            }
            final long link = u32(20) & 0xFFFF;
            if (link != LINKTYPE_ETHERNET) {
                throw error(20, "link type " + link + " is not Ethernet (" + LINKTYPE_ETHERNET + ")");
            }
            final long fractionLimit = nanos ? 1_000_000_000L : 1_000_000L;
            long at = 24;
            while (at < size) {
                if (size - at < 16) {
                    throw error(at, "truncated record header: " + (size - at) + " of 16 bytes");
                }
                final long seconds = u32(at);
                final long fraction = u32(at + 4);
                final long captured = u32(at + 8);
                if (fraction >= fractionLimit) {
                    throw error(at + 4, "timestamp fraction " + fraction + " is not below " + fractionLimit);
                }
                if (captured > MAX_RECORD) {
                    throw error(at + 8, "captured length " + captured + " exceeds " + MAX_RECORD);
                }
                if (size - at - 16 < captured) {
                    throw error(at + 16, "truncated packet data: " + (size - at - 16) + " of " + captured + " bytes");
                }
                index.add(at + 16, (int) captured, seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000),
                        maxFrame);
                at += 16 + captured;
            }
        }

        // ---- pcapng

        /** Per interface of the current section: link type, snap length, ticks per second as (decimal?, exponent), offset. */
        private final List<long[]> interfaces = new ArrayList<>();

        private void readPcapng() {
            long at = 0;
            boolean first = true;
            while (at < size) {
                if (size - at < 12) {
                    throw error(at, "truncated block header: " + (size - at) + " bytes left, a block has at least 12");
                }
                final int rawType = file.get(ValueLayout.JAVA_INT_UNALIGNED, at);
                if (rawType == NG_SHB) {
                    sectionHeader(at);
                } else if (first) {
                    throw error(at, "the first block is not a section header block");
                }
                first = false;
                final long type = u32(at);
                final long length = u32(at + 4);
                if (length < 12 || length % 4 != 0) {
                    throw error(at + 4, "block total length " + length + " is not a multiple of 4 of at least 12");
                }
                if (length > size - at) {
                    throw error(at + 4, "block of " + length + " bytes runs past the end of the file ("
                            + (size - at) + " bytes left)");
                }
                final long trailing = u32(at + length - 4);
                if (trailing != length) {
                    throw error(at + length - 4, "trailing block length " + trailing + " differs from the leading "
                            + length);
                }
                switch ((int) type) {
                    case NG_SHB -> { }
                    case NG_IDB -> interfaceDescription(at, length);
                    case NG_EPB -> packet(at, length, (int) u32(at + 8), at + 8, at + 12, 28);
                    case NG_OPB -> packet(at, length, u16(at + 8), at + 8, at + 12, 28);
                    case NG_SPB -> simplePacket(at, length);
                    default -> { } // name resolution, statistics, custom, decryption secrets...: not needed
                }
                at += length;
            }
        }

        private void sectionHeader(final long at) {
            if (size - at < 28) {
                throw error(at, "truncated section header block: " + (size - at) + " of at least 28 bytes");
            }
            final int magic = file.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at + 8);
            if (magic == NG_BYTE_ORDER) {
                order(ByteOrder.LITTLE_ENDIAN);
            } else if (Integer.reverseBytes(magic) == NG_BYTE_ORDER) {
                order(ByteOrder.BIG_ENDIAN);
            } else {
                throw error(at + 8, String.format("bad byte-order magic 0x%08x (0x1a2b3c4d expected)",
                        Integer.reverseBytes(magic)));
            }
            final int major = u16(at + 12);
            if (major != 1) {
                throw error(at + 12, "unsupported pcapng version " + major + "." + u16(at + 14) + " (1.x expected)");
            }
            interfaces.clear(); // interface ids are per section
        }

        private void interfaceDescription(final long at, final long length) {
            if (length < 20) {
                throw error(at + 4, "interface description block of " + length + " bytes (at least 20)");
            }
            final long link = u16(at + 8);
            final long snap = u32(at + 12);
            long decimal = 1;
            long exponent = 6;
            long tsOffset = 0;
            final long end = at + length - 4;
            long o = at + 16;
            while (o + 4 <= end) {
                final int code = u16(o);
                final int optionLength = u16(o + 2);
                if (code == 0) {
                    break;
                }
                final long padded = (optionLength + 3L) & ~3L;
                if (o + 4 + padded > end) {
                    throw error(o + 2, "option " + code + " of " + optionLength + " bytes runs past its block");
                }
                if (code == 9) {
                    if (optionLength != 1) {
                        throw error(o + 2, "if_tsresol of " + optionLength + " bytes (1 expected)");
                    }
                    final int resolution = Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, o + 4));
                    decimal = (resolution & 0x80) == 0 ? 1 : 0;
                    exponent = resolution & 0x7F;
                    if ((decimal == 1 && exponent > 18) || (decimal == 0 && exponent > 62)) {
                        throw error(o + 4, "if_tsresol " + resolution + " is finer than the model can replay");
                    }
                } else if (code == 14) {
                    if (optionLength != 8) {
                        throw error(o + 2, "if_tsoffset of " + optionLength + " bytes (8 expected)");
                    }
                    tsOffset = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order), o + 4);
                }
                o += 4 + padded;
            }
            interfaces.add(new long[] {link, snap, decimal, exponent, tsOffset});
        }

        private long[] iface(final long id, final long idAt) {
            if (id >= interfaces.size()) {
                throw error(idAt, "interface id " + id + " is not defined in this section (" + interfaces.size()
                        + " interfaces)");
            }
            final long[] i = interfaces.get((int) id);
            if (i[0] != LINKTYPE_ETHERNET) {
                throw error(idAt, "interface " + id + " has link type " + i[0] + ", not Ethernet ("
                        + LINKTYPE_ETHERNET + ")");
            }
            return i;
        }

        private void packet(final long at, final long length, final long id, final long idAt, final long tsAt,
                final int header) {
            if (length < header + 4) {
                throw error(at + 4, "packet block of " + length + " bytes (at least " + (header + 4) + ")");
            }
            final long[] i = iface(id, idAt);
            final long ticks = (u32(tsAt) << 32) | u32(tsAt + 4);
            final long captured = u32(at + 20);
            if (captured > length - header - 4) {
                throw error(at + 20, "captured length " + captured + " exceeds the block's " + (length - header - 4)
                        + " bytes of data");
            }
            index.add(at + header, (int) captured, nanos(ticks, i), maxFrame);
        }

        private void simplePacket(final long at, final long length) {
            if (length < 16) {
                throw error(at + 4, "simple packet block of " + length + " bytes (at least 16)");
            }
            final long[] i = iface(0, at);
            final long original = u32(at + 8);
            long captured = Math.min(original, length - 16);
            if (i[1] != 0) {
                captured = Math.min(captured, i[1]);
            }
            // No timestamp: it arrives with the frame before it.
            index.add(at + 12, (int) captured, index.firstTime == Long.MIN_VALUE ? 0 : index.firstTime + index.lastTime,
                    maxFrame);
        }

        /** Ticks of interface {@code i} since the epoch, in nanoseconds. */
        private static long nanos(final long ticks, final long[] i) {
            final long offsetNanos = i[4] * 1_000_000_000L;
            final int exponent = (int) i[3];
            if (i[2] == 1) {
                if (exponent <= 9) {
                    long scale = 1;
                    for (int e = exponent; e < 9; e++) {
                        scale *= 10;
                    }
                    return offsetNanos + ticks * scale;
                }
                long divisor = 1;
                for (int e = 9; e < exponent; e++) {
                    divisor *= 10;
                }
                return offsetNanos + Long.divideUnsigned(ticks, divisor);
            }
            if (exponent == 0) {
                return offsetNanos + ticks * 1_000_000_000L;
            }
            final long seconds = ticks >>> exponent;
            final long fraction = ticks & ((1L << exponent) - 1);
            final long lo = fraction * 1_000_000_000L;
            final long hi = Math.multiplyHigh(fraction, 1_000_000_000L);
            final long fractionNanos = exponent == 64 ? hi : (hi << (64 - exponent)) | (lo >>> exponent);
            return offsetNanos + seconds * 1_000_000_000L + fractionNanos;
        }
    }
}
