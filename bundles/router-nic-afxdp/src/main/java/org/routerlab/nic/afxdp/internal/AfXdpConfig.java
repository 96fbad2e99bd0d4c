package org.routerlab.nic.afxdp.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.engine.ConfigValues;
import org.routerlab.api.nic.PortSpec;

/**
 * The settings of {@code nic=af-xdp}, read once at open. Keys (all optional but {@code ports}):
 * <pre>
 *   ports            IF=ADDR/LEN,…           the interfaces and the router's address on each
 *   nic.umem         auto | shared | per-port  auto: shared for premapped-reuse and recycle, per-port otherwise
 *   nic.xdp.mode     auto | skb | drv         auto: skb on virtual interfaces (veth), else drv, falling back to skb
 *   nic.zerocopy     auto | on | off          auto: zero-copy where the driver offers it, else copy mode
 *   nic.queue        0                        the rx/tx queue the socket binds to
 *   nic.rx.ring      4096                     rx descriptors per port (the fill ring is twice as deep)
 *   nic.tx.ring      2048                     tx descriptors per port (the completion ring is twice as deep)
 *   nic.rx.prefetch  on | off                 on: each rx burst first loads a byte of every frame, in a loop of
 *                                            independent loads, so that the cache misses on frames the kernel wrote
 *                                            on another CPU overlap instead of stalling the forwarding one by one
 *   nic.frames       2 rx + own + 512         UMEM frames (2 KiB) per port: 8960 (17.5 MiB) by default
 *   nic.own.frames   256                      frames each port keeps for ARP, ICMP and held packets
 *   nic.tx.budget    256                      XDP_MAX_TX_SKB_BUDGET (Linux 6.17+; 0 leaves the kernel's 32)
 *   nic.arp.reachable 30                     seconds a neighbour entry stays valid after an ARP from it
 *   nic.arp.hold     4                        frames held per unresolved neighbour
 *   nic.icmp.rate    100                      ICMP errors per second per port (burst as many)
 *   nic.busy.poll    off | on | auto          preferred busy polling: the forwarding thread runs the device's NAPI
 *                                            itself (io_uring NAPI busy poll) before an rx burst finds its ring
 *                                            short; auto: where the device has a NAPI, on: fail where it has none
 *   nic.busy.usec    10                       µs of busy polling per poll (io_uring); also SO_BUSY_POLL
 *   nic.busy.budget  64                       SO_BUSY_POLL_BUDGET (the socket's own busy poll: zero-copy sockets)
 *   nic.busy.defer   2                        the device's napi_defer_hard_irqs while the router runs (0: leave it)
 *   nic.busy.timeout 200000                   the device's gro_flush_timeout (ns) while the router runs (0: leave it)
 * </pre>
 */
