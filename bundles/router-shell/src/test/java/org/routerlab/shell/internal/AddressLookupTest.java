package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

class AddressLookupTest {
    /** The kinds of next hop, and a hole: 10.0.0.0/8 has no default route around it. */
    static RouteSet routes() {
        final RouteSet.Builder b = RouteSet.builder();
        b.add(Ipv4Address.parse("10.0.0.0"), 24, b.nextHop(NextHop.Kind.CONNECTED, 0, "p0"));
        b.add(Ipv4Address.parse("172.16.0.0"), 16, b.nextHop(NextHop.Kind.GATEWAY, Ipv4Address.parse("10.0.0.2"),
                "p0"));
        b.add(Ipv4Address.parse("172.16.9.0"), 24, b.nextHop(NextHop.Kind.GATEWAY, Ipv4Address.parse("10.1.0.2"),
                null));
        b.add(Ipv4Address.parse("192.0.2.192"), 26, b.nextHop(NextHop.Kind.BLACKHOLE, 0, null));
        b.add(Ipv4Address.parse("198.18.0.0"), 15, b.nextHop(NextHop.Kind.UNREACHABLE, 0, null));
        return b.build();
    }

    private final LinearAlgorithm algorithm = new LinearAlgorithm();
    private final RouteTable table = algorithm.build(routes());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private AddressLookup.Result lookup(final String input) throws Exception {
        return lookup(new ByteArrayInputStream(input.getBytes(StandardCharsets.ISO_8859_1)));
    }

    private AddressLookup.Result lookup(final InputStream input) throws Exception {
        return new AddressLookup(table).run(input, out);
    }

