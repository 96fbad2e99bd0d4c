package org.routerlab.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleRevision;

/**
 * An embedded Apache Felix running the bundles of some features: the one way the launcher, the integration tests
 * and anyone else boot the router. Given a distribution home, feature names, a configuration folder and extra
 * framework properties, {@link #start} seeds the configuration folder from the features, starts the framework in a
 * fresh storage folder and installs and starts every bundle at its start order; {@link #close} stops it and deletes
 * the storage. Concurrent runtimes never share state. No {@code System.exit}, no console output.
 *
 * <p>Framework properties, lowest precedence first: the defaults of {@link #frameworkProperties}, then
 * {@code extra}, then JVM system properties starting with {@code org.osgi.}, {@code felix.} or {@code gosh.}.
 */
public final class OsgiRuntime implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final Framework framework;
    private final FeatureSet features;
    private final Path storage;
    private final Path etc;
    private final AtomicLong lastEvent = new AtomicLong(System.nanoTime());
    private boolean closed;

    private OsgiRuntime(final Framework framework, final FeatureSet features, final Path storage, final Path etc) {
        this.framework = framework;
        this.features = features;
        this.storage = storage;
        this.etc = etc;
    }

    /** Reads {@code features} from {@code home/features} and starts them; see {@link #start(Path, FeatureSet, Path, Map)}. */
    public static OsgiRuntime start(final Path home, final List<String> features, final Path etc,
            final Map<String, String> extra) throws LaunchException {
        checkHome(home);
        return start(home, FeatureSet.read(home.resolve("features"), home.resolve("bundles"), features), etc, extra);
    }

    /**
     * Seeds {@code etc} from the features' configurations, boots the framework and starts every bundle.
     *
     * @throws LaunchException when the configuration folder cannot be written, the framework cannot start, or a
     *         bundle does not install or start (the framework is then stopped again: nothing stays half-started)
     */
    public static OsgiRuntime start(final Path home, final FeatureSet features, final Path etc,
            final Map<String, String> extra) throws LaunchException {
        checkHome(home);
        try {
            ConfigSeeder.seed(features, etc);
        } catch (final IOException e) {
            throw new LaunchException(LaunchException.FAILURE, "cannot write configuration to " + etc + ": "
                    + FeatureSet.oneLine(e), e);
        }
        final Path storage;
        try {
            storage = Files.createTempDirectory("routerlab-felix-");
        } catch (final IOException e) {
            throw new LaunchException(LaunchException.FAILURE, "cannot create the framework storage: "
                    + FeatureSet.oneLine(e), e);
        }
        final Map<String, String> properties = frameworkProperties(home, etc, storage, features.maxStartOrder(), extra);
        final FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElse(null);
        if (factory == null) {
            deleteTree(storage);
            throw new LaunchException(LaunchException.FAILURE, "no OSGi framework on the launcher class path");
        }
        final FelixLog log = new FelixLog();
        final Map<String, Object> configuration = new LinkedHashMap<>(properties);
        configuration.put("felix.log.logger", log);
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Framework framework = factory.newFramework((Map) configuration);
        final OsgiRuntime runtime = new OsgiRuntime(framework, features, storage, etc);
        try {
            runtime.boot();
            log.quiet(false);
            return runtime;
        } catch (final LaunchException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private static void checkHome(final Path home) throws LaunchException {
        if (!Files.isDirectory(home.resolve("features")) || !Files.isDirectory(home.resolve("bundles"))) {
            throw new LaunchException(LaunchException.FAILURE, home + " is not a routerlab distribution (it needs "
                    + "features/ and bundles/; build it with ./router or mvn install)");
        }
    }

    /** The framework properties of a runtime, before JVM system-property overrides. */
    static Map<String, String> frameworkProperties(final Path home, final Path etc, final Path storage,
            final int startLevel, final Map<String, String> extra) {
        final Map<String, String> p = new LinkedHashMap<>();
        p.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        p.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        p.put(Constants.FRAMEWORK_BOOTDELEGATION, "sun.*,com.sun.*,jdk.internal.*");
        p.put(Constants.FRAMEWORK_BUNDLE_PARENT, Constants.FRAMEWORK_BUNDLE_PARENT_FRAMEWORK);
        p.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(startLevel));
        p.put("felix.startlevel.bundle", Integer.toString(startLevel));
        p.put("felix.fileinstall.dir", etc.toAbsolutePath().toString());
        p.put("felix.fileinstall.filter", ".*\\.(cfg|config)");
        p.put("felix.fileinstall.poll", "500");
        p.put("felix.fileinstall.noInitialDelay", "true");
        p.put("felix.fileinstall.enableConfigSave", "false");
        p.put("felix.fileinstall.start.level", Integer.toString(startLevel));
        p.put("gosh.args", "--nointeractive");
        p.put(CliProperties.HOME, home.toAbsolutePath().toString());
        p.putAll(extra);
        for (final String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("org.osgi.") || name.startsWith("felix.") || name.startsWith("gosh.")) {
                p.put(name, System.getProperty(name));
            }
        }
        return p;
    }

    private void boot() throws LaunchException {
        try {
            framework.init();
        } catch (final BundleException e) {
            throw new LaunchException(LaunchException.FAILURE, "the framework does not start: "
                    + FeatureSet.oneLine(e), e);
        }
        final BundleContext context = framework.getBundleContext();
        context.addBundleListener((BundleListener) event -> lastEvent.set(System.nanoTime()));
        context.addServiceListener((ServiceListener) event -> lastEvent.set(System.nanoTime()));
        final List<Bundle> installed = new ArrayList<>();
        for (final FeatureSet.BundleRef ref : features.bundles()) {
            try {
                // "reference:" makes Felix use the jar in place instead of copying it into the storage.
                final Bundle bundle = context.installBundle("reference:" + ref.file().toUri());
                bundle.adapt(BundleStartLevel.class).setStartLevel(ref.startOrder());
                installed.add(bundle);
            } catch (final BundleException | RuntimeException e) {
                throw new LaunchException(LaunchException.FAILURE, "cannot install bundle " + ref.id() + " from "
                        + ref.file() + ": " + FeatureSet.oneLine(e), e);
            }
        }
        for (final Bundle bundle : installed) {
            if (!isFragment(bundle)) {
                try {
                    bundle.start();  // the framework is at start level 0: this marks it to start at its level
                } catch (final BundleException e) {
                    throw new LaunchException(LaunchException.FAILURE, "cannot start bundle "
                            + bundle.getSymbolicName() + ": " + FeatureSet.oneLine(e), e);
                }
            }
        }
        final CountDownLatch started = new CountDownLatch(1);
        final FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            }
        };
        context.addFrameworkListener(listener);
        try {
            framework.start();
            if (!started.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LaunchException(LaunchException.FAILURE, "the framework did not reach start level "
                        + features.maxStartOrder() + " within " + START_TIMEOUT.toSeconds() + " s");
            }
        } catch (final BundleException e) {
            throw new LaunchException(LaunchException.FAILURE, "the framework does not start: "
                    + FeatureSet.oneLine(e), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.FAILURE, "interrupted while starting", e);
        } finally {
            context.removeFrameworkListener(listener);
        }
        final List<String> failures = new ArrayList<>();
        for (final Bundle bundle : installed) {
            if (!isFragment(bundle) && bundle.getState() != Bundle.ACTIVE) {
                failures.add(bundle.getSymbolicName() + " " + bundle.getVersion() + ": " + whyNotActive(bundle));
            }
        }
        if (!failures.isEmpty()) {
            throw new LaunchException(LaunchException.FAILURE, "bundles did not start: " + String.join("; ",
                    failures));
        }
    }

    private static boolean isFragment(final Bundle bundle) {
        final BundleRevision revision = bundle.adapt(BundleRevision.class);
        return revision != null && (revision.getTypes() & BundleRevision.TYPE_FRAGMENT) != 0;
    }

    /** Starting the bundle again is the way to get the resolver's or the activator's reason. */
    private static String whyNotActive(final Bundle bundle) {
        try {
            bundle.start(Bundle.START_TRANSIENT);
            return "state " + bundle.getState();
        } catch (final BundleException | RuntimeException e) {
            return FeatureSet.oneLine(e);
        }
    }

    public Framework framework() {
        return framework;
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    public FeatureSet features() {
        return features;
    }

    public Path etc() {
        return etc;
    }

    /** The framework's storage folder, deleted by {@link #close}. */
    public Path storage() {
        return storage;
    }

    /**
     * Waits until no bundle or service event has happened for {@code quiet} (FileInstall and ConfigAdmin settle
     * asynchronously after the framework has started: configurations, bundles in plugins/), at most {@code max}.
     *
     * @return whether it became quiet
     */
    public boolean awaitQuiet(final Duration quiet, final Duration max) throws InterruptedException {
        final long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            final long now = System.nanoTime();
            final long quietUntil = lastEvent.get() + quiet.toNanos();
            if (now - quietUntil >= 0) {
                return true;
            }
            if (now - deadline >= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(quietUntil - now, deadline - now) + 1);
        }
    }

    /** Symbolic names and states of the installed bundles that are not active (fragments excepted). */
    public List<String> inactiveBundles() {
        final List<String> inactive = new ArrayList<>();
        for (final Bundle bundle : context().getBundles()) {
            if (bundle.getBundleId() != 0 && !isFragment(bundle) && bundle.getState() != Bundle.ACTIVE) {
                inactive.add(bundle.getSymbolicName() + " (" + stateName(bundle.getState()) + ")");
            }
        }
        return inactive;
    }

    private static String stateName(final int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed";
            case Bundle.RESOLVED -> "resolved";
            case Bundle.STARTING -> "starting";
            case Bundle.STOPPING -> "stopping";
            case Bundle.ACTIVE -> "active";
            default -> "uninstalled";
        };
    }

    /** Whether the framework is stopped (or stopping). */
    public boolean isStopped() {
        return (framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0;
    }

    /** Waits for the framework to stop by itself (a shell's {@code exit}), at most {@code timeout}; 0 for ever. */
    public boolean awaitStop(final Duration timeout) throws InterruptedException {
        return framework.waitForStop(timeout.toMillis()).getType() != FrameworkEvent.WAIT_TIMEDOUT;
    }

    /**
     * Stops the framework (every bundle stops: the engine deactivates and ends its run) and deletes the storage.
     * Idempotent and safe from a shutdown hook.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) != 0) {
                framework.stop();
                framework.waitForStop(STOP_TIMEOUT.toMillis());
            }
        } catch (final BundleException | RuntimeException e) {
            // Best effort: the storage is deleted regardless.
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(storage);
        }
    }

    static void deleteTree(final Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (final IOException e) {
                    // Left behind in the temp folder; nothing depends on it.
                }
            });
        } catch (final IOException e) {
            // Same.
        }
    }
}
