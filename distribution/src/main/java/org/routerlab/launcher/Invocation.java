package org.routerlab.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A validated command line, ready to boot: everything {@link Session#execute} needs and nothing left to check.
 *
 * @param command {@code run}, {@code plugins}, {@code lookup}, {@code routes-stats} or {@code shell}
 * @param home the distribution home
 * @param features feature names, in order
 * @param etc the configuration folder FileInstall watches
 * @param properties extra framework properties (the {@code routerlab.cli.*} of {@link CliProperties})
 * @param json whether standard output must carry nothing but the JSON summary
 */
public record Invocation(String command, Path home, List<String> features, Path etc, Map<String, String> properties,
        boolean json) {
    public Invocation {
        features = List.copyOf(features);
        properties = Map.copyOf(properties);
    }

    public boolean interactive() {
        return "shell".equals(command);
    }

    /**
     * Whether standard output carries nothing but the command's output (JSON, or the lines of {@code lookup} and
     * {@code routes stats}): then {@code System.out} is pointed at stderr while the framework runs, so that nothing
     * else a bundle prints can get into it.
     */
    public boolean exclusiveStdout() {
        return json || Main.LOOKUP.equals(command) || Main.ROUTES_STATS.equals(command);
    }
}
