package org.routerlab.route.poptrie.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * What both leaf widths share: the route set, {@code top}, {@code base} and the node lines, copied off-heap into a
 * segment aligned to 64 bytes so that every node is exactly one cache line ({@link PoptrieLayout}). Immutable after
 * construction (final fields, never written), so any number of threads may read it; lookups allocate nothing.
 * {@link #close()} frees the segment (idempotent); the engine calls it only once no reader can use the table.
 */
abstract sealed class PoptrieTable implements RouteTable permits PoptrieNarrowTable, PoptrieWideTable {
    /** Array headers of {@code top} and {@code base}, counted in {@link #memoryBytes()}. */
    private static final int HEADERS = 2 * 16;

    private final RouteSet routes;
    protected final byte[] top;
    protected final int[] base;
    protected final MemorySegment nodes;
    private final Arena arena;
    private final AtomicBoolean closed = new AtomicBoolean();

    PoptrieTable(final RouteSet routes, final byte[] top, final int[] base, final MemorySegment lines) {
        this.routes = routes;
        this.top = top;
        this.base = base;
        this.arena = Arena.ofShared();
        this.nodes = arena.allocate(lines.byteSize(), PoptrieLayout.LINE);
        MemorySegment.copy(lines, 0, nodes, 0, lines.byteSize());
    }

    /** {@inheritDoc} */
    @Override
    public final RouteSet routes() {
        return routes;
    }

    /** {@inheritDoc} {@code top}, {@code base} (with their array headers) and the node lines. */
    @Override
    public final long memoryBytes() {
        return HEADERS + top.length + 4L * base.length + nodes.byteSize();
    }

    /** {@inheritDoc} Frees the node lines; idempotent. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    /** Number of node lines, the padding line 0 included. */
    final int lineCount() {
        return (int) (nodes.byteSize() >>> PoptrieLayout.LINE_SHIFT);
    }

    /** Number of /18 entries that are nodes. */
    final int topNodeCount() {
        int count = 0;
        for (final byte entry : top) {
            count += entry < 0 ? 1 : 0;
        }
        return count;
    }

    @Override
    public final String toString() {
        return getClass().getSimpleName() + "[routes=" + routes.size() + ", top nodes=" + topNodeCount() + ", lines="
                + lineCount() + ", bytes=" + memoryBytes() + "]";
    }
}
