package org.routerlab.trace.chronicle.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.trace.PacketRecords;

/**
 * What a sink keeps, from the run header's {@code config.trace.*} keys (the store owns the {@code trace.} keys):
 * <pre>
 * trace.ports     NAME|INDEX,...   only bursts, packets and completions of these ports (default: all)
 * trace.prefixes  CIDR,...         only packet records whose source or destination is inside one (default: all)
 * trace.events    KIND,...         bursts, packets (forwarded), drops (dropped packets), completions, counters,
 *                                  swaps (default: all that the level includes)
 * </pre>
 * The header and end records are always written. Immutable; {@link #keep} is allocation-free.
 */
final class TraceFilter {
    static final Set<String> EVENTS = Set.of("bursts", "packets", "drops", "completions", "counters", "swaps");
    /** Every key under {@code trace.} the router knows (the core reads dir, level, store and snap). */
    static final Set<String> KEYS = Set.of("trace.dir", "trace.level", "trace.store", "trace.snap", "trace.ports",
            "trace.prefixes", "trace.events");
    static final TraceFilter ALL = new TraceFilter(null, new int[0], new int[0], EVENTS);

    private final boolean[] ports;
    private final int[] prefixes;
    private final int[] lengths;
    final boolean bursts;
    final boolean packets;
    final boolean drops;
    final boolean completions;
    final boolean counters;
    final boolean swaps;

    private TraceFilter(final boolean[] ports, final int[] prefixes, final int[] lengths, final Set<String> events) {
        this.ports = ports;
        this.prefixes = prefixes;
        this.lengths = lengths;
        this.bursts = events.contains("bursts");
        this.packets = events.contains("packets");
        this.drops = events.contains("drops");
        this.completions = events.contains("completions");
        this.counters = events.contains("counters");
        this.swaps = events.contains("swaps");
    }

    /**
     * Reads the filter from a run header ({@code config.trace.*}, and {@code run.ports}: the port names in index
     * order).
     *
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    static TraceFilter from(final Map<String, String> header) {
        final Set<String> unknown = new TreeSet<>();
        for (final String key : header.keySet()) {
            if (key.startsWith("config.trace.") && !KEYS.contains(key.substring("config.".length()))) {
                unknown.add(key.substring("config.".length()));
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown trace setting " + String.join(", ", unknown) + " (known: "
                    + String.join(", ", new TreeSet<>(KEYS)) + ")");
        }
        final String portsText = header.getOrDefault("config.trace.ports", "").strip();
        final String prefixText = header.getOrDefault("config.trace.prefixes", "").strip();
        final String eventText = header.getOrDefault("config.trace.events", "").strip();
        if (portsText.isEmpty() && prefixText.isEmpty() && eventText.isEmpty()) {
            return ALL;
        }
        boolean[] ports = null;
        if (!portsText.isEmpty()) {
            final List<String> names = Arrays.asList(header.getOrDefault("run.ports", "").split(","));
            ports = new boolean[256];
            for (final String item : portsText.split(",")) {
                final String p = item.strip();
                int index = names.indexOf(p);
                if (index < 0) {
                    try {
                        index = Integer.parseInt(p);
                    } catch (NumberFormatException e) {
                        index = -1;
                    }
                }
                if (index < 0 || index > 255) {
                    throw new IllegalArgumentException("trace.ports=" + portsText + ": no port '" + p + "' (ports: "
                            + header.getOrDefault("run.ports", "?") + ")");
                }
                ports[index] = true;
            }
        }
        final List<int[]> cidrs = new ArrayList<>();
        if (!prefixText.isEmpty()) {
            for (final String item : prefixText.split(",")) {
                final String p = item.strip();
                try {
                    final int slash = p.indexOf('/');
                    final int length = slash < 0 ? 32 : Integer.parseInt(p.substring(slash + 1));
                    if (length < 0 || length > 32) {
                        throw new IllegalArgumentException("length");
                    }
                    final int address = Ipv4Address.parse(slash < 0 ? p : p.substring(0, slash));
                    cidrs.add(new int[] {address & Ipv4Address.mask(length), length});
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("trace.prefixes=" + prefixText + ": '" + p
                            + "' is not an IPv4 prefix (A.B.C.D/LEN)");
                }
            }
        }
        final Set<String> events = new TreeSet<>();
        if (eventText.isEmpty()) {
            events.addAll(EVENTS);
        } else {
            for (final String item : eventText.split(",")) {
                final String e = item.strip().toLowerCase(Locale.ROOT);
                if (!EVENTS.contains(e)) {
                    throw new IllegalArgumentException("trace.events=" + eventText + ": unknown kind '" + e
                            + "' (known: " + String.join(", ", new TreeSet<>(EVENTS)) + ")");
                }
                events.add(e);
            }
        }
        final int[] prefixes = new int[cidrs.size()];
        final int[] lengths = new int[cidrs.size()];
        for (int i = 0; i < prefixes.length; i++) {
            prefixes[i] = cidrs.get(i)[0];
            lengths[i] = cidrs.get(i)[1];
        }
        return new TraceFilter(ports, prefixes, lengths, events);
    }

    /** Whether records of port {@code port} are kept. */
    boolean port(final int port) {
        return null == ports || (port >= 0 && port < 256 && ports[port]);
    }

    /** Whether entry {@code i} of {@code records} is kept. */
    boolean keep(final PacketRecords records, final int i) {
        if (!(records.dropped(i) ? drops : packets)) {
            return false;
        }
        if (null != ports && !ports[records.ingress(i)]) {
            return false;
        }
        final int[] prefixes = this.prefixes;
        if (0 == prefixes.length) {
            return true;
        }
        final int source = records.source(i);
        final int destination = records.destination(i);
        for (int k = 0; k < prefixes.length; k++) {
            if (Ipv4Address.contains(prefixes[k], lengths[k], source)
                    || Ipv4Address.contains(prefixes[k], lengths[k], destination)) {
                return true;
            }
        }
        return false;
    }

    /** Whether every packet record is kept (no port, prefix or kind filter on packets). */
    boolean keepsAllPackets() {
        return null == ports && 0 == prefixes.length && packets && drops;
    }
}