record AfXdpConfig(List<PortSpec> ports, boolean sharedUmem, String xdpMode, XskSocket.CopyMode copyMode, int queue,
        int rxRing, int txRing, boolean rxPrefetch, int frames, int ownFrames, int txBudget,
        ControlPlane.Settings control, BusyPoll busyPoll) {

    /**
     * Preferred busy polling ({@code nic.busy.*}). {@code mode}: off, on, auto (where the device has a NAPI).
     * {@code defer} and {@code timeoutNanos} are written to the device's {@code napi_defer_hard_irqs} and
     * {@code gro_flush_timeout} (when they are 0 there) and restored at close.
     */
    record BusyPoll(String mode, int budget, int usec, int defer, long timeoutNanos) {
    }

    static final String UMEM = "nic.umem";
    static final String XDP_MODE = "nic.xdp.mode";
    static final String ZEROCOPY = "nic.zerocopy";
    static final String BUSY_POLL = "nic.busy.poll";
    static final String RX_PREFETCH = "nic.rx.prefetch";

    static AfXdpConfig from(final Map<String, String> config) {
        final String portsText = config.get(ConfigKeys.PORTS);
        if (portsText == null || portsText.isBlank()) {
            throw new IllegalArgumentException("ports= is empty: nic=af-xdp needs IFNAME=ADDR/LEN,… (e.g. "
                    + "ports=r1=10.77.1.1/24,r2=10.77.2.1/24)");
        }
        final List<PortSpec> ports = PortSpec.parseList(portsText);
        final String dma = config.getOrDefault(ConfigKeys.DMA, "per-packet");
        final String umem = choice(config, UMEM, "auto", "auto", "shared", "per-port");
        final boolean shared = switch (umem) {
            case "shared" -> true;
            case "per-port" -> false;
            default -> dma.equals("premapped-reuse") || dma.equals("recycle");
        };
        final String mode = choice(config, XDP_MODE, "auto", "auto", "skb", "drv");
        final XskSocket.CopyMode copy = switch (choice(config, ZEROCOPY, "auto", "auto", "on", "off")) {
            case "on" -> XskSocket.CopyMode.ZEROCOPY;
            case "off" -> XskSocket.CopyMode.COPY;
            default -> XskSocket.CopyMode.AUTO;
        };
        final int rxRing = powerOfTwo(config, "nic.rx.ring", 4096, 64, 16384);
        final int txRing = powerOfTwo(config, "nic.tx.ring", 2048, 64, 8192);
        final boolean prefetch = choice(config, RX_PREFETCH, "on", "on", "off").equals("on");
        final int own = ConfigValues.intValue(config, "nic.own.frames", 256, 16, 4096);
        // Enough for premapped-reuse's two rings of rx.ring buffers, the port's own frames and some slack.
        final int frames = ConfigValues.intValue(config, "nic.frames", 2 * rxRing + own + 512, 256, 1 << 20);
        if (frames % 2 != 0) {
            throw new IllegalArgumentException("nic.frames=" + frames + " must be even (UMEM regions are page aligned)");
        }
        if (frames < rxRing + own + 64) {
            throw new IllegalArgumentException("nic.frames=" + frames + " must be at least nic.rx.ring + "
                    + "nic.own.frames + 64 = " + (rxRing + own + 64));
        }
        final ControlPlane.Settings d = ControlPlane.Settings.defaults();
        final long reachable = ConfigValues.longValue(config, "nic.arp.reachable", 30, 1, 86400) * 1_000_000_000L;
        final int hold = ConfigValues.intValue(config, "nic.arp.hold", d.hold(), 0, 64);
        final int rate = ConfigValues.intValue(config, "nic.icmp.rate", d.icmpRate(), 1, 1_000_000);
        final BusyPoll busy = new BusyPoll(choice(config, BUSY_POLL, "off", "off", "on", "auto"),
                ConfigValues.intValue(config, "nic.busy.budget", 64, 1, 65535),
                ConfigValues.intValue(config, "nic.busy.usec", 10, 0, 1_000_000),
                ConfigValues.intValue(config, "nic.busy.defer", 2, 0, Integer.MAX_VALUE),
                ConfigValues.longValue(config, "nic.busy.timeout", 200_000L, 0, 1_000_000_000L));
        return new AfXdpConfig(ports, shared, mode, copy, ConfigValues.intValue(config, "nic.queue", 0, 0, 63),
                rxRing, txRing, prefetch, frames, own, ConfigValues.intValue(config, "nic.tx.budget", 256, 0, 65536),
                new ControlPlane.Settings(reachable, d.retryNanos(), d.tries(), d.failedNanos(), hold, rate, rate),
                busy);
    }

    /** UMEM bytes for all ports. */
    long umemBytes() {
        return (long) frames * ports.size() * AfXdpPlatform.FRAME_SIZE;
    }

    private static String choice(final Map<String, String> config, final String key, final String def,
            final String... allowed) {
        final String v = config.get(key);
        if (v == null || v.isBlank()) {
            return def;
        }
        final String s = v.strip().toLowerCase(Locale.ROOT);
        for (final String a : allowed) {
            if (a.equals(s)) {
                return s;
            }
        }
        throw new IllegalArgumentException(key + "=" + v + " must be one of " + String.join(", ", allowed));
    }

    private static int powerOfTwo(final Map<String, String> config, final String key, final int def, final int min,
            final int max) {
        final int v = ConfigValues.intValue(config, key, def, min, max);
        if (Integer.bitCount(v) != 1) {
            throw new IllegalArgumentException(key + "=" + v + " must be a power of two");
        }
        return v;
    }
}
