package org.routerlab.api.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.packet.Ipv4Address;

class RouteFileParserTest {
    private static final List<Integer> GATEWAYS =
            List.of(ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"), ip("10.0.0.5"));

    @TempDir
    Path dir;

    private final RouteFileParser parser = new RouteFileParser(GATEWAYS);

    @Test
    void shouldParseGatewayRouteWithDevProtoAndMetric() throws Exception {
        final RouteSet set = parse("10.1.0.0/16 via 10.0.0.2 dev p0 proto static metric 100");
        assertEquals(1, set.size());
        final Route route = set.routes().get(0);
        assertEquals(new Route(ip("10.1.0.0"), 16, route.nextHop()), route);
        assertEquals(new NextHop(route.nextHop(), NextHop.Kind.GATEWAY, ip("10.0.0.2"), "p0"), set.nextHop(route.nextHop()));
        assertEquals("10.0.0.2", set.nextHop(route.nextHop()).describe());
    }

    @Test
    void shouldParseGatewayRouteWithoutDevice() throws Exception {
        final RouteSet set = parse("10.1.0.0/16 via 10.0.0.2");
        assertEquals(new NextHop(0, NextHop.Kind.GATEWAY, ip("10.0.0.2"), null), set.nextHop(0));
    }

    @Test
    void shouldAcceptEveryIpRouteShowAttribute() throws Exception {
        final RouteSet set = parse("10.2.0.0/16 via 10.0.0.2 dev p0 proto bgp scope global src 10.0.0.1 table main"
                + " mtu 1500 advmss 1460 realm 1 weight 1 expires 300 onlink pref medium initcwnd 10 initrwnd 10"
                + " tos 0 dsfield 0 linkdown dead offload trap rt_offload rt_trap lock metric 20");
        assertEquals(new NextHop(0, NextHop.Kind.GATEWAY, ip("10.0.0.2"), "p0"), set.nextHop(0));
    }

    @Test
    void shouldParseDefaultRouteAsSlashZero() throws Exception {
        final RouteSet set = parse("default via 10.0.0.1 dev p1 proto dhcp metric 600");
        assertEquals(new Route(0, 0, 0), set.routes().get(0));
        assertEquals(new NextHop(0, NextHop.Kind.GATEWAY, ip("10.0.0.1"), "p1"), set.nextHop(0));
    }

    @Test
    void shouldParseConnectedRoute() throws Exception {
        final RouteSet set = parse("10.0.0.0/24 dev p0 proto kernel scope link src 10.0.0.1");
        assertEquals(new Route(ip("10.0.0.0"), 24, 0), set.routes().get(0));
        assertEquals(new NextHop(0, NextHop.Kind.CONNECTED, 0, "p0"), set.nextHop(0));
        assertEquals("p0", set.nextHop(0).describe());
    }

    @Test
    void shouldParseBlackholeUnreachableAndProhibit() throws Exception {
        final RouteSet set = parse("blackhole 10.9.0.0/16", "unreachable 10.8.0.0/16", "prohibit 10.7.0.0/16");
        assertEquals(3, set.size());
        final NextHop blackhole = set.nextHop(set.routes().get(0).nextHop());
        final NextHop unreachable = set.nextHop(set.routes().get(1).nextHop());
        final NextHop prohibit = set.nextHop(set.routes().get(2).nextHop());
        assertEquals(new Route(ip("10.9.0.0"), 16, blackhole.id()), set.routes().get(0));
        assertEquals(new Route(ip("10.8.0.0"), 16, unreachable.id()), set.routes().get(1));
        assertEquals(new Route(ip("10.7.0.0"), 16, prohibit.id()), set.routes().get(2));
        assertEquals(NextHop.Kind.BLACKHOLE, blackhole.kind());
        assertEquals(NextHop.Kind.UNREACHABLE, unreachable.kind());
        assertEquals(NextHop.Kind.UNREACHABLE, prohibit.kind());
        assertEquals("blackhole", blackhole.describe());
        assertEquals("unreachable", prohibit.describe());
    }

    @Test
    void shouldShareEqualNextHopsAndNumberThemDensely() throws Exception {
        final RouteSet set = parse(
                "10.1.0.0/16 via 10.0.0.2 dev p0",
                "10.2.0.0/16 via 10.0.0.3 dev p0",
                "10.3.0.0/16 via 10.0.0.2 dev p0",
                "10.4.0.0/16 via 10.0.0.2",
                "10.5.0.0/16 dev p0",
                "10.6.0.0/16 dev p0");
        assertEquals(List.of(0, 1, 0, 2, 3, 3), set.routes().stream().map(Route::nextHop).toList());
        assertEquals(4, set.nextHops().size());
        for (int i = 0; i < set.nextHops().size(); i++) {
            assertEquals(i, set.nextHops().get(i).id());
        }
    }

    @Test
    void shouldAssignBarePrefixesHashedGatewaysDeterministically() throws Exception {
        final String[] lines = new String[200];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "10." + i + ".0.0/16";
        }
        final Path file = write("bare.txt", lines);
        final RouteSet first = new RouteFileParser(GATEWAYS).parse(file);
        final RouteSet second = new RouteFileParser(GATEWAYS).parse(file);
        assertEquals(200, first.size());
        assertEquals(first.routes(), second.routes());
        assertEquals(first.nextHops(), second.nextHops());
        final Set<Integer> used = new HashSet<>();
        for (final Route route : first.routes()) {
            final NextHop hop = first.nextHop(route.nextHop());
            assertEquals(NextHop.Kind.GATEWAY, hop.kind());
            assertNull(hop.device());
            assertTrue(GATEWAYS.contains(hop.gateway()), hop.toString());
            used.add(hop.gateway());
        }
        assertEquals(Set.copyOf(GATEWAYS), used, "200 prefixes should spread over all 4 gateways");
    }

