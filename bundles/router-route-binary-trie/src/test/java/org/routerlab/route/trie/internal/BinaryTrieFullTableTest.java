package org.routerlab.route.trie.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteFileParser;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * The trie on a real full Internet table ({@code shared/data/bgp-full-table-prefixes.txt.gz}, beside the repository;
 * see its README): every sampled address must get the next hop of the longest route found by probing all 33 prefix
 * lengths in a hash map. Skipped when the file is absent.
 */
class BinaryTrieFullTableTest {
    private static final String FILE = "bgp-full-table-prefixes.txt.gz";
    private static final int SAMPLES = 200_000;

    @Test
    void shouldMatchPrefixProbingOnFullInternetTable() throws Exception {
        final Path file = locate();
        Assumptions.assumeTrue(file != null, "full-table test skipped: " + FILE + " not found in shared/data/ beside"
                + " the repository (walked up from " + Path.of("").toAbsolutePath() + ")");

        final RouteFileParser parser = new RouteFileParser(gateways(16));
        final RouteSet set = parser.parse(file);
        assertEquals(901_899, set.size(), "IPv4 routes");
        assertEquals(160_147, parser.skippedIpv6(), "IPv6 prefixes skipped");
        assertEquals(16, set.nextHops().size(), "hashed gateways used");
        final int[] histogram = set.lengthHistogram();
        assertEquals(537_698, histogram[24], "/24 routes");

        final RouteTable table = new BinaryTrieAlgorithm().build(set);
        assertEquals(set, table.routes());

        final Map<Long, Integer> byPrefix = new HashMap<>(set.size() * 2);
        for (final Route route : set.routes()) {
            byPrefix.put(key(route.prefix(), route.length()), route.nextHop());
        }
        final SplittableRandom random = new SplittableRandom(0x5EED_0BA5L);
        final int[] addresses = BinaryTrieTableTest.randomAddresses(random, set, SAMPLES);
        final int[] bulk = new int[SAMPLES];
        table.lookupBulk(addresses, bulk, SAMPLES);
        int routed = 0;
        for (int i = 0; i < SAMPLES; i++) {
            final int address = addresses[i];
            final int expected = probe(byPrefix, address);
            final int actual = table.lookup(address);
            if (expected != actual || actual != bulk[i]) {
                assertEquals(expected, actual, "lookup " + Ipv4Address.format(address));
                assertEquals(expected, bulk[i], "lookupBulk " + Ipv4Address.format(address));
            }
            routed += RouteTable.NO_ROUTE == actual ? 0 : 1;
        }
        // Without a default route a full table leaves much of the space unrouted: both outcomes must occur.
        assertTrue(routed > SAMPLES / 2 && routed < SAMPLES, "routed=" + routed);
    }

    /** The next hop of the longest prefix of {@code address} present in the map, trying /32 down to /0. */
    private static int probe(final Map<Long, Integer> byPrefix, final int address) {
        for (int length = 32; length >= 0; length--) {
            final int prefix = 0 == length ? 0 : address & (-1 << (32 - length));
            final Integer hop = byPrefix.get(key(prefix, length));
            if (hop != null) {
                return hop;
            }
        }
        return RouteTable.NO_ROUTE;
    }

    private static long key(final int prefix, final int length) {
        return ((long) length << 32) | (prefix & 0xFFFF_FFFFL);
    }

    private static List<Integer> gateways(final int count) {
        final Integer[] gateways = new Integer[count];
        for (int i = 0; i < count; i++) {
            gateways[i] = Ipv4Address.parse("10.0." + i + ".1");
        }
        return List.of(gateways);
    }

    /** {@code <dir>/shared/data/FILE} for the nearest ancestor {@code dir} of the working directory that has it. */
    private static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            final Path candidate = dir.resolve("shared").resolve("data").resolve(FILE);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
