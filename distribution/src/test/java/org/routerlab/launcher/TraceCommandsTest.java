package org.routerlab.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code router replay}, {@code router diff} and {@code run --trace-level}: what reaches the driver, what does not. */
class TraceCommandsTest {
    @TempDir
    Path home;

    private final List<Invocation> invocations = new ArrayList<>();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void createHome() throws IOException {
        Files.createDirectories(home.resolve("features"));
        Files.writeString(home.resolve("features/emulated.json"), "{}");
    }

    private int run(final String... args) {
        return Main.commandLine(invocation -> {
            invocations.add(invocation);
            return 0;
        }, () -> home, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void shouldPassReplayOptionsAsFrameworkProperties() {
        assertEquals(0, run("replay", "t", "--json", "--pcap", "out.pcap", "--pcap-dropped", "--csv", "csv",
                "--what-if", "dma=premapped-reuse", "--what-if", "profile=kvm-viommu"));
        final Map<String, String> p = invocations.getFirst().properties();
        assertEquals("replay", p.get(CliProperties.COMMAND));
        assertEquals("true", p.get(CliProperties.JSON));
        assertEquals(Path.of("t").toAbsolutePath().toString(), p.get(CliProperties.REPLAY_PREFIX + "dir"));
        assertEquals(Path.of("out.pcap").toAbsolutePath().toString(), p.get(CliProperties.REPLAY_PREFIX + "pcap"));
        assertEquals("true", p.get(CliProperties.REPLAY_PREFIX + "pcap.dropped"));
        assertEquals("dma=premapped-reuse\nprofile=kvm-viommu\n", p.get(CliProperties.REPLAY_PREFIX + "whatif"));
    }

    @Test
    void shouldPassBothTracesToDiff() {
        assertEquals(0, run("diff", "a", "b"));
        final Map<String, String> p = invocations.getFirst().properties();
        assertEquals("diff", p.get(CliProperties.COMMAND));
        assertEquals(Path.of("b").toAbsolutePath().toString(), p.get(CliProperties.REPLAY_PREFIX + "dir2"));
    }

    @Test
    void shouldRejectBadTraceOptionsBeforeBooting() {
        assertEquals(2, run("replay", "t", "--what-if", "colour=blue"));
        assertEquals(2, run("replay", "t", "--pcap-dropped"));
        assertEquals(2, run("run", "--trace-level", "verbose"));
        assertEquals(2, run("diff", "a"));
        assertEquals(List.of(), invocations, "nothing boots");
        assertTrue(err.toString().lines().allMatch(l -> l.startsWith("router: ")), err.toString());
    }

    @Test
    void shouldSetTheTraceLevel() {
        assertEquals(0, run("run", "--trace-level", "packet", "--packets", "5"));
        assertTrue(invocations.getFirst().properties().get(CliProperties.SET).contains("trace.level=packet\n"));
    }
}
