package org.routerlab.route.poptrie.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The DS descriptor that bnd generates from the annotations: the engine finds the algorithm by this property. */
class PoptrieComponentTest {
    @Test
    void shouldRegisterAsRoutingAlgorithmNamedPoptrie() throws IOException {
        final String resource = "OSGI-INF/" + PoptrieAlgorithm.class.getName() + ".xml";
        try (InputStream in = PoptrieAlgorithm.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " missing: bnd-maven-plugin did not process the component");
            final String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(xml.contains("<provide interface=\"org.routerlab.api.route.RoutingAlgorithm\"/>"), xml);
            assertTrue(xml.contains("name=\"routerlab.name\"") && xml.contains("value=\"poptrie\""), xml);
        }
        assertEquals("poptrie", new PoptrieAlgorithm().name());
    }
}
