package org.routerlab.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteTable;

/**
 * The data path of {@code router lookup}: IPv4 addresses in, one per line, {@code ADDRESS NEXTHOP} lines out, in
 * order. Bytes are parsed and formatted in place (no {@code String} or other object per line), addresses are looked
 * up {@value #CHUNK} at a time with {@link RouteTable#lookupBulk}, and input and output go through large buffers.
 *
 * <p>{@code NEXTHOP} is {@link NextHop#describe()}: the gateway address, the interface of a connected route,
 * {@code blackhole} or {@code unreachable}; an address that no route matches prints {@code unreachable} too.
 * Leading and trailing blanks (space, tab, CR) are ignored and blank lines are skipped. The first line that is not
 * a dotted-quad IPv4 address (four decimal octets 0..255, no leading zeros) ends the lookup with a
 * {@link MalformedLine}, after every address before it has been written and flushed.
 *
 * <p>Not thread-safe; one instance per stream.
 */
final class AddressLookup {
    /** Addresses per {@link RouteTable#lookupBulk} call. */
    static final int CHUNK = 4096;
    /** What a line prints when no route matches. */
    static final String NO_ROUTE = "unreachable";
    /** A line longer than this is not an address, whatever it holds; it is reported truncated. */
    static final int MAX_LINE = 4096;
    private static final int MAX_QUOTED = 80;
    private static final int IN_BUFFER = 1 << 18;
    private static final int OUT_BUFFER = 1 << 18;

    /** What a lookup did. */
    record Result(long addresses, long lines, long nanos, long lookupNanos) {
        double addressesPerSecond() {
            return nanos > 0 ? addresses * 1e9 / nanos : 0;
        }
    }

    /** A line that is not an IPv4 address. */
    static final class MalformedLine extends Exception {
        private static final long serialVersionUID = 1L;

        private final long line;
        private final String text;

        MalformedLine(final long line, final String text) {
            super("stdin:" + line + ": not an IPv4 address: " + text);
            this.line = line;
            this.text = text;
        }

        long line() {
            return line;
        }

        String text() {
            return text;
        }
    }

    private final RouteTable table;
    private final byte[][] hops;
    private final byte[] noRoute;
    private final int[] addresses = new int[CHUNK];
    private final int[] results = new int[CHUNK];
    private final byte[] in = new byte[IN_BUFFER];
    private final byte[] out = new byte[OUT_BUFFER];
    /** The longest output line: 15 address bytes, a space, the longest next hop, a newline. */
    private final int maxLine;
    private int count;
    private int outLength;
    private long total;
    private long lookupNanos;

    AddressLookup(final RouteTable table) {
        this.table = table;
        final List<NextHop> nextHops = table.routes().nextHops();
        hops = new byte[nextHops.size()][];
        noRoute = NO_ROUTE.getBytes(StandardCharsets.US_ASCII);
        int longest = noRoute.length;
        for (int i = 0; i < hops.length; i++) {
            final String text = nextHops.get(i).describe();
            hops[i] = (text == null ? "?" : text).getBytes(StandardCharsets.UTF_8);
            longest = Math.max(longest, hops[i].length);
        }
        maxLine = 15 + 1 + longest + 1;
        if (maxLine > OUT_BUFFER) {
            throw new IllegalArgumentException("a next hop's name is too long: " + longest + " bytes");
        }
    }

