package org.routerlab.route.dir16.internal;

import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * DIR-16-8-8 with one-byte entries stored as deduplicated 64-byte lines ({@link Dir16Tables}): a direct array of
 * line numbers per /18 (512 KiB), then one byte of one line.
 * <pre>
 *  line[2^18]      char   line number n of the /18 (the four /18s of a /16 group; all /18s of a /16 without longer
 *                         routes share the line of its next hop)
 *  lines[64 n ..]  byte   next hop + 1 (0 = none), or 0x80 | k: the /24 continues in deep group deepBase[c] + k
 *  top[2^16]       char   block c of the /16, only for the deep groups
 *  deep            byte   256-entry groups for the /24s with routes longer than /24, by last octet
 * </pre>
 * Identical lines are stored once: every line of one next hop (37% of the full table's lines), and repeated
 * patterns, so the lines take 3.6 MiB instead of 6.3 and only 25% of random addresses need a line other than the
 * few shared ones. A lookup is two dependent loads. After each bulk lookup a {@link CacheWarmer} reads the next few
 * cache lines of the table, so that the rare lines stay cached between the random lookups that need them. The
 * arrays are immutable after construction (final fields, never written), so any number of threads may read them;
 * the warmer's fields are the only state a lookup writes, hints that any value makes correct. Lookups allocate
 * nothing.
 */
final class Dir16LineTable implements RouteTable {
    private final RouteSet routes;
    private final char[] line;
    private final byte[] lines;
    private final char[] top;
    private final int[] deepBase;
    private final byte[] deep;
    /** Reads a few lines of the table after every bulk lookup, to keep it cached; its only mutable state. */
    private final CacheWarmer warmer;

    Dir16LineTable(final RouteSet routes, final char[] line, final byte[] lines, final char[] top,
                   final int[] deepBase, final byte[] deep) {
        this.routes = routes;
        this.line = line;
        this.top = top;
        this.lines = lines;
        this.deepBase = deepBase;
        this.deep = deep;
        this.warmer = new CacheWarmer(lines, CacheWarmer.PERIOD_MICROS);
    }

    /** {@inheritDoc} */
    @Override
    public int lookup(final int address) {
        warmer.single(address);
        final int b = lines[index(line, address)];
        return b >= 0 ? b - 1 : deeper(b, address);
    }

    private static int index(final char[] line, final int a) {
        return (line[a >>> 14] << 6) | ((a >>> 8) & 63);
    }

    /**
     * {@inheritDoc} Stage by stage over the burst, each stage a loop of independent loads: first every entry index
     * from the line numbers (parked in {@code nextHops}), then every entry, in a loop with nothing else
     * in it (no branch; whether any entry points deeper is OR-ed on the way), so that the out-of-order window holds
     * as many of its cache misses as possible; then, only if some entry said so, the addresses under routes longer
     * than /24; then the warmer's few lines.
     */
    @Override
    public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
        final char[] n = line;
        final byte[] l = lines;
        for (int i = 0; i < count; i++) {
            nextHops[i] = index(n, addresses[i]);
        }
        int deeper = 0;
        for (int i = 0; i < count; i++) {
            final int b = l[nextHops[i]];
            deeper |= b;
            nextHops[i] = b - 1;
        }
        if (deeper < 0) {
            for (int i = 0; i < count; i++) {
                final int v = nextHops[i];
                if (v < RouteTable.NO_ROUTE) {
                    nextHops[i] = deeper(v + 1, addresses[i]);
                }
            }
        }
        warmer.bulk(addresses, count);
    }

    /** Under a route longer than /24: entry {@code 0x80 | k} continues in deep group {@code deepBase[c] + k}. */
    private int deeper(final int b, final int address) {
        return deep[((deepBase[top[address >>> 16]] + (b & 0x7F)) << 8) | (address & 0xFF)] - 1;
    }

    /** {@inheritDoc} */
    @Override
    public RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} The five arrays with their headers, and the warmer's table of recent /24s. */
    @Override
    public long memoryBytes() {
        return 80 + 2L * line.length + lines.length + 2L * top.length + 4L * deepBase.length + deep.length
                + warmer.memoryBytes();
    }

    /** The warmer, for tests. */
    CacheWarmer warmer() {
        return warmer;
    }

    /** Number of distinct 64-byte lines. */
    int lineCount() {
        return lines.length >>> 6;
    }

    /** Number of blocks (shared per-next-hop blocks included). */
    int blocks() {
        return deepBase.length;
    }

    @Override
    public String toString() {
        return "Dir16LineTable[routes=" + routes.size() + ", blocks=" + blocks() + ", lines=" + lineCount()
                + ", deep groups=" + (deep.length >>> 8) + ", bytes=" + memoryBytes() + "]";
    }
}
