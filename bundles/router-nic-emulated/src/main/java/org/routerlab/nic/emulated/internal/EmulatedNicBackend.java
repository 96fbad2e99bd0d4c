package org.routerlab.nic.emulated.internal;

import org.routerlab.api.nic.PortSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * The emulated NIC backend ({@code nic=emulated}): N ports on one emulated platform, each fed by its own
 * synthetic traffic generator addressed into the configured routes. See {@code MODEL.md}.
 */
@Component(service = NicBackend.class, property = NicBackend.NAME_PROPERTY + "=emulated")
public final class EmulatedNicBackend implements NicBackend {
    @Override
    public String name() {
        return "emulated";
    }

    @Override
    public String description() {
        return "emulated NIC ports with synthetic traffic (flat platform profile)";
    }

    /** Its ports, platform and traffic are all in this process: the engine may rehearse swaps on a session of it. */
    @Override
    public boolean selfContained() {
        return true;
    }

    @Override
    public NicSession open(final Map<String, String> config) throws Exception {
        final EmulatedNicConfig c = EmulatedNicConfig.from(config);
        final List<Route> destinations = destinations(c.routes());
        final EmulatedPlatform platform = new EmulatedPlatform(c.buffers(), c.bufferSize(), c.ports().size(),
                new CostTable());
        final EmulatedNicSession.OfferBudget budget = new EmulatedNicSession.OfferBudget(c.packets());
        final List<EmulatedPort> ports = new ArrayList<>();
        final List<TrafficGenerator> generators = new ArrayList<>();
        try {
            for (int i = 0; i < c.ports().size(); i++) {
                final PortSpec spec = c.ports().get(i);
                final int address = spec.address().address();
                final int length = spec.address().prefixLength();
                final int network = address & Ipv4Address.mask(length);
                final long mac = MacAddress.locallyAdministered(address);
                final long neighbourMac = MacAddress.locallyAdministered(network | 2);
                final TrafficGenerator generator = new TrafficGenerator(c.seed(), i, c.packetSize(), c.flows(), mac,
                        neighbourMac, network, length, destinations, c.badShare(), c.unroutedShare());
                generators.add(generator);
                final PortInfo info = new PortInfo(i, spec.name(), mac, i, List.of(spec.address()));
                ports.add(new EmulatedPort(info, platform, generator, budget, c.rxRing(), c.txRing(), c.rate()));
            }
        } catch (RuntimeException e) {
            generators.forEach(TrafficGenerator::close);
            platform.close();
            throw e;
        }
        return new EmulatedNicSession(platform, ports, generators, budget);
    }

    /** Routes whose prefixes traffic is addressed into: every route of the file, blackholes included. */
    private static List<Route> destinations(final String routes) throws Exception {
        if (routes == null || routes.isBlank()) {
            return List.of();
        }
        // Bare prefixes need some gateway to parse; which one does not matter for choosing destinations.
        final RouteSet set = new RouteFileParser(List.of(Ipv4Address.parse("192.0.2.1"))).parse(Path.of(routes));
        return set.routes();
    }
}
