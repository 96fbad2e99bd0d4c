package org.routerlab.nic.ixgbevf.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IxgbevfConfigTest {
    @TempDir
    Path dir;

    @Test
    void shouldDefaultToTheIxgbevf20DriverAndTheXenPvProfile() {
        final IxgbevfConfig c = IxgbevfConfig.from(Map.of());
        assertEquals(512, c.rxRing());
        assertEquals(1024, c.txRing());
        assertEquals(64, c.napiWeight());
        assertEquals(8, c.txWriteBackThreshold());
        assertEquals(1024, c.txCleanLimit());
        assertEquals(2048, c.bufferSize());
        assertEquals(2048, c.bufferStride());
        assertEquals(8192, c.buffers());
        assertEquals(64L << 20, c.swiotlbBytes());
        assertEquals(64, c.dmaBits());
        assertEquals(250, c.iommuHighWater());
        assertEquals(10_000_000L, c.iommuTimeoutNanos());
        assertEquals("xen-pv", c.costs().name());
        assertFalse(c.spin());
        assertEquals(Hypervisor.Hypercall.GRANT_TABLE_OP, c.paperHypercall());
        assertEquals(2, c.ports().size());
        assertNull(c.captureFor("p0"));
    }

    @Test
    void shouldReadEverySetting() throws Exception {
        final Path pcap = Files.write(dir.resolve("a.pcap"), new byte[0]);
        final Path other = Files.write(dir.resolve("b.pcap"), new byte[0]);
        final IxgbevfConfig c = IxgbevfConfig.from(Map.ofEntries(Map.entry("profile", "paper"),
                Map.entry("nic.rx.ring", "1024"), Map.entry("nic.swiotlb.size", "4M"), Map.entry("cost.mode", "spin"),
                Map.entry("nic.paper.hypercall", "mmu_update"), Map.entry("nic.buffer.stride", "2368"),
                Map.entry("traffic.pcap", pcap.toString()), Map.entry("traffic.pcap.p1", other.toString()),
                Map.entry("traffic.pcap.timing", "asap"), Map.entry("traffic.pcap.loop", "true"),
                Map.entry("cost.iotlb.invalidate", "1000"), Map.entry("nic.iommu.timeout.ms", "5")));
        assertEquals("paper", c.costs().name());
        assertEquals(1024, c.rxRing());
        assertEquals(4L << 20, c.swiotlbBytes());
        assertTrue(c.spin());
        assertEquals(Hypervisor.Hypercall.MMU_UPDATE, c.paperHypercall());
        assertEquals(2368, c.bufferStride());
        assertEquals(pcap, c.captureFor("p0"));
        assertEquals(other, c.captureFor("p1"));
        assertEquals(Pacer.Mode.ASAP, c.captureTiming());
        assertTrue(c.captureLoop());
        assertEquals(1_000_000, c.costs().picos(CostParameter.IOTLB_INVALIDATE));
        assertEquals(5_000_000, c.iommuTimeoutNanos());
    }

    @Test
    void shouldRejectTyposAndBadValuesWithKeyAndValue() {
        final IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> IxgbevfConfig.from(Map.of("nic.rx.rnig", "512")));
        assertTrue(typo.getMessage().startsWith("nic=ixgbevf: unknown setting nic.rx.rnig (known: "), typo.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> IxgbevfConfig.from(Map.of("cost.hypercal", "1")))
                .getMessage().contains("unknown setting cost.hypercal"));
        assertEquals("nic.rx.ring=10 must be in 64..4096", assertThrows(IllegalArgumentException.class,
                () -> IxgbevfConfig.from(Map.of("nic.rx.ring", "10"))).getMessage());
        assertEquals("cost.mode=fast must be model or spin", assertThrows(IllegalArgumentException.class,
                () -> IxgbevfConfig.from(Map.of("cost.mode", "fast"))).getMessage());
        assertEquals("traffic.pcap=/no/such.pcap: no such file", assertThrows(IllegalArgumentException.class,
                () -> IxgbevfConfig.from(Map.of("traffic.pcap", "/no/such.pcap"))).getMessage().replace("\\", "/"));
        assertEquals("traffic.pcap.timing=rate needs rate > 0 (packets/s per port)",
                assertThrows(IllegalArgumentException.class,
                        () -> IxgbevfConfig.from(Map.of("traffic.pcap.timing", "rate"))).getMessage());
        assertEquals("traffic.pcap.loop=maybe must be true or false", assertThrows(IllegalArgumentException.class,
                () -> IxgbevfConfig.from(Map.of("traffic.pcap.loop", "maybe"))).getMessage());
        assertEquals("nic.paper.hypercall=vmcall must be memory_exchange, mmu_update or grant_table_op",
                assertThrows(IllegalArgumentException.class,
                        () -> IxgbevfConfig.from(Map.of("nic.paper.hypercall", "vmcall"))).getMessage());
        assertEquals("profile=fast is not a cost profile (profiles: paper, xen-pv, iommu-strict, iommu-lazy, "
                + "kvm-viommu, none)", assertThrows(IllegalArgumentException.class,
                        () -> IxgbevfConfig.from(Map.of("profile", "fast"))).getMessage());
    }

    @Test
    void shouldLookForARelativeCaptureInTheRouterHomeToo() throws Exception {
        Files.createDirectories(dir.resolve("captures"));
        final Path file = Files.write(dir.resolve("captures/home-only.pcap"), new byte[0]);
        assertEquals(file, IxgbevfConfig.from(Map.of("traffic.pcap", "captures/home-only.pcap"), dir).captureFor("p0"));
        assertThrows(IllegalArgumentException.class,
                () -> IxgbevfConfig.from(Map.of("traffic.pcap", "captures/home-only.pcap"), null));
    }

    @Test
    void shouldIgnoreOtherPluginsNamespaces() {
        IxgbevfConfig.from(Map.of("dma.rings", "2", "routing.x", "1", "trace.level", "off", "nic", "ixgbevf"));
    }
}
