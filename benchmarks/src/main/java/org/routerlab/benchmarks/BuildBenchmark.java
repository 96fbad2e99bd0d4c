package org.routerlab.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;
import org.routerlab.api.route.RoutingAlgorithm;

/** Time to build a table from the parsed full Internet table (parsing not included), per algorithm. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class BuildBenchmark {
    @Param({"binary-trie", "dir-24-8", "poptrie", "dir-16-8-8"})
    public String algorithm;

    private RoutingAlgorithm routing;
    private RouteSet set;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        set = FullTable.load();
        routing = Algorithms.byName(algorithm);
    }

    @Benchmark
    public void build(final Blackhole blackhole) {
        final RouteTable table = routing.build(set);
        blackhole.consume(table.lookup(0x0808_0808));
        table.close();
    }
}
