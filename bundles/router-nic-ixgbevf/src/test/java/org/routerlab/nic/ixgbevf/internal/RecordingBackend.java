package org.routerlab.nic.ixgbevf.internal;

import java.util.Map;
import org.routerlab.api.nic.NicBackend;
import org.routerlab.api.nic.NicSession;

/** The real backend, remembering the last session it opened so tests can inspect the model after a run. */
final class RecordingBackend implements NicBackend {
    private final IxgbevfNicBackend backend = new IxgbevfNicBackend();
    private volatile IxgbevfSession last;

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public NicSession open(final Map<String, String> config) throws Exception {
        final IxgbevfSession session = (IxgbevfSession) backend.open(config);
        last = session;
        return session;
    }

    IxgbevfSession last() {
        return last;
    }
}