    private String out() {
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldPrintTheNextHopOfEveryAddressInOrder() throws Exception {
        final AddressLookup.Result result = lookup("""
                172.16.1.1
                172.16.9.200
                10.0.0.5
                192.0.2.200
                198.19.255.255
                8.8.8.8
                0.0.0.0
                255.255.255.255
                """);

        assertEquals("""
                172.16.1.1 10.0.0.2
                172.16.9.200 10.1.0.2
                10.0.0.5 p0
                192.0.2.200 blackhole
                198.19.255.255 unreachable
                8.8.8.8 unreachable
                0.0.0.0 unreachable
                255.255.255.255 unreachable
                """, out());
        assertEquals(8, result.addresses());
        assertEquals(8, result.lines());
    }

    @Test
    void shouldIgnoreBlanksCarriageReturnsAndBlankLinesAndAMissingLastNewline() throws Exception {
        final AddressLookup.Result result = lookup("  172.16.1.1\t\r\n\n   \r\n10.0.0.5\r\n192.0.2.200");

        assertEquals("172.16.1.1 10.0.0.2\n10.0.0.5 p0\n192.0.2.200 blackhole\n", out());
        assertEquals(3, result.addresses());
        assertEquals(5, result.lines());
    }

    @Test
    void shouldPrintNothingForNoInput() throws Exception {
        assertEquals(0, lookup("").addresses());
        assertEquals("", out());
    }

    @Test
    void shouldStopAtTheFirstMalformedLineAfterPrintingTheLinesBeforeIt() throws Exception {
        final AddressLookup.MalformedLine e = assertThrows(AddressLookup.MalformedLine.class,
                () -> lookup("172.16.1.1\n\n10.0.0.5\n  10.0.0.256 \n8.8.8.8\n"));

        assertEquals(4, e.line());
        assertEquals("10.0.0.256", e.text());
        assertEquals("stdin:4: not an IPv4 address: 10.0.0.256", e.getMessage());
        assertEquals("172.16.1.1 10.0.0.2\n10.0.0.5 p0\n", out());
    }

    @Test
    void shouldRejectEverythingThatIsNotADottedQuad() {
        for (final String bad : List.of("10.0.0", "10.0.0.0.1", "10.0.0.01", "010.0.0.1", "10.0.00.1", "1.2.3.",
                ".1.2.3", "1..2.3", "1.2.3.4/32", "1.2.3.4 5", "1.2.3.4x", "256.1.1.1", "1.2.3.1000", "-1.2.3.4",
                "::1", "a.b.c.d", "1.2.3.4#", "1,2,3,4")) {
            out.reset();
            final AddressLookup.MalformedLine e = assertThrows(AddressLookup.MalformedLine.class,
                    () -> lookup("8.8.8.8\n" + bad + "\n"), bad);
            assertEquals(2, e.line(), bad);
            assertEquals(bad, e.text(), bad);
            assertEquals("8.8.8.8 unreachable\n", out(), bad);
        }
        for (final String bad : List.of("10.0.0", "1.2.3.4.", "01.2.3.4", "1.2.3.04")) {
            out.reset();
            assertThrows(AddressLookup.MalformedLine.class, () -> lookup(bad), "without a newline: " + bad);
        }
    }

    @Test
    void shouldQuoteALongOrBinaryLineShortAndPrintable() {
        final AddressLookup.MalformedLine binary = assertThrows(AddressLookup.MalformedLine.class,
                () -> lookup("1.2.3.4\u0000\u00ff\n"));
        assertEquals("1.2.3.4??", binary.text());

        final String longLine = "9".repeat(AddressLookup.MAX_LINE * 3);
        final AddressLookup.MalformedLine overlong = assertThrows(AddressLookup.MalformedLine.class,
                () -> lookup("8.8.8.8\n" + longLine));
        assertEquals(2, overlong.line());
        assertEquals("9".repeat(80) + "...", overlong.text());
    }

    @Test
    void shouldMatchTheTableForManyAddressesReadInOddPieces() throws Exception {
        final Random random = new Random(7);
        final int n = AddressLookup.CHUNK * 3 + 17;
        final StringBuilder input = new StringBuilder();
        final StringBuilder expected = new StringBuilder();
        final RouteSet routes = table.routes();
        final int[] interesting = {Ipv4Address.parse("10.0.0.0"), Ipv4Address.parse("172.16.0.0"),
            Ipv4Address.parse("172.16.9.0"), Ipv4Address.parse("192.0.2.192"), Ipv4Address.parse("198.18.0.0")};
        for (int i = 0; i < n; i++) {
            final int address = i % 3 == 0 ? random.nextInt()
                    : interesting[random.nextInt(interesting.length)] + random.nextInt(512);
            input.append(Ipv4Address.format(address)).append(i % 5 == 0 ? "\r\n" : "\n");
            final int hop = LinearAlgorithm.match(routes, address);
            expected.append(Ipv4Address.format(address)).append(' ')
                    .append(hop < 0 ? "unreachable" : routes.nextHop(hop).describe()).append('\n');
        }
        final byte[] bytes = input.toString().getBytes(StandardCharsets.US_ASCII);

        final AddressLookup.Result result = lookup(new Trickle(new ByteArrayInputStream(bytes)));

        assertEquals(expected.toString(), out());
        assertEquals(n, result.addresses());
        assertEquals(4, algorithm.bulkCalls, "looked up a chunk at a time");
    }

    @Test
    void shouldReportAClosedOutput() {
        final PrintStream closed = new PrintStream(new OutputStream() {
            @Override
            public void write(final int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(final byte[] b, final int off, final int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        });

        final IOException e = assertThrows(IOException.class, () -> new AddressLookup(table).run(
                new ByteArrayInputStream("8.8.8.8\n".getBytes(StandardCharsets.US_ASCII)), closed));
        assertTrue(e.getMessage().contains("cannot write to standard output"), e.getMessage());
    }

    /** Returns at most 7 bytes per read, so that lines straddle reads. */
    private static final class Trickle extends FilterInputStream {
        private int next;

        Trickle(final InputStream in) {
            super(in);
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            next = next % 7 + 1;
            return super.read(b, off, Math.min(len, next));
        }
    }
}
