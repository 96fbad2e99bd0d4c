package org.routerlab.nic.afxdp.internal;

import java.util.Map;

/** Opens the backend once and reports the outcome: exit 0 opened (and closed), 2 refused with a message, 1 other. */
public final class PrivilegeProbe {
    private PrivilegeProbe() {
    }

    public static void main(final String[] args) {
        try (var session = new AfXdpNicBackend().open(Map.of("ports", args[0], "dma", "per-packet"))) {
            System.out.println("opened " + session.ports().size() + " ports");
            System.exit(0);
        } catch (IllegalArgumentException e) {
            System.out.println("refused: " + e.getMessage());
            System.exit(2);
        } catch (Exception e) {
            System.out.println("failed: " + e);
            System.exit(1);
        }
    }
}
