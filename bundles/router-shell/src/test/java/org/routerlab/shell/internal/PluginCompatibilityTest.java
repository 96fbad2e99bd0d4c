package org.routerlab.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The wording of a refused plug-in (the framework part is covered by the itest's incompatible bundle). */
class PluginCompatibilityTest {
    @Test
    void shouldReadTheVersionRangeOfAPackageRequirement() {
        assertEquals("[2.0.0,3.0.0)", PluginCompatibility.range(
                "(&(osgi.wiring.package=org.routerlab.api.dma)(version>=2.0.0)(!(version>=3.0.0)))"));
        assertEquals("1.2.0", PluginCompatibility.range("(&(osgi.wiring.package=a.b)(version>=1.2.0))"));
        assertEquals("[1.0.0,1.5.0]", PluginCompatibility.range(
                "(&(osgi.wiring.package=a.b)(version>=1.0.0)(version<=1.5.0))"));
        assertEquals("(1.0.0,2.0.0)", PluginCompatibility.range(
                "(&(osgi.wiring.package=a.b)(!(version<=1.0.0))(!(version>=2.0.0)))"));
        assertEquals("[1.1.0,1.1.0]", PluginCompatibility.range("(&(osgi.wiring.package=a.b)(version=1.1.0))"));
        assertEquals("(any version)", PluginCompatibility.range("(osgi.wiring.package=a.b)"));
    }

    @Test
    void shouldListRefusedPluginsAfterTheRegisteredOnes() {
        final PluginCompatibility.Refusal r = new PluginCompatibility.Refusal("future.jar", "org.example.future",
                "1.0.0", List.of("requires org.routerlab.api.dma [2.0.0,3.0.0) but this router provides 1.1.0"));
        assertEquals("plugin future.jar refused: it requires org.routerlab.api.dma [2.0.0,3.0.0) but this router "
                + "provides 1.1.0", r.line());
        final String text = RouterFormat.pluginsText(List.of(), Map.of(), List.of(r));
        assertTrue(text.endsWith("refused plug-ins (installed, not loaded)\n  " + r.line() + "\n"), text);
        assertEquals(RouterFormat.pluginsText(List.of(), Map.of()), RouterFormat.pluginsText(List.of(), Map.of(),
                List.of()), "nothing added when nothing is refused");
        final String json = RouterFormat.pluginsJson(List.of(), Map.of(), List.of(r));
        assertTrue(json.contains("\"refused\":[{\"file\":\"future.jar\",\"bundle\":\"org.example.future\","
                + "\"version\":\"1.0.0\",\"reasons\":[\"requires org.routerlab.api.dma [2.0.0,3.0.0) but this "
                + "router provides 1.1.0\"],\"message\":\"plugin future.jar refused:"), json);
        assertTrue(RouterFormat.pluginsJson(List.of(), Map.of(), List.of()).contains("\"refused\":[]"));
    }
}
