package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;

class ModeledClockTest {
    private final PlatformCounters published = new PlatformCounters();
    private final OpCounts counters = new OpCounts(published);

    @Test
    void shouldAccumulatePicosecondsAndPublishWholeNanoseconds() {
        final ModeledClock clock = new ModeledClock(counters, 1, false);
        clock.charge(1_500);
        clock.charge(1_700);
        assertEquals(3_200, clock.busyPicos());
        assertEquals(0, published.get(PlatformOp.MODELED_NANOS), "published at poll boundaries only");
        clock.publish();
        assertEquals(3, published.get(PlatformOp.MODELED_NANOS));
        clock.charge(900);
        clock.publish();
        assertEquals(4, published.get(PlatformOp.MODELED_NANOS));
    }

    @Test
    void shouldKeepSetupApartFromBusyTime() {
        final ModeledClock clock = new ModeledClock(counters, 1, false);
        clock.chargeSetup(5_000_000);
        clock.publish();
        assertEquals(0, published.get(PlatformOp.MODELED_NANOS));
        assertEquals(5_000, clock.setupNanos());
        assertEquals(0, clock.now());
    }

    @Test
    void shouldJumpTheTimelineOnlyWhenEveryPortPolledIdle() {
        final ModeledClock clock = new ModeledClock(counters, 2, false);
        clock.charge(100_000); // 100 ns busy
        clock.idlePoll(5_000);
        assertEquals(100, clock.now(), "one port idle is not enough");
        clock.busyPoll();
        clock.idlePoll(5_000);
        assertEquals(100, clock.now(), "the streak was broken");
        clock.idlePoll(2_000);
        assertEquals(2_000, clock.now(), "both idle: jump to the earliest next arrival");
        assertEquals(100, clock.busyNanos(), "idle time is not busy time");
        assertEquals(1_900, clock.idleNanos());
        clock.idlePoll(Long.MAX_VALUE);
        clock.idlePoll(Long.MAX_VALUE);
        assertEquals(2_000, clock.now(), "nothing scheduled: no jump");
    }

    @Test
    void shouldBurnModeledTimeForRealInSpinMode() {
        final ModeledClock clock = new ModeledClock(counters, 1, true);
        final long start = System.nanoTime();
        clock.publish(); // starts the wall reference (at or after start)
        clock.charge(20_000_000_000L); // 20 ms
        clock.publish();
        assertTrue(System.nanoTime() - start >= 20_000_000L, "spun at least the modeled 20 ms");
        assertTrue(clock.spinning());
    }
}
