package org.routerlab.testkit.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicPort;
import org.routerlab.api.nic.NicSession;
import org.routerlab.api.nic.PortCounters;
import org.routerlab.api.nic.PortInfo;
import org.routerlab.api.packet.PacketBatch;
import org.routerlab.api.platform.DmaPlatform;
import org.routerlab.nic.emulated.internal.EmulatedNicBackend;

/** The NIC suite must fail backends that break the contract, or it proves nothing. */
class BrokenBackendsAreCaughtTest {
    @Test
    void shouldPassACorrectBackend() {
        assertEquals(0, run(Correct.class, "shouldHandOutExactlyTheHeldFramesAfterReclaim"));
        assertEquals(0, run(Correct.class, "shouldCloseIdempotentlyReleasingEverythingEvenWithBuffersInRings"));
        assertEquals(0, run(Correct.class, "shouldCompleteEveryAcceptedFrameExactlyOnce"));
    }

    @Test
    void shouldCatchAnRxHeldThatMissesADescriptor() {
        // The emulated ring uses every slot; the interface's default assumes one is kept empty (ixgbevf).
        assertEquals(1, run(DefaultRxHeld.class, "shouldPostExactlyTheFreeSlotsAndHandThemBackUncommitted"));
        assertEquals(1, run(DefaultRxHeld.class, "shouldHandOutExactlyTheHeldFramesAfterReclaim"));
    }

    @Test
    void shouldCatchACloseThatIsNotIdempotent() {
        assertEquals(1, run(CloseTwiceThrows.class, "shouldCloseIdempotentlyReleasingEverythingEvenWithBuffersInRings"));
    }

    @Test
    void shouldCatchACompletionThatIsLost() {
        assertEquals(1, run(LosesACompletion.class, "shouldCompleteEveryAcceptedFrameExactlyOnce"));
    }

    @Test
    void shouldCatchATxBurstThatIgnoresTheRing() {
        assertEquals(1, run(IgnoresFullTxRing.class, "shouldAcceptAPrefixWhenTheTxRingFills"));
    }

    private static long run(final Class<?> suite, final String method) {
        final LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(suite, method)).build();
        final SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        assertEquals(1, listener.getSummary().getTestsFoundCount(), "found " + suite.getSimpleName() + "#" + method);
        return listener.getSummary().getTestsFailedCount();
    }

    /** A port that forwards everything to the real one; subclasses break one rule. */
    static class Port implements NicPort {
        final NicPort real;

        Port(final NicPort real) {
            this.real = real;
        }

        @Override public PortInfo info() { return real.info(); }
        @Override public int rxBurst(final PacketBatch batch, final int max) { return real.rxBurst(batch, max); }
        @Override public int rxFreeSlots() { return real.rxFreeSlots(); }
        @Override public int rxRingSize() { return real.rxRingSize(); }
        @Override public boolean postRx(final int buffer, final long dma) { return real.postRx(buffer, dma); }
        @Override public void commitRx() { real.commitRx(); }
        @Override public int txBurst(final PacketBatch batch) { return real.txBurst(batch); }
        @Override public int txFreeSlots() { return real.txFreeSlots(); }
        @Override public int reapTxCompletions(final PacketBatch c, final int max) { return real.reapTxCompletions(c, max); }
        @Override public int reclaimRx(final PacketBatch out, final int max) { return real.reclaimRx(out, max); }
        @Override public int rxHeld() { return real.rxHeld(); }
        @Override public int txInFlight() { return real.txInFlight(); }
        @Override public long neighbourMac(final int ipv4) { return real.neighbourMac(ipv4); }
        @Override public PortCounters counters() { return real.counters(); }
    }

    /** A backend whose sessions wrap the emulated backend's ports with {@link #wrap}. */
    abstract static class Wrapped extends NicBackendConformance {
        abstract NicPort wrap(NicPort port);

        void onClose(final int closes) {
        }

        @Override
        protected NicBackend backend() {
            return new NicBackend() {
                @Override
                public String name() {
                    return "wrapped";
                }

                @Override
                public NicSession open(final Map<String, String> config) throws Exception {
                    final NicSession real = new EmulatedNicBackend().open(config);
                    final List<NicPort> ports = real.ports().stream().map(Wrapped.this::wrap).toList();
                    return new NicSession() {
                        private int closes;

                        @Override public List<NicPort> ports() { return ports; }
                        @Override public DmaPlatform platform() { return real.platform(); }
                        @Override public boolean drained() { return real.drained(); }
                        @Override public long packetsOffered() { return real.packetsOffered(); }

                        @Override
                        public void close() {
                            onClose(++closes);
                            real.close();
                        }
                    };
                }
            };
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("nic.rx.ring", "64", "nic.tx.ring", "64");
        }
    }

    static class Correct extends Wrapped {
        @Override
        NicPort wrap(final NicPort port) {
            return new Port(port);
        }
    }

    static class DefaultRxHeld extends Wrapped {
        @Override
        NicPort wrap(final NicPort port) {
            return new Port(port) {
                @Override
                public int rxHeld() {
                    return rxRingSize() - 1 - rxFreeSlots();
                }
            };
        }
    }

    static class CloseTwiceThrows extends Wrapped {
        @Override
        NicPort wrap(final NicPort port) {
            return new Port(port);
        }

        @Override
        void onClose(final int closes) {
            if (closes > 1) {
                throw new IllegalStateException("already closed");
            }
        }
    }

    static class LosesACompletion extends Wrapped {
        @Override
        NicPort wrap(final NicPort port) {
            return new Port(port) {
                private boolean lost;

                @Override
                public int reapTxCompletions(final PacketBatch completed, final int max) {
                    final int n = real.reapTxCompletions(completed, max);
                    if (n > 0 && !lost) {
                        lost = true;
                        completed.size(completed.size() - 1);
                        return n - 1;
                    }
                    return n;
                }
            };
        }
    }

    static class IgnoresFullTxRing extends Wrapped {
        @Override
        NicPort wrap(final NicPort port) {
            return new Port(port) {
                @Override
                public int txBurst(final PacketBatch batch) {
                    final int n = real.txBurst(batch);
                    return n < batch.size() ? batch.size() : n; // claims the refused frames as accepted
                }
            };
        }
    }
}
