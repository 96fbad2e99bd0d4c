package org.routerlab.nic.ixgbevf.internal;

import static org.routerlab.api.engine.ConfigValues.booleanValue;
import static org.routerlab.api.engine.ConfigValues.doubleValue;
import static org.routerlab.api.engine.ConfigValues.intValue;
import static org.routerlab.api.engine.ConfigValues.longValue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.nic.PortSpec;

/**
 * The ixgbevf backend's settings, read and checked from the router configuration (ConfigAdmin PID
 * {@code routerlab.router}, {@code --set KEY=VALUE}). Every driver constant is a key whose default is the ixgbevf
 * 2.0 driver's value, with its source in {@code MODEL.md}. Unknown keys under {@code nic.}, {@code traffic.} and
 * {@code cost.} are rejected with the list of known ones, so a typo never passes silently.
 */
record IxgbevfConfig(List<PortSpec> ports, int packetSize, int flows, long rate, long seed, long packets,
        double badShare, double unroutedShare, String routes,
        int rxRing, int txRing, int napiWeight, int txWriteBackThreshold, int txCleanLimit,
        int buffers, int bufferSize, int bufferStride,
        CostProfile costs, boolean spin, Hypervisor.Hypercall paperHypercall, double p2mContiguity,
        long swiotlbBytes, int dmaBits, int iommuHighWater, long iommuTimeoutNanos,
        Map<String, Path> captures, Path defaultCapture, Pacer.Mode captureTiming, boolean captureLoop) {

    /** A port as given in {@code ports=NAME=ADDR/LEN,…}. */

    static final String DEFAULT_PORTS = "p0=10.0.0.1/24,p1=10.1.0.1/24";

    // ---- the ixgbevf 2.0.0-k2 driver's constants (costs.md A1)
    /** IXGBEVF_DEFAULT_RXD. */
    static final int DEFAULT_RXD = 512;
    /** IXGBEVF_DEFAULT_TXD. */
    static final int DEFAULT_TXD = 1024;
    /** netif_napi_add(..., ixgbevf_clean_rxonly, 64). */
    static final int NAPI_WEIGHT = 64;
    /** TXDCTL.WTHRESH = 8 ("encourage burst writeback"). */
    static final int TX_WTHRESH = 8;
    /** SRRCTL packet buffer for MTU ≤ 1500: IXGBEVF_RXBUFFER_2048. */
    static final int RX_BUFFER = 2048;

    static final String PCAP = "traffic.pcap";
    static final String PCAP_TIMING = "traffic.pcap.timing";
    static final String PCAP_LOOP = "traffic.pcap.loop";
    /** {@code first} (default): a capture's first frame arrives at modeled time 0; {@code absolute}: at its stamp. */
    static final String PCAP_START = "traffic.pcap.start";

    /** Every key under nic., traffic. and cost. this backend reads (cost.* parameters come from CostParameter). */
    static final Set<String> KEYS = Set.of("nic.rx.ring", "nic.tx.ring", "nic.napi.weight", "nic.tx.wthresh",
            "nic.tx.clean.limit", "nic.buffers", "nic.buffer.size", "nic.buffer.stride", "nic.paper.hypercall",
            "nic.p2m.contiguity", "nic.swiotlb.size", "nic.dma.bits", "nic.iommu.highwater", "nic.iommu.timeout.ms",
            "traffic.bad", "traffic.unrouted", ConfigKeys.TRAFFIC_PACKETS, PCAP, PCAP_TIMING, PCAP_LOOP, PCAP_START,
            CostProfile.MODE_KEY);

    static IxgbevfConfig from(final Map<String, String> config) {
        return from(config, null);
    }

    /**
     * @param home the router home, where a relative capture path is looked for when it is not found from the current
     *        folder; null for none
     */
    static IxgbevfConfig from(final Map<String, String> config, final Path home) {
        final List<PortSpec> ports = PortSpec.parseList(config.getOrDefault(ConfigKeys.PORTS, DEFAULT_PORTS));
        checkKeys(config, ports);
        final int rxRing = intValue(config, "nic.rx.ring", DEFAULT_RXD, 64, 4096);
        final int txRing = intValue(config, "nic.tx.ring", DEFAULT_TXD, 64, 4096);
        final int defaultBuffers = Integer.highestOneBit(ports.size() * (rxRing + txRing) * 2) * 2;
        final int bufferSize = intValue(config, "nic.buffer.size", RX_BUFFER, 256, 16384);
        final String mode = config.getOrDefault(CostProfile.MODE_KEY, "model").strip();
        if (!mode.equals("model") && !mode.equals("spin")) {
            throw new IllegalArgumentException(CostProfile.MODE_KEY + "=" + mode + " must be model or spin");
        }
        final Map<String, Path> captures = new LinkedHashMap<>();
        for (final PortSpec p : ports) {
            final String v = config.get(PCAP + "." + p.name());
            if (v != null && !v.isBlank()) {
                captures.put(p.name(), resolve(PCAP + "." + p.name(), v, home));
            }
        }
        final String pcap = config.get(PCAP);
        final long rate = longValue(config, ConfigKeys.RATE, 0, 0, 1_000_000_000L);
        final Pacer.Mode timing = config.containsKey(PCAP_TIMING)
                ? Pacer.Mode.parse(PCAP_TIMING, config.get(PCAP_TIMING)) : Pacer.Mode.RECORDED;
        if (timing == Pacer.Mode.RATE && rate == 0) {
            throw new IllegalArgumentException(PCAP_TIMING + "=rate needs rate > 0 (packets/s per port)");
        }
        return new IxgbevfConfig(ports,
                intValue(config, ConfigKeys.PACKET_SIZE, 64, 60, 1514),
                intValue(config, ConfigKeys.FLOWS, 1024, 1, 1 << 20),
                rate,
                longValue(config, ConfigKeys.SEED, 1, Long.MIN_VALUE, Long.MAX_VALUE),
                longValue(config, ConfigKeys.TRAFFIC_PACKETS, 0, 0, Long.MAX_VALUE),
                doubleValue(config, "traffic.bad", 0, 0, 1),
                doubleValue(config, "traffic.unrouted", 0, 0, 1),
                config.getOrDefault(ConfigKeys.ROUTES, ""),
                rxRing, txRing,
                intValue(config, "nic.napi.weight", NAPI_WEIGHT, 1, 4096),
                intValue(config, "nic.tx.wthresh", TX_WTHRESH, 1, 64),
                intValue(config, "nic.tx.clean.limit", txRing, 1, 1 << 20),
                intValue(config, "nic.buffers", defaultBuffers, 64, 1 << 22),
                bufferSize,
                intValue(config, "nic.buffer.stride", bufferSize, 256, 65536),
                CostProfile.of(config.get(ConfigKeys.PROFILE), config),
                mode.equals("spin"),
                Hypervisor.Hypercall.byKey(config.getOrDefault("nic.paper.hypercall", "grant_table_op").strip()),
                doubleValue(config, "nic.p2m.contiguity", 0, 0, 1),
                sizeValue(config, "nic.swiotlb.size", Swiotlb.DEFAULT_BYTES),
                intValue(config, "nic.dma.bits", 64, 32, 64),
                intValue(config, "nic.iommu.highwater", Iommu.DEFAULT_HIGH_WATER, 1, 65536),
                longValue(config, "nic.iommu.timeout.ms", Iommu.DEFAULT_TIMEOUT_NANOS / 1_000_000, 1, 60_000)
                        * 1_000_000L,
                Map.copyOf(captures),
                pcap == null || pcap.isBlank() ? null : resolve(PCAP, pcap, home),
                timing,
                booleanValue(config, PCAP_LOOP, false));
    }

    /** The capture port {@code name} replays, or null for synthetic traffic. */
    Path captureFor(final String port) {
        final Path p = captures.get(port);
        return p != null ? p : defaultCapture;
    }

    private static void checkKeys(final Map<String, String> config, final List<PortSpec> ports) {
        final Set<String> unknown = new TreeSet<>();
        for (final String key : config.keySet()) {
            if (key.startsWith("nic.") || key.startsWith("traffic.")) {
                if (!KEYS.contains(key) && !isPortCaptureKey(key, ports)) {
                    unknown.add(key);
                }
            } else if (key.startsWith(CostProfile.COST_PREFIX) && !key.equals(CostProfile.MODE_KEY)
                    && CostParameter.byKey(key.substring(CostProfile.COST_PREFIX.length())) == null) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            final Set<String> known = new TreeSet<>(KEYS);
            for (final CostParameter p : CostParameter.values()) {
                known.add(CostProfile.COST_PREFIX + p.key());
            }
            known.add(PCAP + ".PORT");
            throw new IllegalArgumentException("nic=ixgbevf: unknown setting" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " (known: " + String.join(", ", known) + ")");
        }
    }

    private static boolean isPortCaptureKey(final String key, final List<PortSpec> ports) {
        for (final PortSpec p : ports) {
            if (key.equals(PCAP + "." + p.name())) {
                return true;
            }
        }
        return false;
    }

    /** A capture path: as given (relative to the current folder) if it exists, else relative to the router home. */
    private static Path resolve(final String key, final String value, final Path home) {
        final Path path = Path.of(value.strip());
        if (Files.isRegularFile(path)) {
            return path;
        }
        if (!path.isAbsolute() && home != null && Files.isRegularFile(home.resolve(path))) {
            return home.resolve(path);
        }
        throw new IllegalArgumentException(key + "=" + value + ": no such file");
    }






    /** Bytes, with an optional K, M or G suffix (binary). */
    static long sizeValue(final Map<String, String> c, final String key, final long def) {
        final String v = c.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        final String s = v.strip().toUpperCase(Locale.ROOT);
        final char unit = s.charAt(s.length() - 1);
        final int shift = switch (unit) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        try {
            final long n = Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1));
            if (n < 0 || n > (1L << 30) >> shift) {
                throw new IllegalArgumentException(key + "=" + v + " must be in 0..1G");
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + v + " is not a size in bytes (K, M, G suffixes allowed)");
        }
    }
}
