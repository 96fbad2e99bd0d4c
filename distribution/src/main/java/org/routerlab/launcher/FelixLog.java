package org.routerlab.launcher;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * The framework's own log (Felix property {@code felix.log.logger}): errors and warnings as one line each on
 * stderr instead of Felix's default stack traces on stdout (stdout may be carrying JSON). Silent while
 * {@link OsgiRuntime} boots, which reports bundles that do not start itself.
 */
final class FelixLog extends Logger {
    private volatile boolean quiet = true;

    void quiet(final boolean quiet) {
        this.quiet = quiet;
    }

    @Override
    protected void doLog(final Bundle bundle, final ServiceReference sr, final int level, final String message,
            final Throwable throwable) {
        if (quiet || level > LOG_WARNING) {
            return;
        }
        final StringBuilder line = new StringBuilder("felix: ").append(level == LOG_ERROR ? "error: " : "warning: ");
        if (bundle != null) {
            line.append(bundle.getSymbolicName()).append(": ");
        }
        line.append(message == null ? "" : message.replaceAll("\\s*\\R\\s*", " "));
        if (throwable != null) {
            line.append(": ").append(FeatureSet.oneLine(throwable));
        }
        System.err.println(line);
    }
}
