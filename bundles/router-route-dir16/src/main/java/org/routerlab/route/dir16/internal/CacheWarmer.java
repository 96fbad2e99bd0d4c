package org.routerlab.route.dir16.internal;

import java.util.function.LongSupplier;

/**
 * Keeps a lookup table's lines in the last-level cache while lookups run: after each bulk lookup (and after one
 * single lookup in {@value #SINGLES_PER_CALL}) it reads the next few 64-byte cache lines of the table, in address
 * order, so that every line is read at least once per period (default 1 ms) at the rate the calls come in.
 *
 * <p>Why: uniformly random lookups into {@link Dir16LineTable} touch any one of its 58,000 rarely used lines only
 * every few milliseconds. In a last-level cache shared with other tenants that is long enough for the line to be
 * evicted, and the lookup that needs it then waits on DRAM. Read in order, the lines stream in (a pass over the
 * 3.6 MiB takes about 0.1-0.2 ms), and the random lookups find them cached: on this machine random bulk lookups
 * became 1.6-1.8x as fast per CPU-second and single ones 2x, warming included (README, "Performance"). The line
 * numbers need no warming: every lookup reads one of them.
 *
 * <p>The budget follows the clock, not the number of lookups (the clock is read once every {@value #CLOCK_EVERY}
 * calls), and it is scaled by how spread the lookups are: each call samples one address and checks its /24 against
 * those sampled recently. Random destinations get the full pass per period; a few hot destinations, whose lines
 * their own lookups keep cached, get almost none (a pass per period cost them about a fifth of their rate).
 *
 * <p>Threading: the cursor, the call count, the budget and the sampled /24s are plain fields that concurrent
 * callers may race on; every value they can take is valid (the cursor is checked against the bounds before use), so
 * a race only makes the warming uneven, never a lookup wrong. The engine calls {@code lookupBulk} from one
 * forwarding thread.
 */
final class CacheWarmer {
    /** The period in microseconds ({@code -Drouterlab.dir16.warmPeriodMicros}, 0 turns warming off). */
    static final long PERIOD_MICROS = Long.getLong("routerlab.dir16.warmPeriodMicros", 1000);
    /** Calls between two reads of the clock (a read costs about 30 ns here). */
    static final int CLOCK_EVERY = 16;
    /**
     * When calls are sparse (a lightly loaded router) the clock asks for more lines per call than a burst is worth:
     * a call reads at most one line per address looked up, and at least this many.
     */
    static final int SMALL_BURST_CAP = 16;
    /** Fixed point of {@link #spread}. */
    static final int ONE_BITS = 10;
    static final int ONE = 1 << ONE_BITS;
    /** log2 of the recently sampled /24s remembered (4 KiB). */
    static final int RECENT_BITS = 10;
    static final int RECENT = 1 << RECENT_BITS;
    /** Single lookups that count as one bulk call: those whose hash has its top six bits clear. */
    static final int SINGLES_PER_CALL = 64;
    private static final int SINGLE_SHIFT = 32 - Integer.numberOfTrailingZeros(SINGLES_PER_CALL);
    /** Fibonacci hashing's multiplier (2^32 / golden ratio), for the single-lookup trigger and the /24 slots. */
    private static final int GOLDEN = 0x9E3779B9;

    private final byte[] lines;
    /** Cache lines in {@link #lines}: positions {@code [0, total)}. */
    private final int total;
    private final long periodNanos;
    private final LongSupplier nanoClock;

    private final int[] recent = new int[RECENT];
    private int spread = ONE;
    private int cursor;
    private int calls;
    private int perCall;
    private long clock;

    CacheWarmer(final byte[] lines, final long periodMicros) {
        this(lines, periodMicros, System::nanoTime);
    }

    /** With the clock given, for tests. */
    CacheWarmer(final byte[] lines, final long periodMicros, final LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lines = lines;
        this.total = lines.length >>> 6;
        this.periodNanos = periodMicros * 1000;
        this.clock = nanoClock.getAsLong();
    }

    /**
     * Called by a single lookup: one address in {@value #SINGLES_PER_CALL} (by a hash of the address, so without a
     * counter to write per lookup) is sampled and does the warming of a bulk lookup of that many addresses.
     */
    void single(final int address) {
        if ((address * GOLDEN) >>> SINGLE_SHIFT == 0) {
            sample(address);
            warm(SINGLES_PER_CALL);
        }
    }

    /** After a bulk lookup of {@code addresses[0..count)}: samples one of them, then reads the lines due. */
    void bulk(final int[] addresses, final int count) {
        if (count > 0) {
            final int i = calls & 63;
            sample(addresses[i < count ? i : 0]);
        }
        warm(count);
    }

    /**
     * Whether the lookups are spread: is the sampled address's /24 one of those sampled recently (a direct-mapped
     * table of {@value #RECENT} of them)? {@link #spread} follows the fraction that were not, over about 16 samples.
     * Random destinations are never seen again, so the warming runs in full; a few hot destinations are always seen
     * again, their lines stay cached by their own lookups, and the warming, which would only cost them, stops.
     */
    private void sample(final int address) {
        final int slash24 = address >>> 8;
        final int slot = (slash24 * GOLDEN) >>> (32 - RECENT_BITS);
        // Stored complemented, so that the table's initial zeros match no /24.
        final int miss = recent[slot] == ~slash24 ? 0 : ONE;
        recent[slot] = ~slash24;
        spread += (miss - spread) >> 4;
    }

    /** Reads the next lines due after a lookup of {@code count} addresses. */
    void warm(final int count) {
        if (periodNanos <= 0) {
            return;
        }
        if (++calls >= CLOCK_EVERY) {
            retune();
        }
        final byte[] l = lines;
        final int end = total;
        int c = cursor;
        if (c < 0 || c >= end) {
            c = 0;
        }
        int sum = 0;
        final int budget = Math.min(perCall, Math.max(SMALL_BURST_CAP, count));
        for (int k = (int) ((long) budget * Math.clamp(spread, 0, ONE) >> ONE_BITS); k > 0; k--) {
            sum += l[c << 6];
            if (++c == end) {
                c = 0;
            }
        }
        // The branch on the sum keeps the JIT from dropping reads whose values are otherwise unused. A sum of at most
        // a burst's worth of bytes is never MIN_VALUE, and if it were, the cursor would only restart.
        cursor = sum == Integer.MIN_VALUE ? 0 : c;
    }

    /** The fraction of sampled lookups that went to a /24 not sampled recently, in 1/{@value #ONE}ths. */
    int spread() {
        return spread;
    }

    /** Sets the lines per call so that a pass over all of them takes one period at the recent rate of calls. */
    private void retune() {
        calls = 0;
        final long now = nanoClock.getAsLong();
        // Clamped to a second, so that a table left unused for years cannot overflow the product below.
        final long elapsed = Math.clamp(now - clock, 0, 1_000_000_000L);
        clock = now;
        perCall = (int) Math.min(Integer.MAX_VALUE, 1 + total * elapsed / (CLOCK_EVERY * periodNanos));
    }

    /** Bytes of its own: the table of recently sampled /24s and the fields, with headers. */
    long memoryBytes() {
        return 16 + 4L * recent.length + 64;
    }

    /** Lines a call reads at present (before the cap by burst size), for tests. */
    int perCall() {
        return perCall;
    }

    /** The next line position, for tests. */
    int cursor() {
        return cursor;
    }

    /** Cache lines one pass reads. */
    int total() {
        return total;
    }
}
