package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.routerlab.api.engine.RunLimits;
import org.routerlab.api.packet.Ipv4Address;
import org.routerlab.api.route.NextHop;
import org.routerlab.api.route.RouteSet;
import org.routerlab.api.route.RouteUpdate;

/** The Gogo command router:route against an engine that takes live updates. */
class RouteCommandsTest {
    @TempDir
    Path home;

    private final FakeEngine engine = new FakeEngine();
    private final RouteCommands commands = new RouteCommands();

    @BeforeEach
    void running() throws Exception {
        commands.engine = engine;
        commands.home(home);
        final RouteSet.Builder b = RouteSet.builder();
        b.add(Ipv4Address.parse("10.0.0.0"), 24, b.nextHop(NextHop.Kind.CONNECTED, 0, "p0"));
        b.add(Ipv4Address.parse("172.16.0.0"), 16, b.nextHop(NextHop.Kind.GATEWAY, Ipv4Address.parse("10.0.0.2"),
                "p0"));
        b.add(Ipv4Address.parse("0.0.0.0"), 0, b.nextHop(NextHop.Kind.GATEWAY, Ipv4Address.parse("10.0.0.9"),
                null));
        b.add(Ipv4Address.parse("192.0.2.192"), 26, b.nextHop(NextHop.Kind.BLACKHOLE, 0, null));
        engine.table = b.build();
        engine.start(RunLimits.unlimited(), Map.of());
    }

    private String route(final String... args) throws Exception {
        return commands.route(args);
    }

    private String error(final String... args) {
        final RuntimeException e = assertThrows(RuntimeException.class, () -> commands.route(args));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        return e.getMessage();
    }

    @Test
    void shouldAddReplaceAndWithdrawRoutesPrintingWhatChangedAndTheTimes() throws Exception {
        assertEquals("added 10.9.0.0/16 via 10.0.0.2  (5 routes; build 1.5 us, publish 2.000 ms)",
                route("add", "10.9.0.0/16", "via", "10.0.0.2"));
        assertEquals("replaced 10.9.0.0/16 via 10.0.0.3 dev p0  (5 routes; build 1.5 us, publish 2.000 ms)",
                route("add", "10.9.0.0/16", "via", "10.0.0.3", "dev", "p0"));
        assertEquals("added blackhole 10.8.0.0/16  (6 routes; build 1.5 us, publish 2.000 ms)",
                route("add", "blackhole", "10.8.0.0/16"));
        assertEquals("10.9.1.1 10.0.0.3  (route 10.9.0.0/16 via 10.0.0.3 dev p0)", route("lookup", "10.9.1.1"));

        assertEquals("withdrew 10.9.0.0/16  (5 routes; build 1.5 us, publish 2.000 ms)",
                route("del", "10.9.0.0/16"));
        assertEquals("no route for 10.9.0.0/16, nothing withdrawn  (5 routes; build 1.5 us, publish 2.000 ms)",
                route("del", "10.9.0.0/16"));
        assertEquals("10.9.1.1 10.0.0.9  (route 0.0.0.0/0 via 10.0.0.9)", route("lookup", "10.9.1.1"));
    }

    @Test
    void shouldShowEveryRouteSortedOrTheRoutesCoveringAPrefix() throws Exception {
        assertEquals("""
                0.0.0.0/0 via 10.0.0.9
                10.0.0.0/24 dev p0
                172.16.0.0/16 via 10.0.0.2 dev p0
                blackhole 192.0.2.192/26
                4 routes""", route("show"));
        assertEquals("""
                0.0.0.0/0 via 10.0.0.9
                172.16.0.0/16 via 10.0.0.2 dev p0
                2 routes cover 172.16.3.0/24 (the last is the longest match)""", route("show", "172.16.3.0/24"));
        assertEquals("""
                0.0.0.0/0 via 10.0.0.9
                10.0.0.0/24 dev p0
                2 routes cover 10.0.0.7/32 (the last is the longest match)""", route("show", "10.0.0.7"));
        engine.table = engine.table.apply(List.of(RouteUpdate.withdraw(0, 0)), null);
        assertEquals("blackhole 192.0.2.192/26\n1 route covers 192.0.2.192/26", route("show", "192.0.2.192/26"));
        assertEquals("no route covers 8.0.0.0/8", route("show", "8.0.0.0/8"));
    }

