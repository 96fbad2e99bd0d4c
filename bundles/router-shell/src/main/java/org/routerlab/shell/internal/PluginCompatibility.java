package org.routerlab.shell.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.Version;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.resource.Namespace;
import org.osgi.resource.Requirement;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says why a plug-in bundle does not run. The framework refuses to resolve a bundle whose requirements nothing
 * satisfies — typically a plug-in built against an incompatible API version, importing
 * {@code org.routerlab.api.dma;version="[2.0,3)"} from a router that exports 1.1.0 — so none of its classes is
 * loaded and none of its services registered: it is never half-loaded. What the framework does not do is say so in
 * terms a plug-in author reads. This component does: for every installed, unresolved bundle it lists each mandatory
 * requirement no bundle provides, with the versions the router does provide, e.g.
 * <pre>
 *   plugin foo.jar refused: it requires org.routerlab.api.dma [2.0.0,3.0.0) but this router provides 1.1.0
 * </pre>
 * {@link #refused()} is computed from the framework's state when asked ({@code router plugins},
 * {@code router:plugins}); bundle events also trigger a check, debounced by {@value #SETTLE_MILLIS} ms (a plug-in
 * and a library it needs may be installed one after the other), which logs each newly refused bundle once.
 */
@Component(service = PluginCompatibility.class, immediate = true)
public final class PluginCompatibility {
    private static final Logger LOG = LoggerFactory.getLogger(PluginCompatibility.class);
    static final long SETTLE_MILLIS = 1_000;
    private static final long SERVICE_QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

    /**
     * An installed bundle the framework cannot resolve.
     *
     * @param file the last segment of the bundle's location (the jar's name in {@code plugins/})
     * @param bundle symbolic name
     * @param version bundle version
     * @param reasons one phrase per unsatisfied requirement: {@code requires X RANGE but this router provides V}
     */
    public record Refusal(String file, String bundle, String version, List<String> reasons) {
        /** {@code plugin FILE refused: it requires … but …; it requires …}. */
        public String line() {
            return "plugin " + file + " refused: it " + String.join("; it ", reasons);
        }
    }

    private static final Pattern PACKAGE = Pattern.compile("\\(" + Pattern.quote(PackageNamespace.PACKAGE_NAMESPACE)
            + "=([^)]+)\\)");
    private static final Pattern NOT_AT_LEAST = Pattern.compile("\\(!\\(version>=([^)]+)\\)\\)");
    private static final Pattern NOT_AT_MOST = Pattern.compile("\\(!\\(version<=([^)]+)\\)\\)");
    private static final Pattern AT_LEAST = Pattern.compile("\\(version>=([^)]+)\\)");
    private static final Pattern AT_MOST = Pattern.compile("\\(version<=([^)]+)\\)");
    private static final Pattern EXACTLY = Pattern.compile("\\(version=([^)]+)\\)");

    private BundleContext context;
    private BundleListener listener;
    private ServiceListener services;
    private volatile long lastServiceEvent = System.nanoTime();
    private ScheduledExecutorService settle;
    private ScheduledFuture<?> pending;
    /** Bundles already logged as refused: id → last-modified time of the revision logged. */
    private final Map<Long, Long> logged = new ConcurrentHashMap<>();

