package org.routerlab.shell.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * The {@link RoutingAlgorithm} services of the framework, by their {@value NicBackend#NAME_PROPERTY} property. A
 * plug-in may still be registering when a command starts (FileInstall installs plugins/ asynchronously), so
 * {@link #find} waits up to {@value #WAIT_MILLIS} ms for a name it does not know yet, as the engine does.
 * Algorithms are stateless factories: the service objects are got and kept for the life of the bundle context.
 */
final class ServiceAlgorithms implements RoutingAlgorithms {
    static final long WAIT_MILLIS = 3_000;

    private final BundleContext context;

    ServiceAlgorithms(final BundleContext context) {
        this.context = context;
    }

    @Override
    public RoutingAlgorithm find(final String name) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (true) {
            for (final ServiceReference<RoutingAlgorithm> reference : references()) {
                if (name.equals(String.valueOf(reference.getProperty(NicBackend.NAME_PROPERTY)))) {
                    final RoutingAlgorithm algorithm = context.getService(reference);
                    if (algorithm != null) {
                        return algorithm;
                    }
                }
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @Override
    public List<String> names() {
        final TreeSet<String> names = new TreeSet<>();
        for (final ServiceReference<RoutingAlgorithm> reference : references()) {
            final Object name = reference.getProperty(NicBackend.NAME_PROPERTY);
            if (name != null) {
                names.add(name.toString());
            }
        }
        return new ArrayList<>(names);
    }

    private Collection<ServiceReference<RoutingAlgorithm>> references() {
        try {
            return context.getServiceReferences(RoutingAlgorithm.class, null);
        } catch (final InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
