package org.routerlab.launcher;

/** Boots the router for a validated command line and returns the process exit code. */
@FunctionalInterface
public interface Session {
    /**
     * @return the exit code (0 done, 1 runtime failure, 2 usage or configuration error)
     * @throws LaunchException for a problem to report as one line
     */
    int execute(Invocation invocation) throws LaunchException;
}
