package org.routerlab.api.engine;

/**
 * One hot swap of a running router: what changed, from what to what, and what it cost the data path.
 *
 * @param wallNanos wall nanoseconds since the run started when the swap took effect (or was refused)
 * @param modeledNanos modeled nanoseconds at that moment (0 when the backend has no modeled clock)
 * @param what what changed: {@code dma}, {@code routing}, {@code routes} or {@code profile}
 * @param from the name (or route file) in use before
 * @param to the name (or route file) requested
 * @param trigger who asked: {@code command}, {@code config}, {@code schedule}, {@code bundle} (a plug-in bundle
 *        stopped, was uninstalled or started) or {@code quarantine} (a plug-in misbehaved on the data path)
 * @param pauseNanos the longest the forwarding thread stopped forwarding for this swap, in wall nanoseconds: the
 *        longest of its steps between two bursts (preparing the new plug-in, the handover, reclaiming and retiring
 *        the old one's buffers); 0 for swaps built and published off the data path, such as routing tables
 * @param packetsLost packets lost because of the swap: frames the swap itself dropped plus receive misses during
 *        the swap beyond the rate at which the NIC missed frames before it (0 when it worked as designed)
 * @param ok whether the new plug-in took over; when false the old one kept forwarding
 * @param message why it failed (the plug-in's exception), or a note; never null
 * @param workNanos all the wall nanoseconds the forwarding thread spent on this swap, summed over its steps
 *        (at least {@code pauseNanos}; the two are equal for a swap done in one step)
 * @param pauseCpuNanos of {@code pauseNanos}, the CPU time the forwarding thread itself ran (the rest the OS gave to
 *        other threads or processes: on a shared machine, a long pause with little CPU is preemption, not swap work);
 *        {@code pauseNanos} when not measured
 */
public record SwapRecord(long wallNanos, long modeledNanos, String what, String from, String to, String trigger,
        long pauseNanos, long packetsLost, boolean ok, String message, long workNanos, long pauseCpuNanos) {

    /** A swap done in one step off the data path, or not measured in detail: its work and CPU time are its pause. */
    public SwapRecord(final long wallNanos, final long modeledNanos, final String what, final String from,
            final String to, final String trigger, final long pauseNanos, final long packetsLost, final boolean ok,
            final String message) {
        this(wallNanos, modeledNanos, what, from, to, trigger, pauseNanos, packetsLost, ok, message, pauseNanos,
                pauseNanos);
    }
}
