package org.routerlab.nic.afxdp.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AF_XDP backend ({@code nic=af-xdp}): the router's ports are real Linux interfaces, driven through AF_XDP
 * sockets from pure Java ({@code java.lang.foreign}; no JNI, no libbpf). Settings in {@link AfXdpConfig}, the
 * design in {@code MODEL.md}. Sessions still open when the bundle stops are closed (nothing stays attached).
 */
@Component(service = NicBackend.class, property = NicBackend.NAME_PROPERTY + "=" + AfXdpNicBackend.NAME)
public final class AfXdpNicBackend implements NicBackend {
    static final String NAME = "af-xdp";
    private static final Logger LOG = LoggerFactory.getLogger(AfXdpNicBackend.class);

    private final Set<AfXdpSession> open = ConcurrentHashMap.newKeySet();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "real Linux interfaces through AF_XDP sockets (ports=IF=ADDR/LEN,…; needs root or CAP_NET_ADMIN, "
                + "CAP_NET_RAW, CAP_BPF)";
    }

    @Override
    public NicSession open(final Map<String, String> config) throws Exception {
        final AfXdpConfig c = AfXdpConfig.from(config);
        final AfXdpSession[] self = new AfXdpSession[1];
        final AfXdpSession session = AfXdpSession.open(c, () -> open.remove(self[0]));
        self[0] = session;
        open.add(session);
        return session;
    }

    /** The sessions open now (tests). */
    Set<AfXdpSession> sessions() {
        return open;
    }

    @Deactivate
    void deactivate() {
        for (final AfXdpSession s : open) {
            LOG.info("af-xdp: bundle stopping, closing a session still open");
            s.close(false);
        }
    }
}
