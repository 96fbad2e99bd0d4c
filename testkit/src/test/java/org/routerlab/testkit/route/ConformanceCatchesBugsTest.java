package org.routerlab.testkit.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/**
 * The suite is only worth running if it fails for broken algorithms: each deliberately broken variant below must
 * make the named suite test fail (and a correct one pass it). The variants are nested classes, which Surefire does
 * not run by itself; they run here through the JUnit launcher.
 */
class ConformanceCatchesBugsTest {
    @Test
    void shouldFailAnAlgorithmThatIgnoresHostRoutes() {
        assertFails(IgnoresHostRoutes.class, "shouldMatchHostRoutesAtBothEndsOfTheAddressSpaceAndNothingNextToThem");
        assertFails(IgnoresHostRoutes.class, "shouldMatchAChainOfPrefixesOfEveryLengthOnOnePath");
        assertFails(IgnoresHostRoutes.class, "shouldMatchTheOracleAtEveryPrefixBoundaryOfRandomTables");
    }

    @Test
    void shouldFailAnAlgorithmThatConfusesNeighbouringAddresses() {
        assertFails(ConfusesOddAddresses.class, "shouldMatchTheOracleAtEveryPrefixBoundaryOfRandomTables");
        assertFails(ConfusesOddAddresses.class,
                "shouldMatchTheOracleForOneMillionRandomAddressesOnAHundredThousandRoutes");
    }

    @Test
    void shouldFailBulkLookupsThatDropTheTailOrWritePastCount() {
        assertFails(BulkDropsTail.class, "shouldGiveTheSameAnswersInBulkForEveryBurstSize");
        assertFails(BulkWritesPastCount.class, "shouldGiveTheSameAnswersInBulkForEveryBurstSize");
    }

    @Test
    void shouldFailAnUpdateThatChangesTheOldTable() {
        assertFails(UpdateMutatesOldTable.class, "shouldMatchAFreshBuildAfterRandomUpdateSequences");
        assertFails(UpdateMutatesOldTable.class, "shouldExposeTheShorterPrefixWhenALongerOneIsWithdrawn");
    }

    @Test
    void shouldFailACloseThatIsNotIdempotentOrAnEmptyMemoryReport() {
        assertFails(CloseTwiceThrows.class, "shouldCloseIdempotentlyAndReportMemory");
        assertFails(ReportsNoMemory.class, "shouldCloseIdempotentlyAndReportMemory");
    }

    @Test
    void shouldFailALookupThatAllocates() {
        assertFails(AllocatesPerLookup.class, "shouldNotAllocatePerLookup");
    }

    @Test
    void shouldPassTheSameTestsForACorrectAlgorithm() {
        for (final String method : List.of("shouldMatchHostRoutesAtBothEndsOfTheAddressSpaceAndNothingNextToThem",
                "shouldGiveTheSameAnswersInBulkForEveryBurstSize", "shouldCloseIdempotentlyAndReportMemory",
                "shouldNotAllocatePerLookup", "shouldExposeTheShorterPrefixWhenALongerOneIsWithdrawn")) {
            assertEquals(0, run(Correct.class, method), method);
        }
    }

    private static void assertFails(final Class<?> suite, final String method) {
        assertEquals(1, run(suite, method), suite.getSimpleName() + " should fail " + method);
    }

    /** Runs one suite method and returns the number of failed tests. */
    private static long run(final Class<?> suite, final String method) {
        final LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectMethod(suite, method)).build();
        final SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        assertEquals(1, listener.getSummary().getTestsFoundCount(), "found " + suite.getSimpleName() + "#" + method);
        return listener.getSummary().getTestsFailedCount();
    }

    /** A table over the oracle whose lookups can be distorted by subclasses. */
    static class OracleTable implements RouteTable {
        volatile LpmOracle oracle;
        volatile RouteSet routes;
        int closed;

        OracleTable(final RouteSet routes, final List<Route> used) {
            this.routes = routes;
            this.oracle = LpmOracle.of(used);
        }

        @Override
        public int lookup(final int address) {
            return oracle.lookup(address);
        }

        @Override
        public RouteSet routes() {
            return routes;
        }

        @Override
        public long memoryBytes() {
            return 64;
        }
    }

    abstract static class Variant implements RoutingAlgorithm {
        @Override
        public String name() {
            return getClass().getSimpleName();
        }

        @Override
        public RouteTable build(final RouteSet routes) {
            return new OracleTable(routes, routes.routes());
        }
    }

    static class Correct extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() { };
        }
    }

    static class IgnoresHostRoutes extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable build(final RouteSet routes) {
                    final List<Route> used = new ArrayList<>(routes.routes());
                    used.removeIf(r -> r.length() == 32);
                    return new OracleTable(routes, used);
                }
            };
        }
    }

    static class ConfusesOddAddresses extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable build(final RouteSet routes) {
                    return new OracleTable(routes, routes.routes()) {
                        @Override
                        public int lookup(final int address) {
                            return oracle.lookup(address & ~1);
                        }
                    };
                }
            };
        }
    }

    static class BulkDropsTail extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable build(final RouteSet routes) {
                    return new OracleTable(routes, routes.routes()) {
                        @Override
                        public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
                            for (int i = 0; i + 4 <= count; i += 4) {
                                for (int k = 0; k < 4; k++) {
                                    nextHops[i + k] = lookup(addresses[i + k]);
                                }
                            }
                        }
                    };
                }
            };
        }
    }

    static class BulkWritesPastCount extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable build(final RouteSet routes) {
                    return new OracleTable(routes, routes.routes()) {
                        @Override
                        public void lookupBulk(final int[] addresses, final int[] nextHops, final int count) {
                            for (int i = 0; i < count; i++) {
                                nextHops[i] = lookup(addresses[i]);
                            }
                            if (count < nextHops.length) {
                                nextHops[count] = RouteTable.NO_ROUTE;
                            }
                        }
                    };
                }
            };
        }
    }

    static class UpdateMutatesOldTable extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable update(final RouteTable current, final RouteSet updated) {
                    final OracleTable table = (OracleTable) current;
                    table.oracle = LpmOracle.of(updated);
                    table.routes = updated;
                    return table;
                }
            };
        }
    }

    static class CloseTwiceThrows extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable build(final RouteSet routes) {
                    return new OracleTable(routes, routes.routes()) {
                        @Override
                        public void close() {
                            if (closed++ > 0) {
                                throw new IllegalStateException("closed twice");
                            }
                        }
                    };
                }
            };
        }
    }

    static class ReportsNoMemory extends RoutingAlgorithmConformance {
        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable build(final RouteSet routes) {
                    return new OracleTable(routes, routes.routes()) {
                        @Override
                        public long memoryBytes() {
                            return 0;
                        }
                    };
                }
            };
        }
    }

    static class AllocatesPerLookup extends RoutingAlgorithmConformance {
        static volatile Object sink;

        @Override
        protected RoutingAlgorithm algorithm() {
            return new Variant() {
                @Override
                public RouteTable build(final RouteSet routes) {
                    return new OracleTable(routes, routes.routes()) {
                        @Override
                        public int lookup(final int address) {
                            final int[] boxed = {oracle.lookup(address)};
                            sink = boxed;
                            return boxed[0];
                        }
                    };
                }
            };
        }
    }
}
