package org.routerlab.shell.internal;

import java.util.Map;
import org.routerlab.api.engine.RouterStatus;
import org.routerlab.api.engine.RunLimits;

/**
 * What a finished run reports: the engine's final status with the context the summary prints beside it.
 *
 * @param status the final status
 * @param configuration the effective configuration of the run
 * @param limits the limits the run was started with
 * @param bundlesActive active bundles in the framework (the system bundle not counted)
 * @param bundlesTotal installed bundles (the system bundle not counted)
 * @param interrupted whether the run was cut short (Ctrl-C, framework stopping)
 */
record RunReport(RouterStatus status, Map<String, String> configuration, RunLimits limits, int bundlesActive,
        int bundlesTotal, boolean interrupted) {
}
