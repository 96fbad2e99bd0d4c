package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.packet.PacketView;
import org.routerlab.api.route.Route;

class TrafficSourceTest {
    @TempDir
    Path dir;

    private static SyntheticTraffic synthetic(final long seed, final double bad) {
        return new SyntheticTraffic(seed, 0, 64, 64, 0x02_00_00_00_00_01L, 0x02_00_00_00_00_02L, 0x0A000000, 24,
                List.of(new Route(0xAC100000, 12, 0)), bad, 0);
    }

    private PcapCapture capture(final long... micros) throws Exception {
        final CaptureFiles.Pcap pcap = new CaptureFiles.Pcap(ByteOrder.LITTLE_ENDIAN, false);
        for (int i = 0; i < micros.length; i++) {
            pcap.record(100 + micros[i] / 1_000_000, micros[i] % 1_000_000, CaptureFiles.frame(i + 1, 60));
        }
        final Path p = dir.resolve("t" + micros.length + ".pcap");
        Files.write(p, pcap.bytes());
        return PcapCapture.open(p, 2048);
    }

    @Test
    void shouldGenerateTheSameValidFramesForTheSameSeed() {
        try (SyntheticTraffic a = synthetic(5, 0); SyntheticTraffic b = synthetic(5, 0);
                SyntheticTraffic c = synthetic(6, 0)) {
            final PacketView view = new PacketView();
            boolean differs = false;
            for (int i = 0; i < 1000; i++) {
                assertEquals(a.offset(), b.offset());
                differs |= a.offset() != c.offset();
                view.wrap(a.memory(), a.offset(), a.length());
                assertEquals(0xAC1, view.destinationAddress() >>> 20, "addressed into 172.16/12");
                a.advance();
                b.advance();
                c.advance();
            }
            assertTrue(differs);
        }
    }

    @Test
    void shouldSkipLikeAdvancing() {
        try (SyntheticTraffic a = synthetic(5, 0); SyntheticTraffic b = synthetic(5, 0)) {
            a.skip(37);
            for (int i = 0; i < 37; i++) {
                b.advance();
            }
            assertEquals(b.offset(), a.offset());
        }
    }

    @Test
    void shouldReplayACaptureOnceThenRunDry() throws Exception {
        try (PcapCapture c = capture(0, 10, 30); CaptureReplay r = new CaptureReplay(c, false, false)) {
            assertEquals(3, r.available());
            assertTrue(r.timed());
            assertEquals(0, r.recordedTime(0));
            assertEquals(30_000, r.recordedTime(2));
            assertEquals(1, r.memory().get(ValueLayout.JAVA_BYTE, r.offset() + r.length() - 1));
            r.advance();
            assertEquals(10_000, r.recordedTime(0));
            r.skip(2);
            assertEquals(0, r.available());
        }
    }

    @Test
    void shouldLoopACaptureKeepingItsRhythm() throws Exception {
        try (PcapCapture c = capture(0, 10, 30); CaptureReplay r = new CaptureReplay(c, true, false)) {
            assertEquals(Long.MAX_VALUE, r.available());
            assertEquals(30_000 + 15_000, r.period(), "span plus one mean gap");
            assertEquals(45_000, r.recordedTime(3));
            assertEquals(45_000 + 30_000, r.recordedTime(5));
            r.skip(4);
            assertEquals(2, r.memory().get(ValueLayout.JAVA_BYTE, r.offset() + r.length() - 1), "frame 2 again");
        }
    }

    @Test
    void shouldPaceAsapRateAndRecorded() throws Exception {
        try (SyntheticTraffic s = synthetic(1, 0)) {
            final Pacer asap = new Pacer(Pacer.Mode.ASAP, 0);
            assertEquals(64, asap.due(0, 0, s, 64));
            assertEquals(123, asap.nextArrival(123, 0, s));
            final Pacer rate = new Pacer(Pacer.Mode.RATE, 14_880_952); // 10GbE line rate, 64-byte frames
            assertEquals(1, rate.due(0, 0, s, 64));
            assertEquals(14_880_952, rate.due(999_999_999L, 0, s, 64) , "one second of line rate");
            assertEquals(68, rate.arrivalOf(1), "67.2 ns, rounded up");
            assertEquals(673, rate.arrivalOf(10), "10 x 67.20000537 ns (the RFC truncates the rate)");
            assertEquals(1_000_000_000L, rate.arrivalOf(14_880_952));
            assertEquals(2, rate.due(100, 0, s, 64));
            assertEquals(0, rate.due(100, 2, s, 64));
            assertEquals(135, rate.nextArrival(100, 2, s));
            assertThrows(IllegalArgumentException.class, () -> new Pacer(Pacer.Mode.RATE, 0));
        }
        try (PcapCapture c = capture(0, 10, 30); CaptureReplay r = new CaptureReplay(c, false, false)) {
            final Pacer recorded = new Pacer(Pacer.Mode.RECORDED, 0);
            assertEquals(1, recorded.due(5_000, 0, r, 64));
            assertEquals(2, recorded.due(10_000, 0, r, 64));
            assertEquals(3, recorded.due(1_000_000, 0, r, 64));
            r.skip(3);
            assertEquals(0, recorded.due(1_000_000, 3, r, 64));
            assertEquals(Long.MAX_VALUE, recorded.nextArrival(0, 3, r));
        }
    }

    @Test
    void shouldCorruptTheConfiguredShareOfFlows() {
        try (SyntheticTraffic s = synthetic(1, 0.5)) {
            final PacketView view = new PacketView();
            int broken = 0;
            for (int f = 0; f < s.flows(); f++) {
                final MemorySegment t = s.template(f);
                view.wrap(t, 0, 64);
                final boolean ok = view.etherType() == 0x0800 && view.ttl() > 1
                        && (t.get(ValueLayout.JAVA_BYTE, 14) & 0xFF) == 0x45 && view.ipChecksumValid();
                broken += ok ? 0 : 1;
            }
            assertNotEquals(0, broken);
            assertTrue(broken >= 24 && broken <= 32, "about half of 64: " + broken);
        }
    }
}