    @Test
    void shouldHashBarePrefixByPrefixNotByLinePosition() throws Exception {
        final RouteSet forward = parse("10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16");
        final RouteSet backward = parse("10.4.0.0/16", "10.3.0.0/16", "10.2.0.0/16", "10.1.0.0/16");
        for (final Route route : forward.routes()) {
            final Route same = backward.routes().stream()
                    .filter(r -> r.prefix() == route.prefix() && r.length() == route.length()).findFirst().orElseThrow();
            assertEquals(forward.nextHop(route.nextHop()).gateway(), backward.nextHop(same.nextHop()).gateway());
        }
    }

    @Test
    void shouldReadBareAddressAsHostRoute() throws Exception {
        final RouteSet set = parse("192.0.2.1", "192.0.2.2 via 10.0.0.9", "blackhole 192.0.2.3");
        assertEquals(ip("192.0.2.1"), set.routes().get(0).prefix());
        assertEquals(32, set.routes().get(0).length());
        assertEquals(new Route(ip("192.0.2.2"), 32, set.routes().get(1).nextHop()), set.routes().get(1));
        assertEquals(32, set.routes().get(2).length());
    }

    @Test
    void shouldIgnoreCommentsBlankLinesAndExtraWhitespace() throws Exception {
        final RouteSet set = parse(
                "# a comment",
                "",
                "   ",
                "\t",
                "   # an indented comment",
                "10.1.0.0/16 via 10.0.0.2 dev p0   # trailing comment",
                "  10.2.0.0/16\tvia   10.0.0.3 \t dev p1  ",
                "10.3.0.0/16# comment right after the prefix");
        assertEquals(3, set.size());
        assertEquals(new NextHop(1, NextHop.Kind.GATEWAY, ip("10.0.0.3"), "p1"), set.nextHop(1));
        assertEquals(ip("10.3.0.0"), set.routes().get(2).prefix());
    }

    @Test
    void shouldReturnEmptySetForFileWithOnlyComments() throws Exception {
        assertEquals(0, parse("# nothing here", "").size());
        assertEquals(0, parse().size());
    }

