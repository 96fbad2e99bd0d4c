package org.routerlab.route.dir16.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.routerlab.api.route.RouteSet;
import org.routerlab.testkit.route.RouteFixtures;
import org.routerlab.testkit.route.RouteFixtures.Shape;

/** The warming budget, the pass over every line, the caps, and bulk lookups from threads sharing one table. */
class CacheWarmerTest {
    /** Cache lines of lines. */
    private static final int TOTAL = 110;

    private static CacheWarmer warmer(final long periodMicros, final AtomicLong clock) {
        return new CacheWarmer(new byte[64 * TOTAL], periodMicros, clock::get);
    }

    /** Calls once per {@code stepNanos} of the fake clock, {@code count} addresses each; returns the line positions. */
    private static List<Integer> call(final CacheWarmer warmer, final AtomicLong clock, final int calls,
                                      final long stepNanos, final int count) {
        final List<Integer> cursors = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            clock.addAndGet(stepNanos);
            warmer.warm(count);
            cursors.add(warmer.cursor());
        }
        return cursors;
    }

    @Test
    void shouldReadAPassOfAllLinesPerPeriodAtTheRateOfCalls() {
        final AtomicLong clock = new AtomicLong(5_000);
        final CacheWarmer warmer = warmer(1_000, clock);
        assertEquals(TOTAL, warmer.total());
        // A call every 0.1 ms: a pass of 110 lines in 1 ms takes 10 calls, so 1 + 11 lines a call.
        call(warmer, clock, CacheWarmer.CLOCK_EVERY, 100_000, 64);
        assertEquals(12, warmer.perCall());
        final int start = warmer.cursor();
        final List<Integer> cursors = call(warmer, clock, 10, 100_000, 64);
        for (int i = 0; i < cursors.size(); i++) {
            assertEquals((start + 12 * (i + 1)) % TOTAL, cursors.get(i), "call " + i);
        }
        // Calls ten times as often: a tenth of the lines each, once a full count of calls has been timed.
        call(warmer, clock, 2 * CacheWarmer.CLOCK_EVERY, 10_000, 64);
        assertEquals(2, warmer.perCall());
    }

    @Test
    void shouldReadAtMostALinePerAddressWhenCallsAreSparse() {
        final AtomicLong clock = new AtomicLong();
        final CacheWarmer warmer = warmer(1_000, clock);
        call(warmer, clock, CacheWarmer.CLOCK_EVERY, 1_000_000_000L, 64);
        assertTrue(warmer.perCall() > TOTAL, "perCall=" + warmer.perCall());
        final int start = warmer.cursor();
        assertEquals((start + 40) % TOTAL, (int) call(warmer, clock, 1, 1_000_000_000L, 40).get(0));
        final int next = warmer.cursor();
        assertEquals((next + CacheWarmer.SMALL_BURST_CAP) % TOTAL,
                (int) call(warmer, clock, 1, 1_000_000_000L, 1).get(0));
    }

    @Test
    void shouldKeepABudgetAfterYearsWithoutCalls() {
        final AtomicLong clock = new AtomicLong();
        final CacheWarmer warmer = warmer(1_000, clock);
        call(warmer, clock, CacheWarmer.CLOCK_EVERY - 1, 1_000, 64);
        clock.addAndGet(10L * 365 * 24 * 3600 * 1_000_000_000L);
        call(warmer, clock, 1, 0, 64);
        assertTrue(warmer.perCall() > 0, "perCall=" + warmer.perCall());
        final int start = warmer.cursor();
        assertEquals((start + 64) % TOTAL, (int) call(warmer, clock, 1, 0, 64).get(0));
    }

    @Test
    void shouldWarmFromOneSingleLookupInSixtyFourByAHashOfTheAddress() {
        final AtomicLong clock = new AtomicLong();
        final CacheWarmer warmer = warmer(1_000, clock);
        call(warmer, clock, CacheWarmer.CLOCK_EVERY, 1_000_000_000L, 64);
        int triggering = 0;
        for (int i = 0; i < 1 << 16; i++) {
            final int address = i << 8 | 7; // every one in a /24 of its own, so that all of them count as spread
            final int before = warmer.cursor();
            clock.addAndGet(1_000_000_000L);
            warmer.single(address);
            if (warmer.cursor() != before) {
                triggering++;
                assertEquals((before + CacheWarmer.SINGLES_PER_CALL) % TOTAL, warmer.cursor(), "address " + address);
            }
        }
        assertEquals((1 << 16) / CacheWarmer.SINGLES_PER_CALL, triggering, 0.1 * (1 << 16) / CacheWarmer.SINGLES_PER_CALL);
    }

    @Test
    void shouldStopWhenTheLookupsGoToAFewHotDestinationsAndResumeWhenTheySpread() {
        final AtomicLong clock = new AtomicLong();
        final CacheWarmer warmer = warmer(1_000, clock);
        final SplittableRandom random = new SplittableRandom(13);
        final int[] hot = new int[64];
        for (int i = 0; i < hot.length; i++) {
            hot[i] = random.nextInt();
        }
        final int[] burst = new int[64];
        for (int call = 0; call < 400; call++) {
            for (int i = 0; i < burst.length; i++) {
                burst[i] = hot[(call + i) % hot.length];
            }
            clock.addAndGet(1_000_000);
            warmer.bulk(burst, burst.length);
        }
        assertTrue(warmer.spread() < CacheWarmer.ONE / 16, "spread=" + warmer.spread());
        final int stopped = warmer.cursor();
        clock.addAndGet(1_000_000);
        warmer.bulk(burst, burst.length);
        // Hot /24s that share a slot of the recent table still count as spread now and then: a few lines, not 64.
        final int read = (warmer.cursor() - stopped + TOTAL) % TOTAL;
        assertTrue(read <= 64 / 8, "lines read for hot destinations: " + read);
        for (int call = 0; call < 100; call++) {
            for (int i = 0; i < burst.length; i++) {
                burst[i] = random.nextInt();
            }
            clock.addAndGet(1_000_000);
            warmer.bulk(burst, burst.length);
        }
        assertTrue(warmer.spread() > CacheWarmer.ONE * 15 / 16, "spread=" + warmer.spread());
        final int resumed = warmer.cursor();
        clock.addAndGet(1_000_000);
        warmer.bulk(burst, burst.length);
        final int after = (warmer.cursor() - resumed + TOTAL) % TOTAL;
        assertTrue(after >= 64 * 15 / 16, "lines read for spread destinations: " + after);
    }

    @Test
    void shouldReadNothingWhenTurnedOff() {
        final AtomicLong clock = new AtomicLong();
        final CacheWarmer warmer = warmer(0, clock);
        call(warmer, clock, 100, 1_000_000, 64);
        assertEquals(0, warmer.cursor());
    }

    @Test
    void shouldWarmTheLineTableFromItsBulkLookups() {
        final SplittableRandom random = new SplittableRandom(11);
        final RouteSet set = RouteFixtures.randomRoutes(random, 20_000, Shape.INTERNET_LIKE, 16);
        final Dir16LineTable table = assertInstanceOf(Dir16LineTable.class, Dir16Tables.build(set));
        // A pass covers every distinct line (the line numbers are read by every lookup and need no warming).
        assertEquals(table.lineCount(), table.warmer().total());
        final int[] addresses = RouteFixtures.mixedAddresses(random, set, 64);
        final int[] hops = new int[64];
        for (int i = 0; i < 4 * CacheWarmer.CLOCK_EVERY; i++) {
            table.lookupBulk(addresses, hops, 64);
        }
        assertTrue(table.warmer().cursor() > 0, "no line was read");
    }

    @Test
    void shouldAnswerAlikeWhenThreadsShareATableAndItsWarmer() throws Exception {
        final SplittableRandom random = new SplittableRandom(12);
        final RouteSet set = RouteFixtures.randomRoutes(random, 20_000, Shape.INTERNET_LIKE, 16);
        final Dir16LineTable table = assertInstanceOf(Dir16LineTable.class, Dir16Tables.build(set));
        final int[] addresses = RouteFixtures.mixedAddresses(random, set, 1 << 16);
        final int[] expected = new int[addresses.length];
        for (int i = 0; i < addresses.length; i++) {
            expected[i] = table.lookup(addresses[i]);
        }
        final ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            final List<Future<Integer>> mismatches = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                mismatches.add(threads.submit(() -> {
                    final int[] burst = new int[64];
                    final int[] hops = new int[64];
                    int wrong = 0;
                    for (int round = 0; round < 20; round++) {
                        for (int b = 0; b < addresses.length; b += 64) {
                            System.arraycopy(addresses, b, burst, 0, 64);
                            table.lookupBulk(burst, hops, 64);
                            for (int i = 0; i < 64; i++) {
                                wrong += hops[i] == expected[b + i] ? 0 : 1;
                            }
                        }
                    }
                    return wrong;
                }));
            }
            for (final Future<Integer> f : mismatches) {
                assertEquals(0, f.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
