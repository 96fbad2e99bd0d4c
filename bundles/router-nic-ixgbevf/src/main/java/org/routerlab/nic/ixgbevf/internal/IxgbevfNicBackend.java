package org.routerlab.nic.ixgbevf.internal;

import org.routerlab.api.nic.PortSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.packet.MacAddress;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteFileParser;
import org.routerlab.api.route.RouteSet;

/**
 * The ixgbevf backend ({@code nic=ixgbevf}): Intel 82599 SR-IOV virtual functions driven by the ixgbevf 2.0 driver
 * in a modeled guest, one VF per port, on a platform of the selected cost profile ({@code profile=}), fed by the
 * synthetic generator or a capture replay. See {@code MODEL.md}.
 */
@Component(service = NicBackend.class, property = NicBackend.NAME_PROPERTY + "=" + IxgbevfNicBackend.NAME)
public final class IxgbevfNicBackend implements NicBackend {
    static final String NAME = "ixgbevf";

    /** The router home (framework property {@code routerlab.home}): where relative capture paths are also looked for. */
    private volatile Path home;

    @Activate
    void activate(final BundleContext context) {
        final String property = context == null ? null : context.getProperty("routerlab.home");
        home = property == null || property.isBlank() ? null : Path.of(property);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "82599 VF + ixgbevf 2.0 driver in a modeled guest; profiles paper, xen-pv (default), iommu-strict, "
                + "iommu-lazy, kvm-viommu, none";
    }

    /** Its ports, platform and traffic are all in this process: the engine may rehearse swaps on a session of it. */
    @Override
    public boolean selfContained() {
        return true;
    }

    @Override
    public NicSession open(final Map<String, String> config) throws Exception {
        final IxgbevfConfig c = IxgbevfConfig.from(config, home);
        final String start = config.getOrDefault(IxgbevfConfig.PCAP_START, "first").strip();
        if (!start.equals("first") && !start.equals("absolute")) {
            throw new IllegalArgumentException(IxgbevfConfig.PCAP_START + "=" + start + " must be first or absolute");
        }
        final List<Route> destinations = destinations(c.routes());
        final int devices = c.ports().size();
        final int ringDescriptorBytes = 16; // union ixgbe_adv_rx_desc / tx_desc
        final int[] ringPages = {
            Math.max(1, c.rxRing() * ringDescriptorBytes / 4096), Math.max(1, c.txRing() * ringDescriptorBytes / 4096)};
        final XenPvPlatform platform = new XenPvPlatform(new XenPvPlatform.Settings(c.buffers(), c.bufferSize(),
                c.bufferStride(), devices, c.costs(), c.p2mContiguity(), c.seed(), c.swiotlbBytes(), c.dmaBits(),
                c.iommuHighWater(), c.iommuTimeoutNanos(), c.paperHypercall(), c.spin(), ringPages), devices);
        final OfferBudget budget = new OfferBudget(c.packets());
        final List<IxgbevfPort> ports = new ArrayList<>();
        final List<TrafficSource> sources = new ArrayList<>();
        final Map<Path, PcapCapture> captures = new HashMap<>();
        try {
            for (int i = 0; i < devices; i++) {
                final PortSpec spec = c.ports().get(i);
                final int address = spec.address().address();
                final int length = spec.address().prefixLength();
                final int network = address & Ipv4Address.mask(length);
                final long mac = MacAddress.locallyAdministered(address);
                final long neighbourMac = MacAddress.locallyAdministered(network | 2);
                final Path capturePath = c.captureFor(spec.name());
                final TrafficSource source;
                final Pacer pacer;
                if (capturePath == null) {
                    source = new SyntheticTraffic(c.seed(), i, c.packetSize(), c.flows(), mac, neighbourMac, network,
                            length, destinations, c.badShare(), c.unroutedShare());
                    pacer = new Pacer(c.rate() == 0 ? Pacer.Mode.ASAP : Pacer.Mode.RATE, c.rate());
                } else {
                    PcapCapture capture = captures.get(capturePath);
                    final boolean owner = capture == null;
                    if (capture == null) {
                        capture = PcapCapture.open(capturePath, c.bufferSize());
                        captures.put(capturePath, capture);
                    }
                    source = new CaptureReplay(capture, c.captureLoop(), owner,
                            start.equals("absolute") ? capture.firstTime() : 0);
                    pacer = new Pacer(c.captureTiming(), c.rate());
                }
                sources.add(source);
                final PortInfo info = new PortInfo(i, spec.name(), mac, i, List.of(spec.address()));
                ports.add(new IxgbevfPort(info, platform, source, pacer, budget, c.rxRing(), c.txRing(),
                        c.napiWeight(), c.txWriteBackThreshold(), c.txCleanLimit()));
            }
        } catch (Exception | Error e) {
            sources.forEach(TrafficSource::close);
            platform.close();
            throw e;
        }
        return new IxgbevfSession(platform, ports, sources, budget);
    }

    /** Routes whose prefixes synthetic traffic is addressed into: every route of the file, blackholes included. */
    private static List<Route> destinations(final String routes) throws Exception {
        if (routes == null || routes.isBlank()) {
            return List.of();
        }
        // Bare prefixes need some gateway to parse; which one does not matter for choosing destinations.
        final RouteSet set = new RouteFileParser(List.of(Ipv4Address.parse("192.0.2.1"))).parse(Path.of(routes));
        return set.routes();
    }
}
