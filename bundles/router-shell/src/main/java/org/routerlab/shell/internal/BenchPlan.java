package org.routerlab.shell.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Which cells {@code router bench} runs: every strategy × frame size × cost profile, each for a warm-up and a
 * measured window. Sizes are Ethernet frame sizes on the wire, FCS included (64..1518, as in RFC 2544 and the
 * paper); the generated frames are 4 bytes shorter because the emulated NIC strips the FCS, as a real one does.
 */
record BenchPlan(List<String> strategies, List<Integer> sizes, List<String> profiles, double seconds, String nic) {
    static final List<String> DEFAULT_STRATEGIES = List.of("per-packet", "batch-16", "premapped-reuse", "recycle");
    static final List<Integer> DEFAULT_SIZES = List.of(64, 128, 256, 512, 1024, 1518);
    static final List<String> DEFAULT_PROFILES = List.of("paper", "xen-pv", "iommu-strict", "kvm-viommu");
    static final double DEFAULT_SECONDS = 0.5;
    /** Share of a cell's time spent warming up before the measured window starts. */
    static final double WARMUP_SHARE = 0.4;
    static final int FCS = 4;

    BenchPlan {
        strategies = List.copyOf(strategies);
        sizes = List.copyOf(sizes);
        profiles = List.copyOf(profiles);
        if (strategies.isEmpty() || sizes.isEmpty() || profiles.isEmpty()) {
            throw new IllegalArgumentException("bench needs at least one strategy, size and profile");
        }
        for (final int size : sizes) {
            if (size < 64 || size > 1518) {
                throw new IllegalArgumentException("--sizes: " + size + " is not a frame size in 64..1518");
            }
        }
        if (!(seconds >= 0.05 && seconds <= 3600)) {
            throw new IllegalArgumentException("--duration=" + seconds + " must be in 0.05..3600 seconds per cell");
        }
    }

    int cells() {
        return strategies.size() * sizes.size() * profiles.size();
    }

    /** Parses a comma-separated list option; empty means the default. */
    static List<String> names(final String text, final List<String> defaults) {
        if (text == null || text.isBlank()) {
            return defaults;
        }
        final List<String> out = new ArrayList<>();
        for (final String s : text.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    static List<Integer> sizes(final String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_SIZES;
        }
        final List<Integer> out = new ArrayList<>();
        for (final String s : text.split(",")) {
            try {
                out.add(Integer.parseInt(s.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--sizes: '" + s.strip() + "' is not a number");
            }
        }
        return out;
    }
}
