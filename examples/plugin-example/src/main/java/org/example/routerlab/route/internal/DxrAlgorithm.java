package org.example.routerlab.route.internal;

import org.osgi.service.component.annotations.Component;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * Registers DXR's D16R lookup ({@link DxrTable}) as {@code routing=dxr}. Updates rebuild the table (the interface's
 * default): a build of the full Internet table takes well under a second, and the old table is never touched.
 */
@Component(service = RoutingAlgorithm.class, property = "routerlab.name=" + DxrAlgorithm.NAME)
public final class DxrAlgorithm implements RoutingAlgorithm {
    static final String NAME = "dxr";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "example plug-in: DXR D16R (Zec et al. 2012), a /16 direct table and binary search in range chunks";
    }

    @Override
    public RouteTable build(final RouteSet routes) {
        return new DxrTable(routes);
    }
}