    @Test
    void shouldCapShowAtAHundredLines() throws Exception {
        final StringBuilder updates = new StringBuilder();
        for (int i = 0; i < 250; i++) {
            updates.append("add 20.").append(i).append(".0.0/16 via 10.0.0.2\n");
        }
        Files.writeString(home.resolve("many.updates"), updates);
        route("load", "many.updates");

        final String shown = route("show");

        final String[] lines = shown.split("\n");
        assertEquals(RouteCommands.SHOW_MAX + 2, lines.length, shown);
        assertEquals("0.0.0.0/0 via 10.0.0.9", lines[0]);
        assertEquals("20.0.0.0/16 via 10.0.0.2", lines[2]);
        assertEquals("... 154 more", lines[RouteCommands.SHOW_MAX]);
        assertEquals("254 routes", lines[RouteCommands.SHOW_MAX + 1]);
    }

    @Test
    void shouldLookUpAddressesLikeTheDataPath() throws Exception {
        assertEquals("10.0.0.7 p0  (route 10.0.0.0/24 dev p0)", route("lookup", "10.0.0.7"));
        assertEquals("192.0.2.200 blackhole  (route blackhole 192.0.2.192/26)", route("lookup", "192.0.2.200"));
        route("del", "0.0.0.0/0");
        assertEquals("8.8.8.8 unreachable  (no route)", route("lookup", "8.8.8.8"));
    }

    @Test
    void shouldLoadAFileOfUpdatesAllOrNothing() throws Exception {
        Files.writeString(home.resolve("ok.updates"), """
                # two adds, a replacement, a withdrawal and one of a prefix that is not there
                add 10.9.0.0/16 via 10.0.0.2
                add unreachable 10.8.0.0/16
                add 172.16.0.0/16 via 10.0.0.3
                withdraw 192.0.2.192/26
                withdraw 10.7.0.0/16
                """);
        Files.writeString(home.resolve("bad.updates"), "add 10.6.0.0/16 via 10.0.0.2\nadd 10.5.0.0/16 via\n");

        assertEquals("loaded 5 updates from " + home.resolve("ok.updates") + ": added 2, replaced 1, withdrawn 1, "
                + "ignored 1 (not present)  (5 routes; build 1.5 us, publish 2.000 ms)", route("load", "ok.updates"));

        assertEquals("route load: " + home.resolve("bad.updates") + ":2: 'via' needs a value",
                error("load", "bad.updates"));
        assertEquals(5, engine.table.size(), "nothing of a bad file is applied");
    }

    @Test
    void shouldReplaceTheWholeTable() throws Exception {
        Files.writeString(home.resolve("new.routes"), "172.20.0.0/16 via 10.0.0.2\n198.51.0.0/24\n");

        assertEquals("replaced the table by " + home.resolve("new.routes") + ": 2 routes, was 4  (build 3.0 us, "
                + "publish 4.0 us)", route("replace", home.resolve("new.routes").toString()));
        assertEquals(home.resolve("new.routes"), engine.replacedWith);
    }

    @Test
    void shouldExplainErrorsInOneLine() {
        assertEquals("route add: bad prefix length in 10.9.0.0/", error("add", "10.9.0.0/", "via", "10.0.0.2"));
        assertTrue(error("add").startsWith("route add: needs a route, e.g. 10.9.0.0/16 via 10.0.0.2; usage: "));
        assertTrue(error("del").startsWith("route del: takes one PREFIX; usage: router:route add ROUTE | "));
        assertEquals("route lookup: not an IPv4 address: 10.0.0", error("lookup", "10.0.0"));
        assertEquals("route load: " + home.resolve("none.updates") + ": no such file", error("load", "none.updates"));
        assertTrue(error("fly").startsWith("route fly: unknown subcommand 'fly'; usage: "));
        assertEquals(RouteCommands.USAGE, commands.route());
    }

    @Test
    void shouldSayThatUpdatesNeedARunningRouter() throws Exception {
        engine.stop();

        assertEquals("route add: no run in progress: route updates apply to a running router",
                error("add", "10.9.0.0/16", "via", "10.0.0.2"));
        assertEquals("4 routes", route("show").lines().reduce((a, b) -> b).orElseThrow(),
                "the last run's table can still be shown");
        engine.table = RouteSet.empty();
        assertEquals("route show: no route table: the router has not run yet (router:start first)", error("show"));
    }
}
