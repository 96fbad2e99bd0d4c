package org.routerlab.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.routerlab.api.route.Route;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteTable;

/**
 * The C baseline the routing targets are stated against ("twice what a straightforward C DIR-24-8 achieves here"):
 * {@code c/dir24_8.c} from this jar, compiled with the system's {@code cc -O3 -march=native} into a temporary
 * directory together with the full table and {@link LookupBenchmark}'s address pools, and run as one more child of
 * {@link LookupCpu} under the name {@value #NAME}. Before it is measured, its answers over every pool are hashed and
 * compared with the Java DIR-24-8's, so a baseline that looks up wrongly stops the run instead of being reported.
 */
final class CBaseline {
    static final String NAME = "c-dir-24-8";
    private static final String FLAGS = "-O3 -march=native";

    /** The directory holding the program, the table and the pools. */
    private final Path dir;
    /** The table they were written from, for {@link #verify}. */
    private final RouteSet set;

    private CBaseline(final Path dir, final RouteSet set) {
        this.dir = dir;
        this.set = set;
    }

    /** The command that starts one child: the program, its directory, the burst. */
    List<String> command(final int burst) {
        return List.of(dir.resolve("dir24_8").toString(), dir.toString(), Integer.toString(burst));
    }

    /** Writes the table and the pools and compiles the program, in a temporary directory. */
    static CBaseline prepare(final List<String> patterns) throws Exception {
        final Path dir = Files.createTempDirectory("routerlab-c-dir24-8-");
        dir.toFile().deleteOnExit();
        final RouteSet set = FullTable.load();
        final List<Route> routes = new ArrayList<>(set.routes());
        routes.sort(Comparator.comparingInt(Route::length));
        final ByteBuffer table = ByteBuffer.allocate(12 * routes.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (final Route r : routes) {
            table.putInt(r.prefix()).putInt(r.length()).putInt(r.nextHop());
        }
        write(dir.resolve("routes.bin"), table.array());
        for (final String pattern : patterns) {
            write(dir.resolve("addresses-" + pattern + ".bin"), bytes(pool(pattern, set)));
        }
        final Path source = dir.resolve("dir24_8.c");
        try (InputStream in = CBaseline.class.getResourceAsStream("/c/dir24_8.c")) {
            if (in == null) {
                throw new IllegalStateException("c/dir24_8.c is missing from the benchmarks jar");
            }
            Files.copy(in, source);
        }
        final List<String> command = new ArrayList<>(List.of("cc"));
        command.addAll(List.of(FLAGS.split(" ")));
        command.addAll(List.of("-o", dir.resolve("dir24_8").toString(), source.toString()));
        final Process cc;
        try {
            cc = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (final IOException e) {
            throw new IllegalStateException(NAME + " needs a C compiler (cc) on the PATH: " + e.getMessage(), e);
        }
        final String output = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        dir.resolve("dir24_8").toFile().deleteOnExit();
        source.toFile().deleteOnExit();
        if (cc.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        System.err.println(NAME + ": " + String.join(" ", command.subList(0, 3)) + " (" + routes.size() + " routes)");
        return new CBaseline(dir, set);
    }

    /** Fails unless the C program answers every pool exactly as the Java DIR-24-8 does. */
    void verify(final PrintStream in, final BufferedReader out, final List<String> patterns) throws Exception {
        try (RouteTable java = Algorithms.byName("dir-24-8").build(set)) {
            for (final String pattern : patterns) {
                long expected = 0;
                for (final int address : pool(pattern, set)) {
                    final int hop = java.lookup(address);
                    expected = expected * 31 + (hop == RouteTable.NO_ROUTE ? 0 : hop + 1);
                }
                in.println("check " + pattern);
                in.flush();
                final String line = out.readLine();
                if (line == null || Long.parseUnsignedLong(line.trim()) != expected) {
                    throw new IllegalStateException(NAME + " answers " + pattern + " addresses differently from the"
                            + " Java dir-24-8 (hash " + line + ", expected " + Long.toUnsignedString(expected) + ")");
                }
            }
        }
    }

    private static int[] pool(final String pattern, final RouteSet set) {
        return LookupBenchmark.addresses(pattern, set, new SplittableRandom(LookupBenchmark.SEED), LookupBenchmark.POOL);
    }

    private static byte[] bytes(final int[] values) {
        final ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return b.array();
    }

    private static void write(final Path file, final byte[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(data);
        }
        file.toFile().deleteOnExit();
    }
}
