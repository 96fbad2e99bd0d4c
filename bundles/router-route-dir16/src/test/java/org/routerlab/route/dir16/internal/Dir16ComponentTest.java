package org.routerlab.route.dir16.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The DS descriptor that bnd generates from the annotations: the engine finds the algorithm by this property. */
class Dir16ComponentTest {
    @Test
    void shouldRegisterAsRoutingAlgorithmNamedDir1688() throws IOException {
        final String resource = "OSGI-INF/" + Dir16Algorithm.class.getName() + ".xml";
        try (InputStream in = Dir16Algorithm.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " missing: bnd-maven-plugin did not process the component");
            final String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(xml.contains("<provide interface=\"org.routerlab.api.route.RoutingAlgorithm\"/>"), xml);
            assertTrue(xml.contains("name=\"routerlab.name\"") && xml.contains("value=\"dir-16-8-8\""), xml);
        }
        assertEquals("dir-16-8-8", new Dir16Algorithm().name());
    }
}
