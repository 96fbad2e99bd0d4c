package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.MemorySegment;

/**
 * Replays a {@link PcapCapture} on one port, once or looping. When looping, iteration {@code i} of the capture is
 * shifted by {@code i} periods on the recorded timeline, a period being the capture's span plus one mean
 * inter-frame gap (1 µs for a single frame or a capture without spread), so the replay keeps its rhythm across the
 * seam. Several ports may replay the same capture, each with its own cursor.
 */
final class CaptureReplay extends TrafficSource {
    private static final long MIN_GAP_NANOS = 1_000;

    private final PcapCapture capture;
    private final boolean loop;
    private final boolean owner;
    private final int frames;
    private final long period;
    /** Where the capture's first frame sits on the timeline (0, or its absolute stamp). */
    private final long origin;
    private long position;
    private int index;

    /**
     * @param owner whether closing this replay closes the capture
     */
    CaptureReplay(final PcapCapture capture, final boolean loop, final boolean owner) {
        this(capture, loop, owner, 0);
    }

    /**
     * @param origin timeline time of the capture's first frame: 0 ({@code traffic.pcap.start=first}), or its
     *        absolute stamp ({@code absolute}: a frame stamped T ns after the Unix epoch arrives at modeled time T)
     */
    CaptureReplay(final PcapCapture capture, final boolean loop, final boolean owner, final long origin) {
        this.origin = origin;
        this.capture = capture;
        this.loop = loop;
        this.owner = owner;
        this.frames = capture.frames();
        final long span = capture.time(frames - 1);
        final long gap = frames > 1 ? span / (frames - 1) : 0;
        this.period = span + Math.max(MIN_GAP_NANOS, gap);
    }

    @Override
    long available() {
        return loop ? Long.MAX_VALUE : frames - position;
    }

    @Override MemorySegment memory() { return capture.memory(); }
    @Override long offset() { return capture.offset(index); }
    @Override int length() { return capture.length(index); }

    @Override
    void advance() {
        position++;
        index = index + 1 == frames ? 0 : index + 1;
    }

    @Override
    void skip(final long n) {
        position += n;
        index = (int) (position % frames);
    }

    @Override
    boolean timed() {
        return true;
    }

    @Override
    long recordedTime(final long ahead) {
        final long k = position + ahead;
        final long iteration = k / frames;
        return origin + iteration * period + capture.time((int) (k - iteration * frames));
    }

    /** Offered frames so far (position in the endless sequence). */
    long position() { return position; }

    long period() { return period; }

    @Override
    public void close() {
        if (owner) {
            capture.close();
        }
    }
}
