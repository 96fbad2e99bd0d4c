package org.routerlab.nic.afxdp.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.nic.PortSpec;
import org.routerlab.api.packet.MacAddress;
import org.routerlab.api.platform.DmaPlatform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opened AF_XDP backend: the UMEM memory, and per port an XSKMAP, the redirect program, an AF_XDP socket and the
 * BPF link that attaches the program. {@link #open} builds it step by step and undoes every step on failure;
 * {@link #close} detaches the programs first (closing the link fds), then closes the sockets and fds and unmaps the
 * memory. Since the programs hang on BPF links, a process that dies leaves nothing attached either.
 */
final class AfXdpSession implements NicSession {
    private static final Logger LOG = LoggerFactory.getLogger(AfXdpSession.class);

    /** The kernel objects of one port, closed in this order: link (detach), socket, program, map. */
    private static final class Attachment {
        int link = -1;
        XskSocket socket;
        int program = -1;
        int map = -1;
        Interfaces.Link iface;
        String mode;
        /** The io_uring busy-polling the device's NAPIs (nic.busy.poll), or null. */
        NapiPoller poller;
        /** Device NAPI settings changed for busy polling, restored at close. */
        final List<NapiSetting> napiSettings = new ArrayList<>();
    }

    /** A device attribute set for busy polling: its file, its value before, the value set. */
    private record NapiSetting(java.nio.file.Path file, long before, long set) {
    }

    private final AfXdpConfig config;
    private final MemorySegment memory;
    private final AfXdpPlatform platform;
    private final List<Attachment> attachments;
    private final List<NicPort> ports;
    private final List<AfXdpPort> afxdpPorts;
    private final Runnable onClose;
    /** The sysfs view the device NAPI settings were changed through (busy polling), to restore them; or null. */
    private final SysfsNet sysfs;
    private boolean released;
    private boolean memoryUnmapped;

    private AfXdpSession(final AfXdpConfig config, final MemorySegment memory, final AfXdpPlatform platform,
            final List<Attachment> attachments, final List<AfXdpPort> ports, final Runnable onClose,
            final SysfsNet sysfs) {
        this.config = config;
        this.sysfs = sysfs;
        this.memory = memory;
        this.platform = platform;
        this.attachments = attachments;
        this.afxdpPorts = List.copyOf(ports);
        this.ports = List.copyOf(ports);
        this.onClose = onClose;
    }

    static AfXdpSession open(final AfXdpConfig c, final Runnable onClose) throws Exception {
        Privileges.check(c.umemBytes());
        final List<Interfaces.Link> links = new ArrayList<>();
        for (final PortSpec p : c.ports()) {
            final Interfaces.Link link = Interfaces.lookup(p.name());
            if (!link.up()) {
                throw new IllegalArgumentException("ports: interface " + p.name() + " is down (ip link set "
                        + p.name() + " up)");
            }
            if (link.mtu() + 14 > AfXdpPlatform.FRAME_SIZE - AfXdpPlatform.RX_HEADROOM) {
                throw new IllegalArgumentException("ports: interface " + p.name() + " has MTU " + link.mtu()
                        + "; AF_XDP frames here hold at most " + (AfXdpPlatform.FRAME_SIZE
                        - AfXdpPlatform.RX_HEADROOM - 14) + " bytes of payload (ip link set " + p.name() + " mtu 1500)");
            }
            if (link.rxQueues() > 1) {
                LOG.warn("af-xdp: {} has {} rx queues; only queue {} is served (ethtool -L {} combined 1 to "
                        + "steer everything there)", p.name(), link.rxQueues(), c.queue(), p.name());
            }
            links.add(link);
        }
        final MemorySegment memory;
        try {
            memory = Native.mmap(c.umemBytes(), Native.MAP_PRIVATE | Native.MAP_ANONYMOUS | Native.MAP_POPULATE,
                    -1, 0, "mmap(UMEM, " + c.umemBytes() / (1 << 20) + " MiB)");
        } catch (NativeException e) {
            throw new IllegalArgumentException("nic.frames=" + c.frames() + ": cannot map the UMEM: "
                    + e.getMessage(), e);
        }
        final AfXdpPlatform platform = new AfXdpPlatform(memory, c.ports().size(), c.frames(), c.sharedUmem());
        final List<Attachment> attachments = new ArrayList<>();
        final List<AfXdpPort> ports = new ArrayList<>();
        final SysfsNet sysfs = c.busyPoll().mode().equals("off") ? null : SysfsNet.open();
        try {
            for (int i = 0; i < c.ports().size(); i++) {
                final PortSpec spec = c.ports().get(i);
                final Interfaces.Link link = links.get(i);
                final Attachment a = new Attachment();
                a.iface = link;
                attachments.add(a);
                try {
                    a.map = Bpf.createXskMap(64);
                    a.program = Bpf.loadRedirect(a.map);
                } catch (NativeException e) {
                    throw e.isPermission() ? Privileges.denied("loading the XDP program", "CAP_BPF", e) : e;
                }
                final boolean owner = !c.sharedUmem() || i == 0;
                try {
                    a.socket = XskSocket.open(new XskSocket.Settings(link.name(), link.ifindex(), c.queue(),
                            owner ? platform.umem(i) : null, AfXdpPlatform.FRAME_SIZE,
                            owner ? -1 : attachments.get(0).socket.fd, 2 * c.rxRing(), 2 * c.txRing(), c.rxRing(),
                            c.txRing(), c.copyMode(), c.txBudget()));
                } catch (NativeException e) {
                    if (e.isPermission()) {
                        throw Privileges.denied("creating the AF_XDP socket", "CAP_NET_RAW", e);
                    }
                    if (e.errno() == Native.ENOBUFS || e.errno() == Native.ENOMEM) {
                        throw new Privileges.Missing("nic=af-xdp: registering the UMEM failed (" + e.getMessage()
                                + "): it is charged to RLIMIT_MEMLOCK without CAP_IPC_LOCK; lower nic.frames or "
                                + Privileges.HOW);
                    }
                    if (e.errno() == Native.EBUSY) {
                        throw new IllegalArgumentException("ports: " + link.name() + " queue " + c.queue()
                                + " already has an AF_XDP socket (another router running?): " + e.getMessage(), e);
                    }
                    throw e;
                }
                Bpf.update(a.map, c.queue(), a.socket.fd);
                attach(a, c.xdpMode(), link);
                if (!c.busyPoll().mode().equals("off")) {
                    a.poller = busyPoll(a, c.busyPoll(), sysfs);
                }
                final PortInfo info = new PortInfo(i, spec.name(), link.mac(), i, List.of(spec.address()));
                ports.add(new AfXdpPort(info, a.socket, platform, c.rxRing(), c.ownFrames(), a.map, c.queue(),
                        c.control(), a.poller, c.rxPrefetch()));
                LOG.info("af-xdp: {} (ifindex {}, {}) {}: XDP {} mode through a BPF link, AF_XDP {}, {} UMEM of {} "
                        + "frames, rings rx {} fill {} tx {} completion {}", link.name(), link.ifindex(),
                        MacAddress.format(link.mac()), spec.address().address() == 0 ? "" : "address "
                        + org.routerlab.api.packet.Ipv4Address.format(spec.address().address()) + "/"
                        + spec.address().prefixLength(), a.mode, a.socket.bindNote,
                        c.sharedUmem() ? "shared" : "own", platform.umemFrames(i), c.rxRing(), 2 * c.rxRing(),
                        c.txRing(), 2 * c.txRing());
            }
        } catch (Exception | Error e) {
            release(attachments, memory, sysfs);
            throw e;
        }
        return new AfXdpSession(c, memory, platform, attachments, ports, onClose, sysfs);
    }

    /**
     * Preferred busy polling for one port: an io_uring ({@link NapiPoller}) that busy-polls the device's NAPIs
     * from the forwarding thread, the socket's own busy-poll options (what the kernel uses for zero-copy sockets;
     * read back into the log), and the device's NAPI deferral ({@code napi_defer_hard_irqs},
     * {@code gro_flush_timeout}: set where they are 0, restored at close), so that while the forwarding thread keeps
     * polling, the kernel does not schedule that NAPI itself (softirq or kthread); should the thread stop polling
     * for longer than the timeout, the kernel takes over again. Returns null when the device has no NAPI to poll
     * (mode auto; with on that is an error).
     */
    private static NapiPoller busyPoll(final Attachment a, final AfXdpConfig.BusyPoll b, final SysfsNet sysfs)
            throws NativeException {
        final String name = a.iface.name();
        final int[] ids;
        try {
            ids = NapiPoller.napiIds(a.iface.ifindex());
        } catch (NativeException e) {
            if (b.mode().equals("on")) {
                throw new IllegalArgumentException("nic.busy.poll=on: cannot list the NAPIs of " + name
                        + " (netdev netlink napi-get, Linux 6.9+): " + e.getMessage(), e);
            }
            LOG.info("af-xdp: {}: no busy polling: cannot list its NAPIs: {}", name, e.getMessage());
            return null;
        }
        if (ids.length == 0) {
            if (b.mode().equals("on")) {
                throw new IllegalArgumentException("nic.busy.poll=on: " + name + " has no NAPI to busy-poll (a veth "
                        + "has one with native XDP or with GRO on: nic.xdp.mode=drv, or ethtool -K " + name
                        + " gro on)");
            }
            LOG.info("af-xdp: {}: no busy polling: the device has no NAPI (nic.busy.poll=auto)", name);
            return null;
        }
        try {
            a.socket.preferBusyPoll(b.usec(), b.budget());
        } catch (NativeException e) {
            if (e.isPermission()) {
                throw Privileges.denied("setting SO_PREFER_BUSY_POLL on " + name, "CAP_NET_ADMIN", e);
            }
            throw e;
        }
        final NapiPoller poller;
        try {
            poller = NapiPoller.open(ids, b.usec());
        } catch (NativeException e) {
            if (b.mode().equals("on")) {
                throw new IllegalArgumentException("nic.busy.poll=on: io_uring NAPI busy polling unavailable for "
                        + name + " (Linux 6.13+, kernel.io_uring_disabled=0): " + e.getMessage(), e);
            }
            LOG.info("af-xdp: {}: no busy polling: io_uring NAPI busy poll unavailable: {}", name, e.getMessage());
            return null;
        }
        final MemorySegment cs = Native.state();
        final StringBuilder log = new StringBuilder("NAPI ").append(java.util.Arrays.toString(ids))
                .append(" polled through io_uring for ").append(b.usec()).append(" us a burst; socket: SO_BUSY_POLL ")
                .append(a.socket.socketOption(Native.SO_BUSY_POLL, cs)).append(" us, SO_PREFER_BUSY_POLL ")
                .append(a.socket.socketOption(Native.SO_PREFER_BUSY_POLL, cs)).append(", SO_BUSY_POLL_BUDGET ")
                .append(b.budget()).append(", SO_INCOMING_NAPI_ID ").append(a.socket.napiId(cs));
        napiSetting(a, sysfs, "napi_defer_hard_irqs", b.defer(), log);
        napiSetting(a, sysfs, "gro_flush_timeout", b.timeoutNanos(), log);
        LOG.info("af-xdp: {}: preferred busy polling: {}", name, log);
        return poller;
    }

    private static void napiSetting(final Attachment a, final SysfsNet sysfs, final String attribute,
            final long value, final StringBuilder log) {
        if (value == 0) {
            return;
        }
        final java.nio.file.Path file = sysfs.attribute(a.iface.name(), a.iface.ifindex(), attribute);
        if (file == null) {
            log.append(", ").append(attribute).append(" not set (cannot see ").append(a.iface.name())
                    .append(" in sysfs)");
            return;
        }
        try {
            final long before = SysfsNet.read(file);
            if (before != 0) {
                log.append(", ").append(attribute).append(' ').append(before).append(" (left as it was)");
                return;
            }
            SysfsNet.write(file, value);
            a.napiSettings.add(new NapiSetting(file, before, value));
            log.append(", ").append(attribute).append(" 0 -> ").append(value).append(" (until close)");
        } catch (java.io.IOException | NumberFormatException e) {
            log.append(", ").append(attribute).append(" not set (").append(e).append(')');
        }
    }

    private static void attach(final Attachment a, final String mode, final Interfaces.Link link)
            throws NativeException {
        final boolean tryDriver = mode.equals("drv") || (mode.equals("auto") && !link.virtual());
        if (tryDriver) {
            try {
                a.link = Bpf.attachXdp(a.program, link.ifindex(), Bpf.XDP_FLAGS_DRV_MODE);
                a.mode = "drv (native)";
                return;
            } catch (NativeException e) {
                if (e.isPermission()) {
                    throw Privileges.denied("attaching the XDP program to " + link.name(), "CAP_NET_ADMIN", e);
                }
                if (mode.equals("drv")) {
                    throw e;
                }
                LOG.info("af-xdp: {}: native XDP refused ({}), using generic (skb) mode", link.name(), e.getMessage());
            }
        }
        try {
            a.link = Bpf.attachXdp(a.program, link.ifindex(), Bpf.XDP_FLAGS_SKB_MODE);
        } catch (NativeException e) {
            if (e.isPermission()) {
                throw Privileges.denied("attaching the XDP program to " + link.name(), "CAP_NET_ADMIN", e);
            }
            if (e.errno() == Native.EBUSY || e.errno() == 17) {
                throw new IllegalArgumentException("ports: " + link.name() + " already has an XDP program attached "
                        + "(ip link show " + link.name() + "; ip link set " + link.name() + " xdp off): "
                        + e.getMessage(), e);
            }
            throw e;
        }
        a.mode = link.virtual() && mode.equals("auto") ? "skb (generic; auto on a virtual device)" : "skb (generic)";
    }

    private static void release(final List<Attachment> attachments, final MemorySegment memory,
            final SysfsNet sysfs) {
        for (final Attachment a : attachments) {
            Native.close(a.link);
            a.link = -1;
        }
        for (final Attachment a : attachments) {
            if (a.poller != null) {
                a.poller.close();
                a.poller = null;
            }
            for (final NapiSetting n : a.napiSettings) {
                try {
                    if (SysfsNet.read(n.file()) == n.set()) { // unless someone changed it since
                        SysfsNet.write(n.file(), n.before());
                    }
                } catch (java.io.IOException | NumberFormatException e) {
                    LOG.warn("af-xdp: {}: could not restore {}: {}", a.iface.name(), n.file(), e.toString());
                }
            }
            a.napiSettings.clear();
        }
        if (sysfs != null) {
            sysfs.close();
        }
        for (int i = attachments.size() - 1; i >= 0; i--) {
            final Attachment a = attachments.get(i);
            if (a.socket != null) {
                a.socket.close();
                a.socket = null;
            }
            Native.close(a.program);
            Native.close(a.map);
            a.program = -1;
            a.map = -1;
        }
        if (memory != null) {
            Native.munmap(memory);
        }
    }

    @Override
    public List<NicPort> ports() {
        return ports;
    }

    @Override
    public DmaPlatform platform() {
        return platform;
    }

    @Override
    public long modeledNanos() {
        return 0;
    }

    /** The interface names and attach modes (tests, logs). */
    List<String> describe() {
        final List<String> out = new ArrayList<>();
        for (final Attachment a : attachments) {
            out.add(a.iface.name() + ": " + a.mode + ", " + (a.socket == null ? "closed" : a.socket.bindNote));
        }
        return out;
    }

    List<AfXdpPort> afxdpPorts() {
        return afxdpPorts;
    }

    AfXdpConfig config() {
        return config;
    }

    @Override
    public void close() {
        close(true);
    }

    /**
     * Releases everything. {@code owner} is true when called by whoever drove the ports (the forwarding thread
     * after its last cycle, or the control plane when the run never started); false from the bundle's deactivation
     * while a run may still be forwarding: then the ports are stopped first (the forwarding thread acknowledges at
     * its next rx burst), the programs detached and the sockets closed, but the UMEM stays mapped — the engine may
     * still read frames it holds — until the owner's close (or the process's exit) unmaps it.
     */
    synchronized void close(final boolean owner) {
        if (!released) {
            released = true;
            boolean quiet = true;
            for (final AfXdpPort p : afxdpPorts) {
                if (!owner) {
                    quiet &= p.stopFromOutside(1_000_000_000L);
                }
            }
            for (final AfXdpPort p : afxdpPorts) {
                try {
                    if (owner) {
                        p.quiesce();
                    }
                    if (quiet) {
                        p.readStatistics();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("af-xdp: {}: final statistics failed: {}", p.info().name(), e.toString());
                }
                LOG.info("af-xdp: {} closed: {} {}", p.info().name(), p.counters().snapshot(), p.control().snapshot());
            }
            release(attachments, owner ? memory : null, sysfs);
            if (owner) {
                memoryUnmapped = true;
            } else {
                LOG.info("af-xdp: session closed from outside its forwarding thread: programs detached, sockets "
                        + "closed; the UMEM is unmapped when the run ends");
            }
            onClose.run();
        } else if (owner && !memoryUnmapped) {
            memoryUnmapped = true;
            Native.munmap(memory);
        }
    }
}
