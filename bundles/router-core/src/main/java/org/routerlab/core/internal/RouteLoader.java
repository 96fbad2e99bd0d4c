package org.routerlab.core.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteFileException;
import org.routerlab.api.route.RouteFileParser;
import org.routerlab.api.route.RouteSet;

/**
 * Makes the route set of a run: the connected routes of the ports' addresses, then the routes of the route file
 * (a file route for a connected prefix is ignored, as the kernel keeps the connected one). Bare prefixes in the
 * file are spread over the ports' first neighbours ({@code .2} of each port subnet).
 */
final class RouteLoader {
    private RouteLoader() {
    }

    /** Parses and checks the route file before anything is opened (same parser, no ports yet). */
    static RouteSet parse(final Path file, final List<Integer> bareGateways) throws RouteFileException {
        return new RouteFileParser(bareGateways).parse(file);
    }

    /** Gateways for bare prefixes: the {@code .2} host of every port subnet given in {@code ports}. */
    static List<Integer> defaultGateways(final List<PortInfo> ports) {
        final List<Integer> gateways = new ArrayList<>();
        for (final PortInfo p : ports) {
            for (final PortInfo.InterfaceAddress a : p.addresses()) {
                if (a.prefixLength() <= 30) {
                    gateways.add((a.address() & Ipv4Address.mask(a.prefixLength())) | 2);
                }
            }
        }
        return gateways;
    }

    static RouteSet withConnected(final RouteSet file, final List<NicPort> ports) {
        final RouteSet.Builder builder = RouteSet.builder();
        for (final NicPort port : ports) {
            final PortInfo info = port.info();
            for (final PortInfo.InterfaceAddress a : info.addresses()) {
                final int prefix = a.address() & Ipv4Address.mask(a.prefixLength());
                if (!builder.contains(prefix, a.prefixLength())) {
                    builder.add(prefix, a.prefixLength(), builder.nextHop(NextHop.Kind.CONNECTED, 0, info.name()));
                }
            }
        }
        for (final Route r : file.routes()) {
            if (builder.contains(r.prefix(), r.length())) {
                continue;
            }
            final NextHop nh = file.nextHop(r.nextHop());
            builder.add(r.prefix(), r.length(), builder.nextHop(nh.kind(), nh.gateway(), nh.device()));
        }
        return builder.build();
    }
}
