package org.routerlab.nic.ixgbevf.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.routerlab.api.engine.ConfigKeys;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.api.platform.PlatformCounters;
import org.routerlab.api.platform.PlatformOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opened ixgbevf backend: the VFs, their traffic sources and the shared guest platform. On close it checks what
 * the run left behind — buffers neither in a ring nor free (leaked), DMA faults — and logs it, then releases the
 * memory. The cost profile can be swapped while running: prepared off the data path ({@link
 * #preparePlatformChange}), committed by the forwarding thread in tens of microseconds.
 */
final class IxgbevfSession implements NicSession {
    private static final Logger LOG = LoggerFactory.getLogger(IxgbevfSession.class);

    /** Replaced by a profile swap (forwarding thread); read by status readers on other threads. */
    private volatile XenPvPlatform platform;
    private final List<IxgbevfPort> ports;
    private final List<TrafficSource> sources;
    private final OfferBudget budget;
    private long leaked = -1;
    private boolean closed;
    /** Prepared platform changes neither committed nor abandoned (abandoned at close). Guarded by this. */
    private final Set<Change> outstanding = new HashSet<>();
    /**
     * Committed changes whose old platform strategies may still be releasing (until {@link Change#oldPlatformRetired};
     * the rest at close). Forwarding thread.
     */
    private final List<Change> retiringOld = new ArrayList<>(16);
    /** Started by the first prepared change; written under this. */
    private volatile Releaser releaser;
    /** Releases no longer wait for the data path to resume (closing, or a test waiting for them). */
    private volatile boolean hurry;
    private static final long RESUME_WAIT_MILLIS = 250;
    /** Committed changes, oldest first, added once the old platform is released (tests). */
    private final List<CommitRecord> commits = new CopyOnWriteArrayList<>();
    private static final int PREPARED = 0;
    private static final int COMMITTED = 1;
    private static final int ABANDONED = 2;
    private static final int SETTLE_PENDING = 0;
    private static final int SETTLE_OLD = 1;
    private static final int SETTLE_NEXT = 2;

    IxgbevfSession(final XenPvPlatform platform, final List<IxgbevfPort> ports, final List<TrafficSource> sources,
            final OfferBudget budget) {
        this.platform = platform;
        this.ports = List.copyOf(ports);
        this.sources = List.copyOf(sources);
        this.budget = budget;
    }

    @Override
    public List<NicPort> ports() {
        return new ArrayList<>(ports);
    }

    @Override
    public DmaPlatform platform() {
        return platform;
    }

    /** The platform with its model internals (tests). */
    XenPvPlatform model() {
        return platform;
    }

    List<IxgbevfPort> modelPorts() {
        return ports;
    }

    /** {@inheritDoc} The cost profile ({@code profile}) can. */
    @Override
    public boolean canChangePlatform(final String key) {
        return ConfigKeys.PROFILE.equals(key);
    }

    /**
     * {@inheritDoc} Switches to a platform of the new profile built as a fresh run with it would build it (same
     * guest geometry, seed and settings, the run's {@code cost.*} prices; {@link XenPvPlatform#successor}), which
     * continues the old platform's counters, modeled clock and fault trace: a run's totals span every phase and the
     * timeline never jumps back. The ports are re-pointed to it, then the old platform is quiesced (deferred IOTLB
     * invalidations flushed, charged) and its memory released before this returns. Swapping to the profile in use
     * changes nothing. All in the calling thread: the engine uses {@link #preparePlatformChange} instead.
     *
     * @throws IllegalArgumentException for an unknown profile (the message lists them), or a platform that cannot
     *         be built; the session is unchanged
     * @throws IllegalStateException when a buffer is still allocated, mapped or in a ring; the session is unchanged
     */
    @Override
    public void changePlatform(final String key, final String value) {
        if (!canChangePlatform(key)) {
            NicSession.super.changePlatform(key, value);
            return;
        }
        final XenPvPlatform old = platform;
        final CostProfile costs = old.costs().as(value);
        if (costs.kind() == old.costs().kind()) {
            return;
        }
        checkQuiesced(old); // before building anything: this thread owns the platform, it may look
        final Change change = prepare(old, costs);
        try {
            change.commit(true, false);
        } catch (RuntimeException e) {
            change.abandon(true);
            throw e;
        }
    }

    /**
     * {@inheritDoc} Here everything slow happens in this call, on the calling (control) thread, while the forwarding
     * thread goes on with the current platform: the successor ({@link XenPvPlatform#successor}) is built with its own
     * guest memory (allocated and zeroed), P2M, bounce aperture and IOMMU tables, and its boot-time setup is computed
     * — none of it touches the counters, the clock, the fault trace, the current platform or the ports. The returned
     * change's {@link PlatformChange#commit() commit} (forwarding thread, everything quiesced) only checks that
     * nothing is allocated, mapped or in a ring, re-points the ports, switches the platform field, charges the
     * successor's boot-time work and quiesces the old platform (deferred IOTLB invalidations flushed, charged); the old
     * platform's memory is released afterwards by this session's {@code ixgbevf-release} thread, once the data path
     * has resumed. {@link PlatformChange#abandon() abandon} releases the successor (the same way); a change neither
     * committed nor abandoned is abandoned when the session closes, which waits for every release: nothing leaks.
     * Swapping to the profile in use prepares nothing and commits nothing.
     *
     * @throws IllegalArgumentException for an unknown profile (the message lists them), or a platform that cannot
     *         be built (e.g. {@code paper} with {@code nic.swiotlb.size=0}); nothing is built
     * @throws UnsupportedOperationException for any key but {@code profile}
     * @throws IllegalStateException when the session is closed
     */
    @Override
    public PlatformChange preparePlatformChange(final String key, final String value) {
        if (!canChangePlatform(key)) {
            throw new UnsupportedOperationException(key + " cannot be changed while running");
        }
        final XenPvPlatform current = platform;
        final CostProfile costs = current.costs().as(value);
        if (costs.kind() == current.costs().kind()) {
            return new Unchanged(current);
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("ixgbevf session closed");
            }
            if (releaser == null) {
                releaser = new Releaser(); // started here, so that no commit ever starts a thread
            }
        }
        final Change change = prepare(current, costs);
        // The release thread waits for the change to be settled: the forwarding thread then only writes a field.
        release(change.releaseWhenSettled, false);
        return change;
    }

    /** Builds the successor of {@code current} (slow; any thread) and registers the change as outstanding. */
    private Change prepare(final XenPvPlatform current, final CostProfile costs) {
        final long begin = System.nanoTime();
        final XenPvPlatform next = current.successor(costs);
        final Change change = new Change(current, next, System.nanoTime() - begin);
        synchronized (this) {
            if (closed) {
                next.close();
                throw new IllegalStateException("ixgbevf session closed");
            }
            outstanding.add(change);
        }
        return change;
    }

    private void checkQuiesced(final XenPvPlatform current) {
        checkRingsEmpty();
        current.checkIdle();
    }

    private void checkRingsEmpty() {
        for (final IxgbevfPort port : ports) {
            if (port.rxHeld() != 0 || port.txInFlight() != 0) {
                throw new IllegalStateException("port " + port.info().name() + " still holds " + port.rxHeld()
                        + " rx and " + port.txInFlight() + " tx buffers");
            }
        }
    }

    /** A swap to the profile in use: nothing to do, as long as the platform is still the one it was prepared on. */
    private final class Unchanged implements PlatformChange {
        private final XenPvPlatform current;

        Unchanged(final XenPvPlatform current) {
            this.current = current;
        }

        @Override
        public void commit() {
            if (platform != current) {
                throw new IllegalStateException("the platform changed since this change was prepared");
            }
        }
    }

    /**
     * A prepared swap to another profile: its successor platform, built, not in use yet. Everything {@link #commit}
     * needs beyond the switch itself (the release task, its classes) is made in the constructor, on the preparing
     * thread: the first commit of a run runs no class loading or lambda linkage on the forwarding thread.
     */
    final class Change implements PlatformChange {
        private final XenPvPlatform from;
        private final XenPvPlatform next;
        private final long buildNanos;
        /** Guarded by the session: PREPARED until committed or abandoned, exactly once. */
        private int state = PREPARED;
        /** Set by the commit (forwarding thread), read after it (release thread, tests). */
        private Thread committedOn;
        private long commitNanos;
        private long committedAtModeled;
        /** The published modeled busy time when settled: a later one means the data path resumed. */
        private volatile long mark;
        /**
         * {@link #SETTLE_PENDING} until the forwarding thread (or close) decides which platform goes: the old one
         * ({@link #SETTLE_OLD}: committed, and its strategies retired) or the successor ({@link #SETTLE_NEXT}:
         * abandoned). Written after {@link #mark}.
         */
        private volatile int settled = SETTLE_PENDING;
        /**
         * Queued on the release thread by {@link #preparePlatformChange} (control thread): waits until the change is
         * settled, then until the data path has resumed, and releases that platform. So neither the commit nor the
         * end of the old platform's retirement wakes a thread (a futex call, tens of microseconds on a busy VM) on
         * the forwarding thread.
         */
        final Runnable releaseWhenSettled = () -> {
            long park = 100_000;
            int what;
            while ((what = settled) == SETTLE_PENDING) {
                LockSupport.parkNanos(park);
                park = hurry ? 100_000 : Math.min(2 * park, 5_000_000);
            }
            awaitResumed(mark);
            if (what == SETTLE_OLD) {
                releaseOld();
            } else {
                releaseNext();
            }
        };

        Change(final XenPvPlatform from, final XenPvPlatform next, final long buildNanos) {
            this.from = from;
            this.next = next;
            this.buildNanos = buildNanos;
        }

        /**
         * {@inheritDoc} Only the rings must be empty: strategies may still hold buffers and mappings on the old
         * platform, which stays usable until {@link #oldPlatformRetired()} (or the session closes) and is released
         * after that.
         */
        @Override
        public void commit() {
            commit(false, true);
        }

        /** {@inheritDoc} Yes: see {@link #commit()}. */
        @Override
        public boolean retiresOldPlatformLater() {
            return true;
        }

        /**
         * {@inheritDoc} Flushes the old platform's deferred IOTLB invalidations (the retired strategies' unmaps),
         * carries whatever is still allocated or mapped on it over to the platforms in use (so that a leak shows in
         * {@code liveMappings()} and the leak count at close, as if it had happened there), and hands the old
         * platform to the release thread, which frees its memory once the data path has resumed. Forwarding thread.
         */
        @Override
        public void oldPlatformRetired() {
            if (!retiringOld.remove(this)) {
                return; // not committed with a deferred release, or already retired
            }
            retireOld();
            mark = platform.counters().get(PlatformOp.MODELED_NANOS);
            settled = SETTLE_OLD;
        }

        /** The old platform's last accounting: flush, and carry over what its strategies left on it. */
        private void retireOld() {
            from.quiesce();
            final long[] left = from.orphanLeftovers();
            if (left[0] != 0 || left[1] != 0) {
                LOG.warn("ixgbevf: profile {} released with {} buffers still allocated and {} mappings live on it",
                        from.costs().name(), left[0], left[1]);
            }
        }

        /** The successor: built, used by nobody until the commit (the engine may premap the next strategy on it). */
        @Override
        public DmaPlatform platform() {
            return next;
        }

        /**
         * Forwarding thread, everything quiesced: a few checks and field writes, a few adds of counts, one queue
         * insertion. Throws, changing nothing, when anything is still held (the engine then abandons). With
         * {@code deferOld} only the rings must be empty, and the old platform is released only after {@link
         * #oldPlatformRetired()}.
         */
        void commit(final boolean releaseInline, final boolean deferOld) {
            final long begin = System.nanoTime();
            if (platform != from) {
                throw new IllegalStateException("the platform changed since this change was prepared");
            }
            if (deferOld) {
                checkRingsEmpty();
            } else {
                checkQuiesced(from);
            }
            synchronized (IxgbevfSession.this) {
                if (state != PREPARED) {
                    throw new IllegalStateException("platform change to " + next.costs().name() + " already "
                            + (state == COMMITTED ? "committed" : "abandoned"));
                }
                state = COMMITTED;
                outstanding.remove(this);
            }
            for (final IxgbevfPort port : ports) {
                port.repoint(next);
            }
            next.chargeSetup();
            platform = next;
            from.quiesce(); // flushes deferred invalidations, publishes every count (the setup's too)
            committedOn = Thread.currentThread();
            committedAtModeled = next.clock().now();
            commitNanos = System.nanoTime() - begin;
            if (deferOld) {
                retiringOld.add(this); // fits the initial capacity: a handful retire at once at most
            } else if (releaseInline) {
                releaseOld();
            } else {
                mark = next.counters().get(PlatformOp.MODELED_NANOS);
                settled = SETTLE_OLD;
            }
        }

        @Override
        public void abandon() {
            abandon(false);
        }

        void abandon(final boolean releaseInline) {
            synchronized (IxgbevfSession.this) {
                if (state != PREPARED) {
                    return;
                }
                state = ABANDONED;
                outstanding.remove(this);
            }
            if (releaseInline) {
                releaseNext();
            } else {
                mark = from.counters().get(PlatformOp.MODELED_NANOS);
                settled = SETTLE_NEXT;
            }
        }

        private void releaseOld() {
            final long begin = System.nanoTime();
            from.close();
            commits.add(new CommitRecord(from.costs().name(), next.costs().name(), next.builtOn(), committedOn,
                    from.memory()));
            LOG.info("ixgbevf: profile {} -> {} at modeled {} ns (platform built in {} us off the data path, "
                    + "committed in {} us on {}, old one released in {} us on {})", from.costs().name(),
                    next.costs().name(), committedAtModeled, buildNanos / 1000, commitNanos / 1000,
                    committedOn.getName(), (System.nanoTime() - begin) / 1000, Thread.currentThread().getName());
        }

        private void releaseNext() {
            next.close();
            LOG.info("ixgbevf: profile change {} -> {} abandoned, its platform released", from.costs().name(),
                    next.costs().name());
        }

        XenPvPlatform successor() {
            return next;
        }
    }

    /**
     * Release thread: waits until the forwarding thread has published a poll after {@code mark} (its busy time moves
     * at every poll), i.e. until the data path has resumed after the swap, so that freeing the memory (munmap and its
     * TLB shootdowns, the shared arena's handshake with every thread, CPU time on a small machine) does not compete
     * with it while it is stopped; at most {@value #RESUME_WAIT_MILLIS} ms, and not at all once the session is
     * closing or a test waits for the releases.
     */
    private void awaitResumed(final long mark) {
        final PlatformCounters counters = platform.counters();
        final long deadline = System.nanoTime() + RESUME_WAIT_MILLIS * 1_000_000L;
        while (!hurry && counters.get(PlatformOp.MODELED_NANOS) == mark && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(200_000);
        }
    }

    /** Runs {@code task} on the release thread when there is one still running (and not {@code inline}), else here. */
    private void release(final Runnable task, final boolean inline) {
        final Releaser r = releaser;
        if (inline || r == null || !r.submit(task)) {
            task.run();
        }
    }

    /**
     * A committed profile swap, for tests: which thread built the successor (allocated its memory) and which one
     * committed it, and the old platform's guest memory (released after the commit).
     */
    record CommitRecord(String from, String to, Thread builtOn, Thread committedOn, MemorySegment oldMemory) {
    }

    /**
     * Every committed profile swap whose old platform is released, oldest first (after {@link #awaitReleases()} or
     * {@link #close()}: all of them). Records only: no platform stays reachable from here.
     */
    List<CommitRecord> commits() {
        return List.copyOf(commits);
    }

    /** Waits until every release handed to the release thread so far is done (tests). */
    void awaitReleases() throws InterruptedException {
        hurry = true;
        final Releaser r = releaser;
        if (r != null) {
            final CountDownLatch done = new CountDownLatch(1);
            if (r.submit(done::countDown)) {
                done.await();
            }
        }
    }

    /** Prepared changes neither committed nor abandoned (tests). */
    synchronized int outstandingChanges() {
        return outstanding.size();
    }

    /**
     * Releases platforms off the data path: a daemon thread started by the first {@link #preparePlatformChange},
     * fed by commits and abandons (one queue insertion on the forwarding thread), stopped and joined by close.
     */
    private static final class Releaser {
        private static final Runnable STOP = () -> { };
        private static final Runnable NOTHING = () -> { };
        private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        private final Thread thread;
        private boolean stopped;

        Releaser() {
            thread = new Thread(this::loop, "ixgbevf-release");
            thread.setDaemon(true);
            thread.start();
            submit(NOTHING); // loads the queue's classes here rather than in the first commit
        }

        /** Queues {@code task}; false, queueing nothing, once stopped. */
        synchronized boolean submit(final Runnable task) {
            if (stopped) {
                return false;
            }
            queue.add(task);
            return true;
        }

        private void loop() {
            while (true) {
                final Runnable task;
                try {
                    task = queue.take();
                } catch (InterruptedException e) {
                    // Not ours to be interrupted: the session stops this thread with STOP, after the last release.
                    continue;
                }
                if (task == STOP) {
                    return;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("ixgbevf: releasing a platform failed", e);
                }
            }
        }

        /** Runs everything submitted so far, then ends the thread; returns when it has. */
        void stop() {
            synchronized (this) {
                if (!stopped) {
                    stopped = true;
                    queue.add(STOP);
                }
            }
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean drained() {
        boolean exhausted = budget.exhausted();
        if (!exhausted) {
            exhausted = true;
            for (final IxgbevfPort port : ports) {
                exhausted &= port.sourceExhausted();
            }
        }
        if (!exhausted) {
            return false;
        }
        for (final IxgbevfPort port : ports) {
            if (!port.idle()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public long packetsOffered() {
        long sum = 0;
        for (final IxgbevfPort port : ports) {
            sum += port.offered();
        }
        return sum;
    }

    @Override
    public long modeledNanos() {
        return platform.counters().get(PlatformOp.MODELED_NANOS);
    }

    /** {@inheritDoc} The clock's timeline: busy plus idle time (what rx stamps use). */
    @Override
    public long modeledTime() {
        return platform.clock().now();
    }

    /**
     * Buffers that are allocated but neither posted on an rx ring nor in a tx ring (in flight): lost track of by
     * whoever held them. Meaningful after the strategy detached, when nobody else may hold one; computed at close.
     */
    long buffersLeaked() {
        long inRings = 0;
        for (final IxgbevfPort port : ports) {
            inRings += port.rxHeld() + port.txInFlight();
        }
        return platform.allocatedBuffers() - inRings;
    }

    /** {@link #buffersLeaked()} as it was when the session closed, or -1 before. */
    long leakedAtClose() {
        return leaked;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        hurry = true;
        for (final Change change : List.copyOf(outstanding)) {
            change.abandon(); // prepared, never committed nor abandoned (e.g. the run ended first): released
        }
        for (final Change change : List.copyOf(retiringOld)) {
            change.oldPlatformRetired(); // committed, its old platform never declared retired: released now
        }
        final Releaser r = releaser;
        if (r != null) {
            r.stop(); // every release handed over so far is done when this returns
        }
        for (final IxgbevfPort port : ports) {
            port.publishCounters();
        }
        platform.quiesce();
        leaked = buffersLeaked();
        if (leaked != 0) {
            LOG.warn("ixgbevf: {} buffers leaked (allocated, in no ring, not free) at shutdown", leaked);
        }
        final FaultLog faults = platform.faults();
        if (faults.total() != 0) {
            final List<String> lines = faults.lines();
            LOG.warn("ixgbevf: {} DMA faults; the last {}:\n  {}", faults.total(), Math.min(lines.size(), 8),
                    String.join("\n  ", lines.subList(Math.max(0, lines.size() - 8), lines.size())));
        }
        LOG.debug("ixgbevf: modeled busy {} ns, idle {} ns, setup {} ns", platform.clock().busyNanos(),
                platform.clock().idleNanos(), platform.clock().setupNanos());
        for (final TrafficSource s : sources) {
            s.close();
        }
        platform.close();
    }
}