    @Test
    void shouldReadGzipFileLikePlainFile() throws Exception {
        final String[] lines = {"# gzipped", "10.1.0.0/16 via 10.0.0.2 dev p0", "blackhole 10.9.0.0/16", "192.0.2.0/24",
                "2001:db8::/32"};
        final Path gz = dir.resolve("routes.txt.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        final RouteSet fromGzip = parser.parse(gz);
        assertEquals(1, parser.skippedIpv6());
        final RouteSet plain = parse(lines);
        assertEquals(3, fromGzip.size());
        assertEquals(plain.routes(), fromGzip.routes());
        assertEquals(plain.nextHops(), fromGzip.nextHops());
    }

    @Test
    void shouldSkipAndCountBareIpv6Prefixes() throws Exception {
        final RouteSet set = parse("2001:db8::/32", "10.1.0.0/16", "::/0", "2001:db8:1::/48", "fe80::1");
        assertEquals(1, set.size());
        assertEquals(4, parser.skippedIpv6());
        parse("10.1.0.0/16");
        assertEquals(0, parser.skippedIpv6(), "the count is per parse");
    }

    @Test
    void shouldSkipIpv6EvenWithoutBareGateways() throws Exception {
        final RouteFileParser noGateways = new RouteFileParser(List.of());
        final RouteSet set = noGateways.parse(write("v6.txt", "2001:db8::/32", "10.0.0.0/8 dev p0"));
        assertEquals(1, set.size());
        assertEquals(1, noGateways.skippedIpv6());
    }

    @Test
    void shouldRejectBadAddressWithFileAndLine() throws Exception {
        assertFailsAt(3, "not an IPv4 address", "10.1.0.0/16 via 10.0.0.2", "# ok", "10.0.0.256/24 via 10.0.0.2");
        assertFailsAt(1, "not an IPv4 address", "10.1.0.0/16 via 10.0.0");
        assertFailsAt(2, "not an IPv4 address", "", "10.1.0/16");
    }

    @Test
    void shouldRejectPrefixLengthOutOfRange() throws Exception {
        assertFailsAt(2, "prefix length out of range 0..32 in 10.0.0.0/33", "10.1.0.0/16 dev p0", "10.0.0.0/33 dev p0");
        assertFailsAt(1, "bad prefix length", "10.0.0.0/-1");
        assertFailsAt(1, "bad prefix length", "10.0.0.0/+8 via 10.0.0.2");
        assertFailsAt(1, "bad prefix length", "10.0.0.0/08 via 10.0.0.2");
        assertFailsAt(1, "'via' given twice", "10.9.0.0/16 via 10.0.0.2 via 10.0.0.3");
        assertFailsAt(1, "bad prefix length", "10.0.0.0/x via 10.0.0.2");
        assertFailsAt(1, "bad prefix length", "10.0.0.0/ via 10.0.0.2");
    }

    @Test
    void shouldRejectHostBitsSetBeyondPrefixLength() throws Exception {
        assertFailsAt(2, "10.1.2.3/16", "# header", "10.1.2.3/16 via 10.0.0.2");
        assertFailsAt(1, "0.0.0.1/0", "0.0.0.1/0");
        assertFailsAt(1, "192.0.2.129/25", "blackhole 192.0.2.129/25");
    }

    @Test
    void shouldRejectDuplicatePrefix() throws Exception {
        assertFailsAt(4, "duplicate prefix 10.1.0.0/16", "10.1.0.0/16 via 10.0.0.2", "10.1.0.0/24 via 10.0.0.2",
                "10.2.0.0/16 via 10.0.0.2", "blackhole 10.1.0.0/16");
        assertFailsAt(2, "duplicate prefix 0.0.0.0/0", "default via 10.0.0.2", "0.0.0.0/0 via 10.0.0.3");
    }

    @Test
    void shouldRejectUnknownKeyword() throws Exception {
        assertFailsAt(2, "unexpected 'frobnicate'", "10.1.0.0/16 via 10.0.0.2", "10.2.0.0/16 via 10.0.0.2 frobnicate");
        assertFailsAt(1, "not supported", "local 10.0.0.1 dev p0");
        assertFailsAt(1, "not supported", "multicast 224.0.0.0/4 dev p0");
    }

    @Test
    void shouldRejectKeywordWithoutValue() throws Exception {
        assertFailsAt(2, "'via' needs a value", "10.1.0.0/16 dev p0", "10.2.0.0/16 via");
        assertFailsAt(1, "'dev' needs a value", "10.2.0.0/16 via 10.0.0.2 dev");
        assertFailsAt(1, "'metric' needs a value", "10.2.0.0/16 via 10.0.0.2 metric");
        assertFailsAt(1, "'blackhole' needs a prefix", "blackhole");
    }

    @Test
    void shouldRejectRouteWithNeitherGatewayNorDevice() throws Exception {
        assertFailsAt(1, "neither 'via GATEWAY' nor 'dev IF'", "10.2.0.0/16 proto static metric 5");
    }

    @Test
    void shouldRejectIpv6RouteWithAttributes() throws Exception {
        assertFailsAt(1, "IPv6 route not supported", "2001:db8::/32 via fe80::1 dev p0");
    }

    @Test
    void shouldRejectBarePrefixWhenNoGatewaysGiven() throws Exception {
        final Path file = write("bare.txt", "10.0.0.0/8 dev p0", "10.1.0.0/16");
        final RouteFileException e = assertThrows(RouteFileException.class, () -> new RouteFileParser(List.of()).parse(file));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().startsWith(file + ":2: bare prefix 10.1.0.0/16"), e.getMessage());
    }

