package org.routerlab.nic.afxdp.internal;

/**
 * The UMEM frames a port reserved for its own traffic (ARP, ICMP, packets held while a neighbour resolves): a
 * stack of frame numbers. Single-threaded (the forwarding thread).
 */
final class OwnFrames {
    private final int[] stack;
    private final boolean[] mine;
    private final int base;
    private int top;

    /** @param frames the reserved frames; @param base the lowest frame number a lookup may ask about */
    OwnFrames(final int[] frames, final int base, final int span) {
        this.stack = frames.clone();
        this.top = frames.length;
        this.base = base;
        this.mine = new boolean[span];
        for (final int f : frames) {
            mine[f - base] = true;
        }
    }

    /** A free own frame, or -1. */
    int take() {
        return top == 0 ? -1 : stack[--top];
    }

    void give(final int frame) {
        stack[top++] = frame;
    }

    /** Whether {@code frame} is one of this port's own frames. */
    boolean owns(final int frame) {
        final int i = frame - base;
        return i >= 0 && i < mine.length && mine[i];
    }

    int free() {
        return top;
    }

    int total() {
        return stack.length;
    }
}
