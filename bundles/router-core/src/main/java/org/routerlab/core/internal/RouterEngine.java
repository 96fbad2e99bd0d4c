package org.routerlab.core.internal;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.dma.DmaStrategyFactory;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.engine.EngineControl;
import org.routerlab.api.engine.EngineState;
import org.routerlab.api.engine.PluginInfo;
import org.routerlab.api.engine.PluginKind;
import org.routerlab.api.engine.RouterCounter;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.engine.SwapRecord;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.engine.RouteUpdateResult;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteUpdate;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;
import org.routerlab.api.trace.TraceSink;
import org.routerlab.api.trace.TraceStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The forwarding engine's control plane: binds every registered plug-in (dynamic, multiple references), holds the
 * router configuration (PID {@value EngineControl#PID}), and on {@link #start} selects the plug-ins by name, opens
 * the NIC backend, builds the route table, and runs a {@link ForwardingLoop} on its own thread.
 */
@Component(service = EngineControl.class, configurationPid = EngineControl.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
public final class RouterEngine implements EngineControl {
    private static final Logger LOG = LoggerFactory.getLogger(RouterEngine.class);
    /** How long start waits for a selected plug-in that is not registered yet (bundles still starting). */
    private static final long PLUGIN_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);

    final PluginRegistry<NicBackend> nics = new PluginRegistry<>(PluginKind.NIC, NicBackend::name, NicBackend::description);
    final PluginRegistry<DmaStrategyFactory> strategies =
            new PluginRegistry<>(PluginKind.DMA, DmaStrategyFactory::name, DmaStrategyFactory::description);
    final PluginRegistry<RoutingAlgorithm> algorithms =
            new PluginRegistry<>(PluginKind.ROUTING, RoutingAlgorithm::name, RoutingAlgorithm::description);
    final PluginRegistry<TraceStore> traceStores = new PluginRegistry<>(PluginKind.TRACE, TraceStore::name, TraceStore::name);

    private volatile Map<String, String> baseConfiguration = Map.of();
    private volatile Path home = Path.of("").toAbsolutePath();
    private volatile Run current;
    /** Plug-ins taken out of service after misbehaving, by {@code kind:name}, with why; cleared when re-registered. */
    private final Map<String, String> quarantine = new ConcurrentHashMap<>();

    @Activate
    void activate(final BundleContext context, final Map<String, Object> properties) {
        final String homeProperty = context == null ? null : context.getProperty("routerlab.home");
        if (homeProperty != null && !homeProperty.isBlank()) {
            home = Path.of(homeProperty).toAbsolutePath();
        }
        modified(properties);
        LOG.info("router engine active (home {}, configuration {})", home, baseConfiguration);
    }

    @Modified
    void modified(final Map<String, Object> properties) {
        final Map<String, String> config = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (!ConfigKeys.isFrameworkKey(k) && v != null) {
                config.put(k, String.valueOf(v));
            }
        });
        final Map<String, String> previous = baseConfiguration;
        baseConfiguration = Map.copyOf(config);
        // An edited etc/routerlab.router.cfg swaps what changed in the running router (FileInstall → ConfigAdmin).
        final Run run = current;
        if (run != null && run.state() == EngineState.RUNNING) {
            for (final String key : SwapSchedule.KEYS.stream().sorted().toList()) {
                final String value = config.get(key);
                if (value != null && !value.equals(previous.get(key))) {
                    run.submit(key, value, "config");
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        final Run run = current;
        if (run != null && run.state() == EngineState.RUNNING) {
            run.loop.requestStop();
            try {
                run.finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.info("router engine stopped");
    }

    /** For tests outside OSGi: where relative paths resolve. */
    void home(final Path home) {
        this.home = home.toAbsolutePath();
    }

    // ---- plug-in references (control plane only)

    @Reference(service = NicBackend.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeNic")
    void addNic(final NicBackend backend, final ServiceReference<?> reference) {
        nics.add(backend, reference);
    }

    void removeNic(final NicBackend backend) {
        nics.remove(backend);
    }

    @Reference(service = DmaStrategyFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeStrategy")
    void addStrategy(final DmaStrategyFactory factory, final ServiceReference<?> reference) {
        strategies.add(factory, reference);
        pluginArrived("dma", strategies, factory);
    }

    void removeStrategy(final DmaStrategyFactory factory) {
        strategies.remove(factory);
        final Run run = current;
        if (run != null && run.state() == EngineState.RUNNING && run.dma.service() == factory) {
            // The active strategy's bundle is stopping: fall back without loss (its classes stay usable until refresh).
            run.submitFallback("dma", run.dma.name(), "bundle");
        }
    }

    @Reference(service = RoutingAlgorithm.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeAlgorithm")
    void addAlgorithm(final RoutingAlgorithm algorithm, final ServiceReference<?> reference) {
        algorithms.add(algorithm, reference);
        pluginArrived("routing", algorithms, algorithm);
    }

    void removeAlgorithm(final RoutingAlgorithm algorithm) {
        algorithms.remove(algorithm);
        final Run run = current;
        if (run != null && run.state() == EngineState.RUNNING && run.routing.service() == algorithm) {
            run.submitFallback("routing", run.routing.name(), "bundle");
        }
    }

    /**
     * A plug-in service appeared: a new registration lifts an earlier quarantine of its name, and if the running
     * router wanted it (its configured value) but fell back, it is swapped in.
     */
    private <T> void pluginArrived(final String kind, final PluginRegistry<T> registry, final T service) {
        final String name = registry.nameOf(service);
        if (name == null) {
            return;
        }
        quarantine.remove(kind + ":" + name);
        final Run run = current;
        if (run != null && run.state() == EngineState.RUNNING && name.equals(run.wanted(kind))
                && !name.equals(run.active(kind))) {
            run.submit(kind, name, "bundle");
        }
    }

    @Reference(service = TraceStore.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, unbind = "removeTraceStore")
    void addTraceStore(final TraceStore store, final ServiceReference<?> reference) {
        traceStores.add(store, reference);
    }

    void removeTraceStore(final TraceStore store) {
        traceStores.remove(store);
    }

    // ---- EngineControl

    /** What the current (or last) run's swap rehearsal did, as in its trace header's {@code run.rehearsal}. */
    String rehearsal() {
        final Run run = current;
        return run == null || run.header == null ? null : run.header.get("run.rehearsal");
    }

    @Override
    public EngineState state() {
        final Run run = current;
        return run == null ? EngineState.IDLE : run.state();
    }

    @Override
    public synchronized void start(final RunLimits limits, final Map<String, String> overrides) throws Exception {
        final Run previous = current;
        if (previous != null && previous.state() == EngineState.RUNNING) {
            throw new IllegalStateException("a run is in progress; stop it first");
        }
        final Map<String, String> config = new TreeMap<>(baseConfiguration);
        config.putAll(overrides);
        final RunSettings settings = RunSettings.from(config, home);
        final PluginRegistry.Entry<NicBackend> nic = select(nics, settings.nic());
        final PluginRegistry.Entry<DmaStrategyFactory> dma = select(strategies, settings.dma());
        final PluginRegistry.Entry<RoutingAlgorithm> routing = select(algorithms, settings.routing());
        final PluginRegistry.Entry<TraceStore> store = settings.traceDir() == null ? null
                : select(traceStores, settings.traceStore());

        final String scheduleText = config.getOrDefault(ConfigKeys.SCHEDULE, "").strip();
        final SwapSchedule schedule = scheduleText.isEmpty() ? SwapSchedule.empty()
                : SwapSchedule.parse(home.resolve(scheduleText).toAbsolutePath().normalize());
        refuseQuarantined("dma", dma.name());
        refuseQuarantined("routing", routing.name());
        final boolean rehearsalWanted = rehearsalWanted(config, schedule); // checked before anything is opened

        final Map<String, String> backendConfig = new TreeMap<>(config);
        if (settings.routes() != null) {
            backendConfig.put(ConfigKeys.ROUTES, settings.routes().toString());
            // Fail on a bad route file before anything is opened (ports unknown yet: bare prefixes get a dummy).
            RouteLoader.parse(settings.routes(), List.of(0x0A000002));
        }
        if (limits.maxPackets() > 0) {
            backendConfig.put(ConfigKeys.TRAFFIC_PACKETS, Long.toString(limits.maxPackets()));
        }

        final NicSession session = nic.service().open(Map.copyOf(backendConfig));
        final Run run;
        try {
            final List<NicPort> ports = session.ports();
            final List<PortInfo> infos = ports.stream().map(NicPort::info).toList();
            final RouteSet file = settings.routes() == null ? RouteSet.empty()
                    : RouteLoader.parse(settings.routes(), RouteLoader.defaultGateways(infos));
            final RouteSet routes = RouteLoader.withConnected(file, ports);
            final ResolvedNextHops hops = ResolvedNextHops.resolve(routes, ports);
            final long buildStart = System.nanoTime();
            final RouteTable table = routing.service().build(routes);
            final long buildNanos = System.nanoTime() - buildStart;
            final String rehearsal = rehearsalWanted
                    ? rehearse(config, nic, dma.name(), backendConfig, table, routes, settings.burst()) : "off";
            final DmaStrategy strategy = dma.service().create(Map.copyOf(config));
            final EngineCounters counters = new EngineCounters();
            final Map<String, String> header = header(config, settings, limits, nic, dma, routing, store, routes,
                    buildNanos);
            header.put("run.ports", String.join(",", infos.stream().map(PortInfo::name).toList()));
            // The platform actually in use, with the backend's default profile when none is configured.
            header.put("run.platform", session.platform().name());
            header.put("run.rehearsal", rehearsal);
            run = new Run(settings, Map.copyOf(config), session, counters, routes.size(), nic, dma,
                    routing, store);
            run.loop = new ForwardingLoop(session, strategy, new RoutingState(table, hops, routes), counters,
                    NoTrace.INSTANCE, settings.burst(), limits.durationNanos(), limits.maxPackets() > 0, run);
            run.header = header;
        } catch (Exception | Error e) {
            session.close();
            throw e;
        }
        current = run;
        final Thread thread = new Thread(() -> run.execute(), "routerlab-forwarding");
        thread.setDaemon(true);
        thread.start();
        try {
            run.started.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            final Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new IllegalStateException(cause);
        }
        LOG.info("forwarding started: nic={} dma={} routing={} routes={} burst={}", settings.nic(), settings.dma(),
                settings.routing(), run.routeCount, settings.burst());
        run.schedule(schedule);
    }

    @Override
    public void stop() {
        final Run run = current;
        if (run != null && run.loop != null) {
            run.loop.requestStop();
        }
    }

    @Override
    public boolean awaitFinished(final Duration timeout) throws InterruptedException {
        final Run run = current;
        return run == null || run.finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The current run's forwarding loop, or null (tests that drive the loop's swap protocol directly). */
    ForwardingLoop loop() {
        final Run run = current;
        return run == null ? null : run.loop;
    }

    @Override
    public RouterStatus status() {
        final Run run = current;
        if (run == null) {
            final Map<String, String> c = baseConfiguration;
            return new RouterStatus(EngineState.IDLE, c.getOrDefault(ConfigKeys.NIC, RunSettings.DEFAULT_NIC),
                    c.getOrDefault(ConfigKeys.DMA, RunSettings.DEFAULT_DMA),
                    c.getOrDefault(ConfigKeys.ROUTING, RunSettings.DEFAULT_ROUTING), 0, 0, 0, 0,
                    new EngineCounters().drops(), Map.of(), Map.of(), 0, 0, 0, 0, 0, -1, null, 0);
        }
        return run.status();
    }

    @Override
    public List<PluginInfo> plugins() {
        final Run run = current;
        final List<PluginInfo> list = new ArrayList<>();
        addInfos(list, nics, run == null ? null : run.nic.name());
        addInfos(list, strategies, run == null ? null : run.dma.name());
        addInfos(list, algorithms, run == null ? null : run.routing.name());
        addInfos(list, traceStores, run == null || run.store == null ? null : run.store.name());
        return list;
    }

    @Override
    public RouteUpdateResult updateRoutes(final List<RouteUpdate> updates) throws Exception {
        final Run run = runningRun();
        synchronized (run) {
            final int[] counts = new int[4];
            final RouteSet next = run.loop.routing().routes().apply(updates, counts);
            return run.publish(next, counts);
        }
    }

    @Override
    public RouteUpdateResult replaceRoutes(final Path file) throws Exception {
        return replaceRoutesOf(runningRun(), file);
    }

    private RouteUpdateResult replaceRoutesOf(final Run run, final Path file) throws Exception {
        final Path resolved = home.resolve(file).toAbsolutePath().normalize();
        synchronized (run) {
            final List<NicPort> ports = run.session.ports();
            final RouteSet parsed = RouteLoader.parse(resolved,
                    RouteLoader.defaultGateways(ports.stream().map(NicPort::info).toList()));
            final RouteSet next = RouteLoader.withConnected(parsed, ports);
            final RoutingState current = run.loop.routing();
            final int[] counts = {0, 0, 0, 0};
            counts[0] = next.size();
            counts[2] = current.routes().size();
            return run.publish(next, counts);
        }
    }

    @Override
    public SwapRecord swap(final String what, final String value) throws Exception {
        return runningRun().swap(what, value, "command");
    }

    @Override
    public RouteSet routes() {
        final Run run = current;
        return run == null || run.loop == null ? RouteSet.empty() : run.loop.routing().routes();
    }

    @Override
    public NextHop lookup(final int address) {
        final Run run = current;
        if (run == null || run.loop == null) {
            return null;
        }
        final RoutingState state = run.loop.routing();
        final int id = state.table().lookup(address);
        return id < 0 || id >= state.routes().nextHops().size() ? null : state.routes().nextHop(id);
    }

    private Run runningRun() {
        final Run run = current;
        if (run == null || run.state() != EngineState.RUNNING || run.loop == null) {
            throw new IllegalStateException("no run in progress: route updates apply to a running router");
        }
        return run;
    }

    @Override
    public Map<String, String> configuration() {
        final Run run = current;
        return run == null ? baseConfiguration : run.config;
    }

    private static <T> void addInfos(final List<PluginInfo> list, final PluginRegistry<T> registry,
            final String active) {
        for (final PluginRegistry.Entry<T> e : registry.all()) {
            list.add(new PluginInfo(registry.kind(), e.name(), e.description(), e.bundle(), e.version(),
                    e.name().equals(active)));
        }
    }

    /** The plug-in called {@code name}, waiting briefly for bundles that are still starting. */
    private static <T> PluginRegistry.Entry<T> select(final PluginRegistry<T> registry, final String name)
            throws InterruptedException {
        final long deadline = System.nanoTime() + PLUGIN_WAIT_NANOS;
        PluginRegistry.Entry<T> entry;
        while ((entry = registry.get(name)) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalArgumentException(registry.kind().key() + "=" + name + ": no such "
                        + describe(registry.kind()) + " is registered (available: "
                        + (registry.names().isEmpty() ? "none" : String.join(", ", registry.names())) + ")");
            }
            Thread.sleep(10);
        }
        return entry;
    }

    private void refuseQuarantined(final String kind, final String name) {
        final String why = quarantine.get(kind + ":" + name);
        if (why != null) {
            throw new IllegalArgumentException(kind + "=" + name + " is quarantined after it misbehaved (" + why
                    + "); reinstall or restart its bundle to lift it");
        }
    }

    private static String describe(final PluginKind kind) {
        return switch (kind) {
            case NIC -> "NIC backend";
            case DMA -> "DMA strategy";
            case ROUTING -> "routing algorithm";
            case TRACE -> "trace store";
        };
    }

    /** Whether {@code rehearse} asks for a rehearsal of this run ({@code auto}: when swaps are scheduled). */
    private static boolean rehearsalWanted(final Map<String, String> config, final SwapSchedule schedule) {
        final String mode = config.getOrDefault(ConfigKeys.REHEARSE, "auto").strip();
        return switch (mode) {
            case "on" -> true;
            case "off" -> false;
            case "auto" -> !schedule.entries().isEmpty();
            default -> throw new IllegalArgumentException(ConfigKeys.REHEARSE + "=" + mode
                    + " must be auto, on or off");
        };
    }

    /**
     * Rehearses DMA swaps on a session of its own before the clock starts, when the backend allows it (see
     * {@link SwapRehearsal} why); returns what was done, for the run's header.
     */
    private String rehearse(final Map<String, String> config, final PluginRegistry.Entry<NicBackend> nic,
            final String configured, final Map<String, String> backendConfig, final RouteTable table,
            final RouteSet routes, final int burst) throws Exception {
        if (!nic.service().selfContained()) {
            if ("on".equals(config.getOrDefault(ConfigKeys.REHEARSE, "auto").strip())) {
                LOG.warn("rehearse=on: nic={} runs on real interfaces, where a rehearsal would send real frames; "
                        + "not rehearsing", nic.name());
            }
            return "off (nic=" + nic.name() + " is not self-contained)";
        }
        final List<SwapRehearsal.Candidate> registered = new ArrayList<>();
        for (final PluginRegistry.Entry<DmaStrategyFactory> e : strategies.all()) {
            if (quarantine.containsKey("dma:" + e.name())) {
                continue;
            }
            final Map<String, String> withName = new TreeMap<>(config);
            withName.put(ConfigKeys.DMA, e.name());
            final Map<String, String> frozen = Map.copyOf(withName);
            registered.add(new SwapRehearsal.Candidate(e.name(), () -> e.service().create(frozen)));
        }
        final Map<String, String> rehearsalConfig = new TreeMap<>(backendConfig);
        rehearsalConfig.remove(ConfigKeys.TRAFFIC_PACKETS); // its traffic must not run out before it ends
        final String outcome = SwapRehearsal.rehearse(nic.service(), Map.copyOf(rehearsalConfig), table, routes,
                burst, SwapRehearsal.candidates(configured, registered), SwapRehearsal.DEFAULT_NANOS).describe();
        // The rehearsal's garbage (hundreds of strategy instances) is collected now, before the clock starts, so the
        // run begins with an empty young generation instead of a collection that stops the forwarding thread for
        // 10-20 ms at some point of it.
        System.gc();
        return outcome;
    }

    private Map<String, String> header(final Map<String, String> config, final RunSettings settings,
            final RunLimits limits, final PluginRegistry.Entry<?> nic, final PluginRegistry.Entry<?> dma,
            final PluginRegistry.Entry<?> routing, final PluginRegistry.Entry<?> store, final RouteSet routes,
            final long buildNanos) {
        final Map<String, String> header = new LinkedHashMap<>();
        config.forEach((k, v) -> header.put("config." + k, v));
        for (final PluginRegistry.Entry<?> e : new PluginRegistry.Entry<?>[] {nic, dma, routing, store}) {
            if (e != null) {
                header.put("bundle." + e.bundle(), e.version());
            }
        }
        header.put("run.started", Instant.now().toString());
        header.put("run.duration_ns", Long.toString(limits.durationNanos()));
        header.put("run.max_packets", Long.toString(limits.maxPackets()));
        header.put("run.seed", config.getOrDefault(ConfigKeys.SEED, "1"));
        header.put("run.routes", Integer.toString(routes.size()));
        header.put("run.route_build_ns", Long.toString(buildNanos));
        header.put("host.name", hostName());
        header.put("host.java", System.getProperty("java.vm.name") + " " + Runtime.version());
        header.put("host.os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        header.put("host.cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        header.put("run.nic", nic.name());
        header.put("run.dma", dma.name());
        header.put("run.routing", routing.name());
        header.put("run.profile", config.getOrDefault(ConfigKeys.PROFILE, ""));
        header.put("run.trace_level", settings.traceLevel().name().toLowerCase(java.util.Locale.ROOT));
        header.put("run.snap", Integer.toString(traceSnap(config)));
        header.put("run.counters", counterLayout());
        return header;
    }

    /** {@code trace.snap}: frame bytes kept per packet record (default 64: Ethernet, IPv4 and L4 headers). */
    static int traceSnap(final Map<String, String> config) {
        final String text = config.getOrDefault("trace.snap", "64").strip();
        try {
            final int snap = Integer.parseInt(text);
            if (snap >= 0 && snap <= org.routerlab.api.trace.PacketRecords.MAX_SNAP) {
                return snap;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("trace.snap=" + text + " must be a byte count in 0.."
                + org.routerlab.api.trace.PacketRecords.MAX_SNAP);
    }

    /** The keys of a trace counter snapshot, in array order (router counters, drops, platform counters). */
    static String counterLayout() {
        final String[] keys = new String[TraceRecorder.SNAPSHOT_SIZE];
        java.util.Arrays.fill(keys, "");
        for (final RouterCounter c : RouterCounter.values()) {
            keys[c.id()] = c.key();
        }
        for (final org.routerlab.api.engine.DropReason r : org.routerlab.api.engine.DropReason.values()) {
            keys[RouterCounter.DROPS_BASE + r.id()] = "drops." + r.key();
        }
        for (final org.routerlab.api.platform.PlatformOp op : org.routerlab.api.platform.PlatformOp.values()) {
            keys[RouterCounter.SIZE + op.id()] = "platform." + op.key();
        }
        return String.join(",", keys);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /**
     * One run: what is selected now, the loop, the swaps and the result. Route updates and swaps synchronize on it;
     * asynchronous swaps (configuration edits, bundle events, the schedule, quarantine) run on its control thread.
     * It also hears from the forwarding thread when a plug-in misbehaves.
     */
    private final class Run implements LoopListener {
        final RunSettings settings;
        volatile Map<String, String> config;
        final NicSession session;
        final EngineCounters counters;
        final int routeCount;
        final PluginRegistry.Entry<NicBackend> nic;
        volatile PluginRegistry.Entry<DmaStrategyFactory> dma;
        volatile PluginRegistry.Entry<RoutingAlgorithm> routing;
        final PluginRegistry.Entry<TraceStore> store;
        final CompletableFuture<Void> started = new CompletableFuture<>();
        final CountDownLatch finished = new CountDownLatch(1);
        final List<SwapRecord> swaps = new CopyOnWriteArrayList<>();
        final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "routerlab-control");
            t.setDaemon(true);
            return t;
        });
        volatile ForwardingLoop loop;
        Map<String, String> header;
        volatile TraceSink trace = NoTrace.INSTANCE;
        volatile String error;
        volatile boolean done;
        volatile long finalOutstanding = -1;
        volatile long finalLiveMappings = -1;
        /** The fallback entry chosen on the forwarding thread for a quarantined strategy. */
        private volatile PluginRegistry.Entry<DmaStrategyFactory> pendingFallback;

        Run(final RunSettings settings, final Map<String, String> config, final NicSession session,
                final EngineCounters counters, final int routeCount,
                final PluginRegistry.Entry<NicBackend> nic, final PluginRegistry.Entry<DmaStrategyFactory> dma,
                final PluginRegistry.Entry<RoutingAlgorithm> routing, final PluginRegistry.Entry<TraceStore> store) {
            this.settings = settings;
            this.config = config;
            this.session = session;
            this.counters = counters;
            this.routeCount = routeCount;
            this.nic = nic;
            this.dma = dma;
            this.routing = routing;
            this.store = store;
        }

        EngineState state() {
            if (!done) {
                return EngineState.RUNNING;
            }
            return error == null ? EngineState.FINISHED : EngineState.FAILED;
        }

        /** What the configuration asks for ({@code kind} = dma or routing). */
        String wanted(final String kind) {
            return baseConfiguration.getOrDefault(kind, "dma".equals(kind) ? RunSettings.DEFAULT_DMA
                    : RunSettings.DEFAULT_ROUTING);
        }

        String active(final String kind) {
            return "dma".equals(kind) ? dma.name() : routing.name();
        }

        /** The forwarding thread's body: open the trace (its appender belongs to this thread), forward, close. */
        void execute() {
            try {
                try {
                    if (store != null) {
                        trace = store.service().openSink(settings.traceDir(), settings.traceLevel(), header);
                        loop.trace(trace, Integer.parseInt(header.getOrDefault("run.snap", "0")));
                    }
                } catch (Exception | Error e) {
                    error = "trace.dir=" + settings.traceDir() + ": " + e.getMessage();
                    done = true;
                    session.close();
                    started.completeExceptionally(new IllegalArgumentException(error, e));
                    return;
                }
                started.complete(null);
                try {
                    loop.run();
                } catch (Throwable t) {
                    error = "forwarding failed: " + t;
                    LOG.error("forwarding thread failed", t);
                }
                finalOutstanding = outstanding();
                finalLiveMappings = session.platform().liveMappings();
                done = true;
                try {
                    trace.end(summary(status()));
                } finally {
                    trace.close();
                    session.close();
                    synchronized (this) {
                        loop.routing().table().close();
                    }
                }
            } finally {
                done = true;
                control.shutdownNow();
                finished.countDown();
            }
        }

        private long outstanding() {
            final ForwardingLoop l = loop;
            try {
                return l.activeStrategy().buffersOutstanding() + l.retiredOutstanding();
            } catch (RuntimeException e) {
                return -1;
            }
        }

        // ---- swaps (control plane)

        /** Performs a swap now, on the calling thread; see {@link EngineControl#swap}. */
        SwapRecord swap(final String what, final String value, final String trigger) throws Exception {
            synchronized (this) {
                if (state() != EngineState.RUNNING) {
                    throw new IllegalStateException("no run in progress: swaps apply to a running router");
                }
                final SwapRecord record = switch (what) {
                    case "dma" -> swapDma(value, trigger);
                    case "routing" -> swapRouting(value, trigger, "");
                    case "routes" -> swapRoutes(value, trigger);
                    case "profile" -> swapProfile(value, trigger);
                    default -> throw new IllegalArgumentException("cannot swap '" + what
                            + "' (swappable: dma, routing, routes, profile)");
                };
                swaps.add(record);
                if (record.ok()) {
                    LOG.info("swapped {}: {} -> {} ({}), pause {} us, lost {}", what, record.from(), record.to(),
                            trigger, record.pauseNanos() / 1000, record.packetsLost());
                } else {
                    LOG.warn("swap of {} to {} ({}) refused; {} keeps running: {}", what, value, trigger,
                            record.from(), record.message());
                }
                return record;
            }
        }

        /** Queues a swap on this run's control thread (configuration edits, bundle events). */
        void submit(final String what, final String value, final String trigger) {
            try {
                control.execute(() -> swapQuietly(what, value, trigger));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("run ended; swap of {} to {} dropped", what, value);
            }
        }

        /** Queues a swap of {@code kind} away from {@code failed} to the configured default (or any other). */
        void submitFallback(final String kind, final String failed, final String trigger) {
            final String fallback = fallbackName(kind, failed);
            if (fallback == null) {
                LOG.error("{}={} went away and no other {} plug-in is registered; it stays in use until the run "
                        + "ends", kind, failed, kind);
                return;
            }
            submit(kind, fallback, trigger);
        }

        private void swapQuietly(final String what, final String value, final String trigger) {
            try {
                swap(what, value, trigger);
            } catch (Exception e) {
                if (state() == EngineState.RUNNING) {
                    final String from = "dma".equals(what) ? dma.name() : "routing".equals(what) ? routing.name()
                            : config.getOrDefault(what, "-");
                    final SwapRecord refused = new SwapRecord(loop.sinceStartNanos(), loop.modeledNanos(), what,
                            from, value, trigger, 0, 0, false, String.valueOf(e.getMessage()));
                    swaps.add(refused);
                    LOG.warn("swap of {} to {} ({}) refused: {}", what, value, trigger, e.getMessage());
                }
            }
        }

        /** Schedules the entries of {@code schedule} relative to now (forwarding has just started). */
        void schedule(final SwapSchedule schedule) {
            for (final SwapSchedule.Entry e : schedule.entries()) {
                control.schedule(() -> swapQuietly(e.key(), e.value(), "schedule"), e.atNanos(),
                        TimeUnit.NANOSECONDS);
            }
            if (!schedule.entries().isEmpty()) {
                LOG.info("{} swaps scheduled from {}", schedule.entries().size(), schedule.file());
            }
        }

        private SwapRecord swapDma(final String name, final String trigger) throws Exception {
            refuseQuarantined("dma", name);
            final PluginRegistry.Entry<DmaStrategyFactory> entry = select(strategies, name);
            final String from = dma.name();
            final Map<String, String> next = new TreeMap<>(config);
            next.put(ConfigKeys.DMA, name);
            final DmaStrategy strategy;
            try {
                strategy = entry.service().create(Map.copyOf(next));
            } catch (RuntimeException | LinkageError e) {
                return traced(refusal("dma", from, name, trigger, name + " could not be created: " + e));
            }
            // Recorded as active by the forwarding thread when it takes over, so that a quarantine right after wins.
            return await(SwapRequest.dma(from, name, trigger, strategy, trace).onActive(() -> {
                dma = entry;
                config = Map.copyOf(next);
            }));
        }

        private SwapRecord swapRouting(final String name, final String trigger, final String note) throws Exception {
            refuseQuarantined("routing", name);
            final PluginRegistry.Entry<RoutingAlgorithm> entry = select(algorithms, name);
            final String from = routing.name();
            final RoutingState currentState = loop.routing();
            final long begin = System.nanoTime();
            final RouteTable table;
            try {
                table = entry.service().build(currentState.routes());
            } catch (RuntimeException | LinkageError e) {
                return traced(refusal("routing", from, name, trigger, note + name + " failed to build: " + e));
            }
            final long built = System.nanoTime();
            routing = entry; // before publishing: a failure of the new table must blame the new algorithm
            final RoutingState previous = loop.publish(new RoutingState(table, currentState.hops(),
                    currentState.routes()));
            loop.awaitGracePeriod();
            closeQuietly(previous.table());
            final Map<String, String> next = new TreeMap<>(config);
            next.put(ConfigKeys.ROUTING, name);
            config = Map.copyOf(next);
            return traced(new SwapRecord(loop.sinceStartNanos(), loop.modeledNanos(), "routing", from, name, trigger,
                    0, 0, true, note + "table built off the data path in " + (built - begin) / 1000 + " us"));
        }

        private SwapRecord swapRoutes(final String file, final String trigger) throws Exception {
            final String from = config.getOrDefault(ConfigKeys.ROUTES, "(connected only)");
            final RouteUpdateResult result;
            try {
                result = replaceRoutesOf(this, Path.of(file));
            } catch (Exception e) {
                return traced(refusal("routes", from, file, trigger, e.getMessage()));
            }
            final Map<String, String> next = new TreeMap<>(config);
            next.put(ConfigKeys.ROUTES, file);
            config = Map.copyOf(next);
            return traced(new SwapRecord(loop.sinceStartNanos(), loop.modeledNanos(), "routes", from, file, trigger,
                    0, 0, true, result.routes() + " routes, built in " + result.buildNanos() / 1000 + " us"));
        }

        private SwapRecord swapProfile(final String profile, final String trigger) throws Exception {
            final String from = session.platform().name();
            if (!session.canChangePlatform(ConfigKeys.PROFILE)) {
                throw new IllegalArgumentException("nic=" + nic.name() + " cannot change its profile while running");
            }
            final Map<String, String> next = new TreeMap<>(config);
            next.put(ConfigKeys.PROFILE, profile);
            // The slow part (new guest memory, tables) is prepared here, off the data path; invalid values throw.
            final NicSession.PlatformChange change = session.preparePlatformChange(ConfigKeys.PROFILE, profile);
            final DmaStrategy strategy;
            try {
                strategy = dma.service().create(Map.copyOf(next));
            } catch (RuntimeException | LinkageError e) {
                change.abandon();
                throw e;
            }
            final PluginRegistry.Entry<DmaStrategyFactory> current = dma;
            final Map<String, String> unchanged = config;
            return await(SwapRequest.platform(ConfigKeys.PROFILE, from, profile, trigger, strategy,
                    () -> current.service().create(unchanged), change, trace)
                    .onActive(() -> config = Map.copyOf(next)));
        }

        private SwapRecord refusal(final String what, final String from, final String to, final String trigger,
                final String why) {
            return new SwapRecord(loop.sinceStartNanos(), loop.modeledNanos(), what, from, to, trigger, 0, 0, false,
                    why);
        }

        /** Has the forwarding thread write {@code record} to the trace (its appender belongs to that thread). */
        private SwapRecord traced(final SwapRecord record) throws Exception {
            await(SwapRequest.record(record, trace));
            return record;
        }

        private SwapRecord await(final SwapRequest request) throws Exception {
            loop.request(request);
            try {
                return request.result().get(30, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("the forwarding thread did not reach a burst boundary in 30 s");
            }
        }

        private String fallbackName(final String kind, final String failed) {
            final PluginRegistry<?> registry = "dma".equals(kind) ? strategies : algorithms;
            final List<String> candidates = new ArrayList<>();
            candidates.add(wanted(kind));
            candidates.add("dma".equals(kind) ? RunSettings.DEFAULT_DMA : RunSettings.DEFAULT_ROUTING);
            candidates.addAll(registry.names());
            for (final String c : candidates) {
                if (!c.equals(failed) && registry.get(c) != null && !quarantine.containsKey(kind + ":" + c)) {
                    return c;
                }
            }
            return null;
        }

        // ---- LoopListener (forwarding thread)

        @Override
        public DmaStrategy fallbackStrategy(final String failed) {
            final String name = fallbackName("dma", failed);
            final PluginRegistry.Entry<DmaStrategyFactory> entry = name == null ? null : strategies.get(name);
            if (entry == null) {
                return null;
            }
            try {
                final Map<String, String> next = new TreeMap<>(config);
                next.put(ConfigKeys.DMA, name);
                final DmaStrategy s = entry.service().create(Map.copyOf(next));
                pendingFallback = entry;
                return s;
            } catch (RuntimeException | LinkageError e) {
                LOG.error("fallback DMA strategy {} could not be created", name, e);
                return null;
            }
        }

        @Override
        public void quarantined(final String what, final String name, final Throwable cause,
                final String replacement) {
            final PluginRegistry.Entry<DmaStrategyFactory> failedEntry = dma;
            final String bundle = failedEntry.name().equals(name) ? failedEntry.bundle() + " " + failedEntry.version()
                    : "?";
            quarantine.put(what + ":" + name, "bundle " + bundle + ": " + cause);
            if (replacement != null && pendingFallback != null) {
                dma = pendingFallback;
                final Map<String, String> next = new TreeMap<>(config);
                next.put(ConfigKeys.DMA, replacement);
                config = Map.copyOf(next);
            }
            final String message = "quarantined " + what + "=" + name + " (bundle " + bundle + ") after " + cause;
            final SwapRecord record = new SwapRecord(loop.sinceStartNanos(), loop.modeledNanos(), what, name,
                    replacement == null ? "-" : replacement, "quarantine", 0, 0, replacement != null, message);
            trace.swap(record.wallNanos(), record.modeledNanos(), what, name, record.to(), 0, 0,
                    (replacement != null ? "ok: " : "failed: ") + message);
            swaps.add(record);
            LOG.error("{}; {} took over", message, replacement == null ? "nothing" : replacement, cause);
        }

        @Override
        public void routingFailed(final RoutingState state, final Throwable cause) {
            final PluginRegistry.Entry<RoutingAlgorithm> failedEntry = routing;
            final String name = failedEntry.name();
            final String message = "quarantined routing=" + name + " (bundle " + failedEntry.bundle() + " "
                    + failedEntry.version() + ") after " + cause;
            quarantine.put("routing:" + name, "bundle " + failedEntry.bundle() + ": " + cause);
            LOG.error(message, cause);
            final String fallback = fallbackName("routing", name);
            if (fallback == null) {
                LOG.error("no other routing algorithm is registered: packets are dropped as plugin-error");
                return;
            }
            try {
                control.execute(() -> {
                    try {
                        synchronized (this) {
                            swaps.add(swapRouting(fallback, "quarantine", message + "; "));
                        }
                    } catch (Exception e) {
                        LOG.error("fallback routing algorithm {} failed too", fallback, e);
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("run ended before the routing fallback");
            }
        }

        /**
         * Builds a table for {@code next} off the data path, publishes it, waits out the grace period and releases
         * the replaced table. Caller holds this run's lock.
         */
        RouteUpdateResult publish(final RouteSet next, final int[] counts) throws Exception {
            final List<NicPort> ports = session.ports();
            final ResolvedNextHops hops = ResolvedNextHops.resolve(next, ports);
            final RoutingState current = loop.routing();
            final long buildStart = System.nanoTime();
            final RouteTable table = routing.service().update(current.table(), next);
            final long built = System.nanoTime();
            final RoutingState previous = loop.publish(new RoutingState(table, hops, next));
            loop.awaitGracePeriod();
            final long published = System.nanoTime();
            if (previous.table() != table) {
                closeQuietly(previous.table());
            }
            LOG.info("routes updated: +{} ~{} -{} ({} ignored), {} routes, build {} us, grace {} us", counts[0],
                    counts[1], counts[2], counts[3], next.size(), (built - buildStart) / 1000,
                    (published - built) / 1000);
            return new RouteUpdateResult(counts[0], counts[1], counts[2], counts[3], next.size(),
                    built - buildStart, published - built);
        }

        RouterStatus status() {
            final ForwardingLoop l = loop;
            final Map<String, Map<String, Long>> ports = new LinkedHashMap<>();
            for (final NicPort p : session.ports()) {
                ports.put(p.info().name(), p.counters().snapshot());
            }
            final boolean finishedRun = done;
            return new RouterStatus(state(), nic.name(), dma.name(), routing.name(),
                    counters.get(RouterCounter.PACKETS_RX), counters.get(RouterCounter.PACKETS_TX),
                    counters.get(RouterCounter.BYTES_RX), counters.get(RouterCounter.BYTES_TX), counters.drops(),
                    session.platform().counters().snapshot(), ports, l == null ? 0 : l.wallNanos(),
                    session.modeledNanos(), l == null ? routeCount : l.routing().routes().size(),
                    finishedRun ? finalOutstanding : l == null ? 0 : outstanding(),
                    finishedRun ? finalLiveMappings : -1, session.packetsOffered(), error, trace.writtenRecords(),
                    List.copyOf(swaps), platformName());
        }

        private String platformName() {
            try {
                return session.platform().name();
            } catch (RuntimeException e) {
                return null;
            }
        }

        private static Map<String, String> summary(final RouterStatus s) {
            final Map<String, String> m = new LinkedHashMap<>();
            m.put("packets_rx", Long.toString(s.packetsRx()));
            m.put("packets_tx", Long.toString(s.packetsTx()));
            s.drops().forEach((k, v) -> m.put("drops." + k, Long.toString(v)));
            s.platform().forEach((k, v) -> m.put("platform." + k, Long.toString(v)));
            m.put("wall_ns", Long.toString(s.wallNanos()));
            m.put("modeled_ns", Long.toString(s.modeledNanos()));
            m.put("buffers_outstanding", Long.toString(s.buffersOutstanding()));
            m.put("live_mappings", Long.toString(s.liveMappings()));
            m.put("packets_offered", Long.toString(s.packetsOffered()));
            m.put("swaps", Integer.toString(s.swaps().size()));
            if (s.error() != null) {
                m.put("error", s.error());
            }
            return m;
        }
    }

    private static void closeQuietly(final RouteTable table) {
        try {
            table.close();
        } catch (RuntimeException e) {
            LOG.warn("closing a replaced route table failed", e);
        }
    }
}
