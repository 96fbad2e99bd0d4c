package org.routerlab.core.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.routerlab.api.dma.DmaStrategy;
import org.routerlab.api.engine.SwapRecord;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a run's clock starts, forwards for a fraction of a second on a session of its own from the same
 * {@linkplain NicBackend#selfContained() self-contained} backend, swapping DMA strategies back and forth all the while,
 * then closes that session. Nothing of the real run is touched: its session, counters, trace and swap list.
 *
 * <p>Why: the JIT compiles the forwarding loop, the strategies and the backend's device model from what they did so
 * far. Without a rehearsal a run's first swaps bring code no profile has seen: branches only a swap takes
 * ({@code unstable_if} traps in {@code cycle}, in the platform's permission checks, in {@link OwnerRuns}), strategy
 * methods never run before. Each such first time deoptimizes compiled code, which then runs interpreted until it is
 * compiled again, and under wall-paced traffic the rings overrun meanwhile: the frames the engine attributed to the
 * first one or two seconds of swapping. Profiles belong to the code, not to an instance, so code warmed here is
 * warm in the real run. A backend whose ports are real interfaces is never rehearsed on (it would send real frames).
 */
final class SwapRehearsal {
    private static final Logger LOG = LoggerFactory.getLogger(SwapRehearsal.class);
    /** How long the rehearsal forwards at least: long enough for the hot methods to reach C2 with swaps in their profile. */
    static final long DEFAULT_NANOS = 600_000_000L;
    /**
     * How many swaps it makes at least (time allowing, {@link #MAX_NANOS}): more than the 200 calls after which
     * HotSpot compiles a method with profiling (tier 3), so that the swap's own steps are compiled code, not
     * interpreted, in the run's first swaps. A cold JVM makes about 80 swaps in the first 600 ms.
     */
    static final int MIN_SWAPS = 256;
    /** The longest a rehearsal takes, whatever it has done. */
    static final long MAX_NANOS = 3_000_000_000L;
    /** Forwarding between two swaps, so each strategy's own code runs hot. */
    private static final long DWELL_NANOS = 1_000_000L;
    /** Counter snapshots in the rehearsal (of counters nobody reads). */
    private static final long SNAPSHOT_NANOS = 5_000_000L;
    /** A swap that takes longer than this ends the rehearsal (the real run still starts). */
    private static final long SWAP_TIMEOUT_NANOS = 5_000_000_000L;

    /** One strategy to rehearse: its name and how to make an instance. */
    record Candidate(String name, Supplier<DmaStrategy> factory) {
    }

    /** What a rehearsal did, for the log and the run's header. */
    record Outcome(int swaps, int strategies, long nanos, long packets, String problem) {
        String describe() {
            return swaps + " swaps among " + strategies + " strategies, " + packets + " packets, "
                    + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms" + (problem.isEmpty() ? "" : "; " + problem);
        }
    }

    private SwapRehearsal() {
    }

    /**
     * Rehearses on a fresh session of {@code backend} opened with {@code config}, routing with {@code table}
     * (shared, read-only; not closed here).
     *
     * @param candidates the first is attached at start; the rest are swapped in turn, over and over
     * @throws Exception only when the backend cannot open the session (the same configuration will fail the run)
     */
    static Outcome rehearse(final NicBackend backend, final Map<String, String> config, final RouteTable table,
            final RouteSet routes, final int burst, final List<Candidate> candidates, final long nanos)
            throws Exception {
        final long begin = System.nanoTime();
        final NicSession session = backend.open(config);
        final EngineCounters counters = new EngineCounters();
        final ForwardingLoop loop;
        try {
            final RoutingState state = new RoutingState(table, ResolvedNextHops.resolve(routes, session.ports()),
                    routes);
            // A generous limit, in case the control side below never gets to stop it.
            loop = new ForwardingLoop(session, candidates.get(0).factory().get(), state, counters,
                    NoTrace.INSTANCE, burst, Math.max(nanos, MAX_NANOS) + SWAP_TIMEOUT_NANOS, false);
        } catch (Exception | Error e) {
            session.close();
            throw e;
        }
        // The real run snapshots its counters every second: take that branch here too, or its first snapshot
        // would find it compiled as a trap.
        loop.snapshotEvery(SNAPSHOT_NANOS);
        final Throwable[] failure = new Throwable[1];
        final Thread thread = new Thread(() -> {
            try {
                loop.run();
            } catch (Throwable t) {
                failure[0] = t;
            }
        }, "routerlab-rehearsal");
        thread.setDaemon(true);
        int swaps = 0;
        final List<String> problems = new ArrayList<>();
        final List<Candidate> rotation = new ArrayList<>(candidates);
        try {
            thread.start();
            final long end = begin + nanos;
            final long latest = begin + Math.max(nanos, MAX_NANOS);
            int next = 1 % rotation.size();
            String from = rotation.get(0).name();
            while (thread.isAlive()) {
                final long now = System.nanoTime();
                if (now >= latest || (now >= end && swaps >= MIN_SWAPS)) {
                    break;
                }
                TimeUnit.NANOSECONDS.sleep(DWELL_NANOS);
                final Candidate c = rotation.get(next);
                SwapRecord record;
                try {
                    final SwapRequest request = SwapRequest.dma(from, c.name(), "rehearsal", c.factory().get(),
                            NoTrace.INSTANCE);
                    loop.request(request);
                    record = request.result().get(SWAP_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
                } catch (RuntimeException | LinkageError e) {
                    record = null;
                    problems.add(c.name() + ": " + e);
                }
                if (record != null && !record.ok()) {
                    problems.add(c.name() + ": " + record.message());
                }
                if (record == null || !record.ok()) {
                    // A strategy that cannot run here (e.g. too few buffers) is left out; the others go on.
                    rotation.remove(c);
                    if (rotation.isEmpty()) {
                        break;
                    }
                    next %= rotation.size();
                    continue;
                }
                swaps++;
                from = c.name();
                next = (next + 1) % rotation.size();
            }
        } catch (java.util.concurrent.TimeoutException e) {
            problems.add("a swap took longer than " + TimeUnit.NANOSECONDS.toSeconds(SWAP_TIMEOUT_NANOS) + " s");
        } catch (java.util.concurrent.ExecutionException e) {
            problems.add("a swap failed: " + e.getCause());
        } finally {
            loop.requestStop();
            thread.join(TimeUnit.NANOSECONDS.toMillis(SWAP_TIMEOUT_NANOS));
            if (thread.isAlive()) {
                // A plug-in's code does not return: leave that thread and its session behind (a daemon, emulated
                // memory) rather than hang the router's start.
                problems.add("the rehearsal loop did not stop within "
                        + TimeUnit.NANOSECONDS.toSeconds(SWAP_TIMEOUT_NANOS) + " s; left behind");
            } else {
                session.close();
            }
        }
        String problem = String.join("; ", problems);
        if (failure[0] != null) {
            problem = (problem.isEmpty() ? "" : problem + "; ") + "the rehearsal loop failed: " + failure[0];
        }
        final Outcome outcome = new Outcome(swaps, candidates.size(), System.nanoTime() - begin,
                counters.get(org.routerlab.api.engine.RouterCounter.PACKETS_RX), problem);
        if (!problem.isEmpty()) {
            LOG.warn("swap rehearsal: {}", outcome.describe());
        } else {
            LOG.info("swap rehearsal: {}", outcome.describe());
        }
        return outcome;
    }

    /** The configured strategy first, then every other registered one (each at most once). */
    static List<Candidate> candidates(final String configured, final List<Candidate> registered) {
        final List<Candidate> list = new ArrayList<>();
        for (final Candidate c : registered) {
            if (c.name().equals(configured)) {
                list.add(0, c);
            } else {
                list.add(c);
            }
        }
        return list;
    }
}