    @Activate
    void activate(final BundleContext bundleContext) {
        context = bundleContext;
        settle = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "routerlab-plugin-check");
            t.setDaemon(true);
            return t;
        });
        listener = event -> {
            switch (event.getType()) {
                case BundleEvent.INSTALLED, BundleEvent.UPDATED, BundleEvent.UNRESOLVED, BundleEvent.RESOLVED,
                        BundleEvent.UNINSTALLED -> schedule();
                default -> {
                }
            }
        };
        context.addBundleListener(listener);
        services = event -> lastServiceEvent = System.nanoTime();
        context.addServiceListener(services);
        schedule();
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(listener);
        context.removeServiceListener(services);
        settle.shutdownNow();
    }

    private synchronized void schedule() {
        if (pending != null) {
            pending.cancel(false);
        }
        pending = settle.schedule(this::logNewRefusals, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void logNewRefusals() {
        try {
            final List<Refusal> refused = refused();
            final Map<Long, Long> current = new ConcurrentHashMap<>();
            for (final Bundle b : context.getBundles()) {
                for (final Refusal r : refused) {
                    if (b.getSymbolicName() != null && b.getSymbolicName().equals(r.bundle())
                            && file(b).equals(r.file())) {
                        current.put(b.getBundleId(), b.getLastModified());
                        if (!Long.valueOf(b.getLastModified()).equals(logged.get(b.getBundleId()))) {
                            LOG.warn("{} (bundle {} {} stays installed and unresolved: none of its classes is loaded)",
                                    r.line(), r.bundle(), r.version());
                        }
                    }
                }
            }
            logged.keySet().retainAll(current.keySet());
            logged.putAll(current);
        } catch (final IllegalStateException e) {
            // The framework is stopping.
        }
    }

    /**
     * {@link #refused()} once the plug-ins in {@code plugins} have settled: FileInstall installs and starts the jars
     * there asynchronously, so a command that boots the router and lists at once ({@code router plugins}) first waits,
     * at most {@code max}, until every jar there is a bundle that is active or refused.
     */
    public List<Refusal> refusedOnceSettled(final Path plugins, final Duration max) {
        final long deadline = System.nanoTime() + max.toNanos();
        try {
            // Settled, and no service came or went for a moment: SCR registers components on a thread of its own.
            while ((!settled(plugins) || System.nanoTime() - lastServiceEvent < SERVICE_QUIET_NANOS)
                    && System.nanoTime() - deadline < 0) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return refused();
    }

    /** Whether each jar in {@code plugins} is installed and either active (resolved, for a fragment) or refused. */
    private boolean settled(final Path plugins) {
        final List<Path> jars;
        try (Stream<Path> files = Files.list(plugins)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).toList();
        } catch (final IOException e) {
            return true; // no plugins folder: nothing to wait for
        }
        final BundleContext c = context;
        final FrameworkWiring wiring = c.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        final Bundle[] bundles = c.getBundles();
        for (final Path jar : jars) {
            final String name = jar.getFileName().toString();
            boolean done = false;
            for (final Bundle b : bundles) {
                if (b.getBundleId() == 0 || !name.equals(file(b))) {
                    continue;
                }
                final BundleRevision revision = b.adapt(BundleRevision.class);
                final boolean fragment = revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
                done = b.getState() == Bundle.ACTIVE || fragment && b.getState() == Bundle.RESOLVED
                        || b.getState() == Bundle.INSTALLED && !unsatisfied(b, wiring, bundles).isEmpty();
            }
            if (!done) {
                return false;
            }
        }
        return true;
    }

    /** The installed bundles that cannot resolve, with the reasons; empty when every bundle resolves. */
    public List<Refusal> refused() {
        final BundleContext c = context;
        final FrameworkWiring wiring = c.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        final Bundle[] bundles = c.getBundles();
        final List<Refusal> refused = new ArrayList<>();
        for (final Bundle bundle : bundles) {
            if (bundle.getState() != Bundle.INSTALLED) {
                continue;
            }
            final List<String> reasons = unsatisfied(bundle, wiring, bundles);
            if (!reasons.isEmpty()) {
                refused.add(new Refusal(file(bundle), String.valueOf(bundle.getSymbolicName()),
                        bundle.getVersion().toString(), reasons));
            }
        }
        return refused;
    }

    /** The mandatory requirements of {@code bundle} that no bundle in the framework provides, as phrases. */
    static List<String> unsatisfied(final Bundle bundle, final FrameworkWiring wiring, final Bundle[] bundles) {
        final BundleRevision revision = bundle.adapt(BundleRevision.class);
        final List<String> reasons = new ArrayList<>();
        if (revision == null) {
            return reasons;
        }
        for (final Requirement requirement : revision.getRequirements(null)) {
            final Map<String, String> directives = requirement.getDirectives();
            if (Namespace.RESOLUTION_OPTIONAL.equals(directives.get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))
                    || PackageNamespace.RESOLUTION_DYNAMIC.equals(
                            directives.get(Namespace.REQUIREMENT_RESOLUTION_DIRECTIVE))) {
                continue;
            }
            final String effective = directives.get(Namespace.REQUIREMENT_EFFECTIVE_DIRECTIVE);
            if (effective != null && !Namespace.EFFECTIVE_RESOLVE.equals(effective)) {
                continue;
            }
            final Collection<BundleCapability> providers = wiring.findProviders(requirement);
            if (providers.isEmpty()) {
                reasons.add(describe(requirement, bundles));
            }
        }
        return reasons;
    }

    /** {@code requires PACKAGE RANGE but this router provides V1, V2} or {@code requires NAMESPACE FILTER}. */
    static String describe(final Requirement requirement, final Bundle[] bundles) {
        final String filter = requirement.getDirectives().getOrDefault(Namespace.REQUIREMENT_FILTER_DIRECTIVE, "");
        if (!PackageNamespace.PACKAGE_NAMESPACE.equals(requirement.getNamespace())) {
            return "requires " + requirement.getNamespace() + " " + filter + " but nothing in this router provides it";
        }
        final Matcher name = PACKAGE.matcher(filter);
        if (!name.find()) {
            return "requires the package " + filter + " but nothing in this router provides it";
        }
        final String pkg = name.group(1);
        final TreeSet<Version> provided = new TreeSet<>();
        for (final Bundle b : bundles) {
            if ((b.getState() & (Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) == 0) {
                continue;
            }
            final BundleRevision r = b.adapt(BundleRevision.class);
            if (r == null) {
                continue;
            }
            for (final BundleCapability capability : r.getDeclaredCapabilities(PackageNamespace.PACKAGE_NAMESPACE)) {
                if (pkg.equals(capability.getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                    final Object v = capability.getAttributes().get(PackageNamespace.CAPABILITY_VERSION_ATTRIBUTE);
                    provided.add(v instanceof Version version ? version : Version.emptyVersion);
                }
            }
        }
        final String wanted = "requires " + pkg + " " + range(filter);
        if (provided.isEmpty()) {
            return wanted + " but no bundle of this router exports it";
        }
        final List<String> versions = new ArrayList<>();
        provided.forEach(v -> versions.add(v.toString()));
        return wanted + " but this router provides " + String.join(", ", versions);
    }

    /**
     * The version range of a package requirement's filter as OSGi writes ranges ({@code [2.0.0,3.0.0)}, or
     * {@code 1.2.0} for "1.2.0 or later"); {@code (any version)} when the filter has none.
     */
    static String range(final String filter) {
        String rest = filter;
        String ceiling = null;
        boolean ceilingInclusive = false;
        String floor = null;
        boolean floorInclusive = true;
        Matcher m = NOT_AT_LEAST.matcher(rest);
        if (m.find()) {
            ceiling = m.group(1);
            rest = m.replaceAll("");
        }
        m = NOT_AT_MOST.matcher(rest);
        if (m.find()) {
            floor = m.group(1);
            floorInclusive = false;
            rest = m.replaceAll("");
        }
        m = EXACTLY.matcher(rest);
        if (m.find()) {
            return "[" + m.group(1) + "," + m.group(1) + "]";
        }
        m = AT_LEAST.matcher(rest);
        if (m.find()) {
            floor = m.group(1);
        }
        m = AT_MOST.matcher(rest);
        if (m.find()) {
            ceiling = m.group(1);
            ceilingInclusive = true;
        }
        if (floor == null && ceiling == null) {
            return "(any version)";
        }
        if (ceiling == null) {
            return floorInclusive ? floor : "(" + floor + ",∞)";
        }
        return (floorInclusive ? "[" : "(") + (floor == null ? "0.0.0" : floor) + "," + ceiling
                + (ceilingInclusive ? "]" : ")");
    }

    /** The last segment of a bundle's location: the jar's file name for a bundle from {@code plugins/}. */
    static String file(final Bundle bundle) {
        final String location = bundle.getLocation();
        if (location == null) {
            return String.valueOf(bundle.getSymbolicName());
        }
        final int slash = Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\'));
        return slash >= 0 && slash + 1 < location.length() ? location.substring(slash + 1) : location;
    }
}