    /**
     * Reads {@code source} to its end and writes a line per address to {@code sink}, flushed at the end (and before
     * a {@link MalformedLine} is thrown).
     *
     * @throws IOException when reading fails, or writing does (a {@link PrintStream} sink is checked with
     *         {@link PrintStream#checkError()}, since it swallows write errors such as a closed pipe)
     */
    Result run(final InputStream source, final OutputStream sink) throws IOException, MalformedLine {
        final long started = System.nanoTime();
        long line = 0;
        int pos = 0;
        int limit = 0;
        boolean eof = false;
        final byte[] b = in;
        while (true) {
            // Fast path: a plain address ending in '\n', parsed in one pass. Anything else (blanks, CR, the end of
            // the buffer, an error) takes the general path below, which parses the line again.
            int value = 0;
            int octet = 0;
            int digits = 0;
            int dots = 0;
            int i = pos;
            for (; i < limit; i++) {
                final int c = b[i];
                if (c >= '0' && c <= '9') {
                    octet = octet * 10 + (c - '0');
                    if (++digits > 3 || octet > 255 || (digits == 2 && octet < 10)) {
                        break;  // too long, too large or a leading zero: the general path reports it
                    }
                } else if (c == '.' && digits > 0 && dots < 3) {
                    value = (value << 8) | octet;
                    octet = 0;
                    digits = 0;
                    dots++;
                } else {
                    break;
                }
            }
            if (i < limit && b[i] == '\n' && dots == 3 && digits > 0) {
                line++;
                addresses[count++] = (value << 8) | octet;
                if (count == CHUNK) {
                    lookUp(sink);
                }
                pos = i + 1;
                continue;
            }
            int nl = -1;
            for (int j = pos; j < limit; j++) {
                if (b[j] == '\n') {
                    nl = j;
                    break;
                }
            }
            if (nl < 0) {
                if (eof) {
                    if (pos < limit) {
                        line++;
                        parseLine(pos, limit, line, sink);
                    }
                    break;
                }
                if (pos > 0) {
                    System.arraycopy(in, pos, in, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                }
                if (limit >= MAX_LINE) {
                    fail(line + 1, 0, limit, sink);
                }
                final int n = read(source, limit);
                if (n < 0) {
                    eof = true;
                } else {
                    limit += n;
                }
                continue;
            }
            line++;
            if (nl - pos > MAX_LINE) {
                fail(line, pos, nl, sink);
            }
            parseLine(pos, nl, line, sink);
            pos = nl + 1;
        }
        lookUp(sink);
        drain(sink);
        sink.flush();
        check(sink);
        return new Result(total, line, System.nanoTime() - started, lookupNanos);
    }

    private int read(final InputStream source, final int offset) throws IOException {
        try {
            return source.read(in, offset, in.length - offset);
        } catch (final IOException e) {
            throw new IOException("cannot read standard input: " + e.getMessage(), e);
        }
    }

    /** Parses {@code in[start, end)} (one line without its newline) into the chunk. */
    private void parseLine(final int start, final int end, final long line, final OutputStream sink)
            throws IOException, MalformedLine {
        int s = start;
        int e = end;
        while (s < e && blank(in[s])) {
            s++;
        }
        while (e > s && blank(in[e - 1])) {
            e--;
        }
        if (s == e) {
            return;
        }
        int value = 0;
        int octet = 0;
        int digits = 0;
        int dots = 0;
        for (int i = s; i < e; i++) {
            final int c = in[i];
            if (c >= '0' && c <= '9') {
                if (digits == 1 && octet == 0) {
                    fail(line, start, end, sink);  // leading zero
                }
                octet = octet * 10 + (c - '0');
                if (++digits > 3 || octet > 255) {
                    fail(line, start, end, sink);
                }
            } else if (c == '.' && digits > 0 && dots < 3) {
                value = (value << 8) | octet;
                octet = 0;
                digits = 0;
                dots++;
            } else {
                fail(line, start, end, sink);
            }
        }
        if (dots != 3 || digits == 0) {
            fail(line, start, end, sink);
        }
        addresses[count++] = (value << 8) | octet;
        if (count == CHUNK) {
            lookUp(sink);
        }
    }

    private static boolean blank(final byte b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    /** Looks the chunk up and formats it into the output buffer. */
    private void lookUp(final OutputStream sink) throws IOException {
        if (count == 0) {
            return;
        }
        final long t0 = System.nanoTime();
        table.lookupBulk(addresses, results, count);
        lookupNanos += System.nanoTime() - t0;
        final byte[] o = out;
        for (int i = 0; i < count; i++) {
            if (outLength > o.length - maxLine) {
                drain(sink);
            }
            int p = outLength;
            final int a = addresses[i];
            p = octet(o, p, a >>> 24);
            o[p++] = '.';
            p = octet(o, p, (a >>> 16) & 0xFF);
            o[p++] = '.';
            p = octet(o, p, (a >>> 8) & 0xFF);
            o[p++] = '.';
            p = octet(o, p, a & 0xFF);
            o[p++] = ' ';
            final int hop = results[i];
            final byte[] text;
            if (hop == RouteTable.NO_ROUTE) {
                text = noRoute;
            } else if (hop >= 0 && hop < hops.length) {
                text = hops[hop];
            } else {
                throw new IllegalStateException("the route table returned next hop " + hop + " for "
                        + org.routerlab.api.packet.Ipv4Address.format(a) + ", but has " + hops.length
                        + " next hops");
            }
            p = put(o, p, text);
            o[p++] = '\n';
            outLength = p;
        }
        total += count;
        count = 0;
    }

    /** Writes {@code value} (0..255) in decimal at {@code o[p]}; returns the position after it. */
    private static int octet(final byte[] o, final int p, final int value) {
        if (value >= 100) {
            final int hundreds = value / 100;
            final int rest = value - hundreds * 100;
            final int tens = rest / 10;
            o[p] = (byte) ('0' + hundreds);
            o[p + 1] = (byte) ('0' + tens);
            o[p + 2] = (byte) ('0' + rest - tens * 10);
            return p + 3;
        }
        if (value >= 10) {
            final int tens = value / 10;
            o[p] = (byte) ('0' + tens);
            o[p + 1] = (byte) ('0' + value - tens * 10);
            return p + 2;
        }
        o[p] = (byte) ('0' + value);
        return p + 1;
    }

    private static int put(final byte[] o, final int p, final byte[] text) {
        System.arraycopy(text, 0, o, p, text.length);
        return p + text.length;
    }

    private void drain(final OutputStream sink) throws IOException {
        if (outLength > 0) {
            sink.write(out, 0, outLength);
            outLength = 0;
            check(sink);
        }
    }

    private static void check(final OutputStream sink) throws IOException {
        if (sink instanceof PrintStream print && print.checkError()) {
            throw new IOException("cannot write to standard output (closed pipe?)");
        }
    }

    /** Writes and flushes what came before the bad line, then throws. */
    private void fail(final long line, final int start, final int end, final OutputStream sink)
            throws IOException, MalformedLine {
        final String text = quote(start, end);
        lookUp(sink);
        drain(sink);
        sink.flush();
        check(sink);
        throw new MalformedLine(line, text);
    }

    /** The line as printable ASCII, blanks trimmed, at most {@value #MAX_QUOTED} characters. */
    private String quote(final int start, final int end) {
        int s = start;
        int e = end;
        while (s < e && blank(in[s])) {
            s++;
        }
        while (e > s && blank(in[e - 1])) {
            e--;
        }
        final StringBuilder text = new StringBuilder(Math.min(e - s, MAX_QUOTED) + 3);
        for (int i = s; i < e && text.length() < MAX_QUOTED; i++) {
            final int c = in[i] & 0xFF;
            text.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        if (e - s > MAX_QUOTED) {
            text.append("...");
        }
        return text.isEmpty() ? "''" : text.toString();
    }
}