    @Test
    void shouldRejectMissingFileWithoutLineNumber() {
        final Path missing = dir.resolve("no-such.routes");
        final RouteFileException e = assertThrows(RouteFileException.class, () -> parser.parse(missing));
        assertEquals(missing, e.file());
        assertEquals(0, e.line());
        assertEquals("no such file", e.reason());
        assertEquals(missing + ": no such file", e.getMessage());
    }

    @Test
    void shouldRejectCorruptGzipFile() throws Exception {
        final Path gz = write("corrupt.txt.gz", "10.0.0.0/8 via 10.0.0.2");
        final RouteFileException e = assertThrows(RouteFileException.class, () -> parser.parse(gz));
        assertEquals(0, e.line());
        assertTrue(e.reason().startsWith("cannot read"), e.getMessage());
    }

    @Test
    void shouldLoadNothingWhenOnlyTheLastLineIsBad() throws Exception {
        final List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            lines.add("10." + (i >> 8) + "." + (i & 0xFF) + ".0/24 via 10.0.0.2");
        }
        lines.add("10.255.0.0/16 via 10.0.0.2 bogus");
        final Path file = write("mostly-good.txt", lines.toArray(String[]::new));
        final RouteFileException e = assertThrows(RouteFileException.class, () -> parser.parse(file));
        assertEquals(1001, e.line());
        assertEquals(file + ":1001: unexpected 'bogus'", e.getMessage());
        // The parser is reusable after a failure and loads the file once it is fixed.
        lines.removeLast();
        assertEquals(1000, parser.parse(write("fixed.txt", lines.toArray(String[]::new))).size());
    }

    /**
     * Defect: after {@code blackhole|unreachable|prohibit PREFIX} every further word is ignored unchecked, so a typo
     * or a misplaced {@code via} is silently accepted, unlike the same word on a gateway or connected route.
     */
    @Test
    void shouldRejectUnknownWordAfterBlackholePrefix() throws Exception {
        assertFailsAt(1, "unexpected 'frobnicate'", "blackhole 10.9.0.0/16 frobnicate");
        assertFailsAt(1, "unexpected", "unreachable 10.8.0.0/16 via 10.0.0.2");
        // ip route show prints attributes after the prefix; those stay accepted.
        assertEquals(1, parse("blackhole 10.9.0.0/16 proto static metric 10").size());
    }

    private void assertFailsAt(final int line, final String reasonPart, final String... lines) throws IOException {
        final Path file = write("bad-" + line + "-" + Math.abs(String.join("|", lines).hashCode()) + ".routes", lines);
        final RouteFileException e = assertThrows(RouteFileException.class, () -> parser.parse(file),
                () -> "expected an error at line " + line + " for " + List.of(lines));
        assertEquals(file, e.file());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.reason().contains(reasonPart), e.getMessage());
        assertEquals(file + ":" + line + ": " + e.reason(), e.getMessage());
    }

    private RouteSet parse(final String... lines) throws IOException, RouteFileException {
        return parser.parse(write("routes-" + System.nanoTime() + ".txt", lines));
    }

    private Path write(final String name, final String... lines) throws IOException {
        return Files.write(dir.resolve(name), List.of(lines), StandardCharsets.US_ASCII);
    }

    private static int ip(final String text) {
        return Ipv4Address.parse(text);
    }
}
