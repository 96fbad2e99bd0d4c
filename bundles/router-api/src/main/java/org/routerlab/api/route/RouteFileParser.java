package org.routerlab.api.route;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.routerlab.api.packet.Ipv4Address;

/**
 * Reads route files in the formats people have, all or nothing: the first malformed line aborts the load with a
 * {@link RouteFileException} naming file, line and cause, and no partial {@link RouteSet} is returned.
 *
 * <p>Accepted lines (blank lines and {@code #} comments are ignored; a {@code .gz} file is decompressed):
 * <pre>
 *   10.1.0.0/16 via 10.0.0.2 [dev p0] [proto …] [metric N] …   gateway route (ip route show)
 *   default via 10.0.0.2 [dev p0] …                          0.0.0.0/0
 *   10.0.0.0/24 dev p0 [proto kernel] [scope link] [src …]     connected route
 *   blackhole 10.9.0.0/16                                     silent drop
 *   unreachable 10.8.0.0/16 | prohibit 10.7.0.0/16            drop (ICMP unreachable on real links)
 *   192.0.2.0/24                                              bare prefix: next hop assigned by hash
 * </pre>
 * A bare prefix gets one of the {@code bareGateways} chosen by a hash of the prefix, so the same file always maps
 * to the same next hops. IPv6 prefixes in a bare list (full-table dumps mix both) are skipped and counted.
 */
public final class RouteFileParser {
    private final List<Integer> bareGateways;
    private int skippedIpv6;
    private int line;

    /** @param bareGateways gateways that bare prefixes are spread over; may be empty if the file has none */
    public RouteFileParser(final List<Integer> bareGateways) {
        this.bareGateways = List.copyOf(bareGateways);
    }

    /** IPv6 prefixes skipped by the last {@link #parse}. */
    public int skippedIpv6() { return skippedIpv6; }

    public RouteSet parse(final Path file) throws RouteFileException {
        skippedIpv6 = 0;
        line = 0;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16)) {
            final RouteSet.Builder builder = RouteSet.builder();
            String text;
            while ((text = readLine(reader, file)) != null) {
                try {
                    parseLine(text, builder);
                } catch (IllegalArgumentException e) {
                    throw new RouteFileException(file, line, e.getMessage());
                }
            }
            return builder.build();
        } catch (NoSuchFileException e) {
            throw new RouteFileException(file, 0, "no such file");
        } catch (IOException e) {
            throw new RouteFileException(file, 0, "cannot read: " + e);
        }
    }

    /** The next line, or null at the end; a read error (a truncated .gz) names the line it stopped at. */
    private String readLine(final BufferedReader reader, final Path file) throws RouteFileException {
        try {
            final String text = reader.readLine();
            if (text != null) {
                line++;
            }
            return text;
        } catch (IOException e) {
            throw new RouteFileException(file, line + 1, "cannot read: " + e);
        }
    }

    /** Parses one line into {@code builder}; throws IllegalArgumentException with the cause. */
    void parseLine(final String raw, final RouteSet.Builder builder) {
        final int hash = raw.indexOf('#');
        final String text = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
        if (text.isEmpty()) {
            return;
        }
        final String[] words = text.split("\\s+");
        final String first = words[0];
        switch (first) {
            case "blackhole", "unreachable", "prohibit" -> {
                if (words.length < 2) {
                    throw new IllegalArgumentException("'" + first + "' needs a prefix");
                }
                final int[] p = prefix(words[1]);
                for (int i = 2; i < words.length; i++) {
                    i = skipAttribute(words, i);
                }
                final NextHop.Kind kind = first.equals("blackhole") ? NextHop.Kind.BLACKHOLE : NextHop.Kind.UNREACHABLE;
                add(builder, p, builder.nextHop(kind, 0, null));
                return;
            }
            case "local", "broadcast", "anycast", "multicast", "throw", "nat" ->
                    throw new IllegalArgumentException("route type '" + first + "' is not supported");
            default -> {
            }
        }
        if (first.indexOf(':') >= 0) {
            if (words.length == 1) {
                skippedIpv6++;
                return;
            }
            throw new IllegalArgumentException("IPv6 route not supported: " + first);
        }
        final int[] p = first.equals("default") ? new int[] {0, 0} : prefix(first);
        if (words.length == 1) {
            if (bareGateways.isEmpty()) {
                throw new IllegalArgumentException("bare prefix " + first + " but no gateways to assign");
            }
            final int h = mix(p[0] * 31 + p[1]);
            add(builder, p, builder.nextHop(NextHop.Kind.GATEWAY, bareGateways.get(Math.floorMod(h, bareGateways.size())), null));
            return;
        }
        String via = null;
        String dev = null;
        for (int i = 1; i < words.length; i++) {
            final String w = words[i];
            switch (w) {
                case "via" -> {
                    if (via != null) {
                        throw new IllegalArgumentException("'via' given twice");
                    }
                    via = value(words, ++i, "via");
                }
                case "dev" -> {
                    if (dev != null) {
                        throw new IllegalArgumentException("'dev' given twice");
                    }
                    dev = value(words, ++i, "dev");
                }
                default -> i = skipAttribute(words, i);
            }
        }
        if (via != null) {
            final int gateway = Ipv4Address.parse(via);
            add(builder, p, builder.nextHop(NextHop.Kind.GATEWAY, gateway, dev));
        } else if (dev != null) {
            add(builder, p, builder.nextHop(NextHop.Kind.CONNECTED, 0, dev));
        } else {
            throw new IllegalArgumentException("route " + first + " has neither 'via GATEWAY' nor 'dev IF'");
        }
    }

    /**
     * Skips an attribute of {@code ip route} output that does not change forwarding ({@code proto static},
     * {@code metric 10}, {@code onlink}, …) and returns the index of its last word.
     */
    private static int skipAttribute(final String[] words, final int i) {
        final String w = words[i];
        switch (w) {
            case "proto", "metric", "scope", "src", "table", "mtu", "advmss", "realm", "weight", "expires", "pref",
                 "initcwnd", "initrwnd", "tos", "dsfield" -> {
                value(words, i + 1, w);
                return i + 1;
            }
            case "onlink", "linkdown", "dead", "offload", "trap", "rt_offload", "rt_trap", "lock" -> {
                return i;
            }
            default -> throw new IllegalArgumentException("unexpected '" + w + "'");
        }
    }

    private static void add(final RouteSet.Builder builder, final int[] p, final int nextHop) {
        builder.add(p[0], p[1], nextHop);
    }

    private static String value(final String[] words, final int i, final String key) {
        if (i >= words.length) {
            throw new IllegalArgumentException("'" + key + "' needs a value");
        }
        return words[i];
    }

    /** Parses {@code A.B.C.D/LEN} (or a bare address as /32) into {address, length}. */
    static int[] prefix(final String text) {
        final int slash = text.indexOf('/');
        final int address = Ipv4Address.parse(slash < 0 ? text : text.substring(0, slash));
        int length = 32;
        if (slash >= 0) {
            final String digits = text.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 2 || !Character.isDigit(digits.charAt(0))
                    || !Character.isDigit(digits.charAt(digits.length() - 1))
                    || (digits.length() == 2 && digits.charAt(0) == '0')) {
                throw new IllegalArgumentException("bad prefix length in " + text);
            }
            length = Integer.parseInt(digits);
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("prefix length out of range 0..32 in " + text);
            }
        }
        if ((address & ~Ipv4Address.mask(length)) != 0) {
            throw new IllegalArgumentException("invalid prefix for given prefix length: " + text);
        }
        return new int[] {address, length};
    }

    private static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }
}
