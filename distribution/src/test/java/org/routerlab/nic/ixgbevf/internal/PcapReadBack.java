package org.routerlab.nic.ixgbevf.internal;

import java.io.IOException;
import java.nio.file.Path;

/** Reads a pcap file back with the ixgbevf backend's capture reader (what replays use), for TraceIT. */
public final class PcapReadBack {
    private PcapReadBack() {
    }

    /** {@code {frames, skipped, nondecreasing times (1/0), first frame length, format}} of {@code file}. */
    public static Object[] read(final Path file) throws IOException {
        try (PcapCapture capture = PcapCapture.open(file, 16384)) {
            int ordered = 1;
            for (int i = 1; i < capture.frames(); i++) {
                if (capture.time(i) < capture.time(i - 1)) {
                    ordered = 0;
                }
            }
            return new Object[] {capture.frames(), capture.skipped(), ordered, capture.length(0), capture.format()};
        }
    }
}
