package org.routerlab.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.felix.feature.impl.FeatureServiceImpl;
import org.osgi.service.feature.Feature;
import org.osgi.service.feature.FeatureBundle;
import org.osgi.service.feature.FeatureConfiguration;
import org.osgi.service.feature.FeatureService;
import org.osgi.service.feature.ID;

/**
 * The bundles and configurations of one or more features ({@code features/NAME.json}, OSGi Feature Service
 * documents, Compendium R8 ch. 160), read with the Apache Felix Feature Service implementation.
 *
 * <p>Each bundle ID {@code groupId:artifactId[:type[:classifier]]:version} is the file
 * {@code bundles/artifactId-version[-classifier].jar}; its {@code "start-order"} metadata (1 when absent) is its
 * start level. Features are combined in the order given: a bundle named twice is installed once (at the lower
 * start order), the same bundle in two versions is an error, and a configuration named twice is merged key by key,
 * the later feature winning.
 */
public final class FeatureSet {
    /** The metadata key of a bundle's start level. */
    public static final String START_ORDER = "start-order";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /**
     * A bundle to install.
     *
     * @param id the feature bundle ID
     * @param symbolic {@code groupId:artifactId} (what makes two entries the same bundle)
     * @param version the version in the ID
     * @param startOrder its start level, at least 1
     * @param file the jar in the distribution's {@code bundles/}
     */
    public record BundleRef(String id, String symbolic, String version, int startOrder, Path file) {
    }

    /**
     * A configuration to seed.
     *
     * @param pid the configuration PID, or {@code factoryPid~name} for a factory configuration
     * @param feature the feature that names it (the last one, when merged)
     * @param values its properties, in the order written
     */
    public record Config(String pid, String feature, Map<String, Object> values) {
        public Config {
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        /** The FileInstall file name: {@code pid.cfg}, or {@code factoryPid-name.cfg} for a factory configuration. */
        public String fileName() {
            return pid.replace('~', '-') + ".cfg";
        }
    }

    private final List<String> names;
    private final List<BundleRef> bundles;
    private final List<Config> configurations;

    private FeatureSet(final List<String> names, final List<BundleRef> bundles, final List<Config> configurations) {
        this.names = List.copyOf(names);
        this.bundles = List.copyOf(bundles);
        this.configurations = List.copyOf(configurations);
    }

    public List<String> names() {
        return names;
    }

    /** In feature order, each bundle once. */
    public List<BundleRef> bundles() {
        return bundles;
    }

    public List<Config> configurations() {
        return configurations;
    }

    /** The highest start order: the framework's beginning start level. */
    public int maxStartOrder() {
        return bundles.stream().mapToInt(BundleRef::startOrder).max().orElse(1);
    }

    /** The feature names in {@code featuresDir}, sorted (empty when the folder is missing). */
    public static List<String> available(final Path featuresDir) {
        if (!Files.isDirectory(featuresDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(featuresDir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
        } catch (final IOException e) {
            return List.of();
        }
    }

    /**
     * Checks that every name is a feature in {@code featuresDir}.
     *
     * @throws LaunchException ({@link LaunchException#USAGE}) naming the unknown feature and the available ones
     */
    public static void checkNames(final Path featuresDir, final List<String> names) throws LaunchException {
        for (final String name : names) {
            if (!NAME.matcher(name).matches() || !Files.isRegularFile(featuresDir.resolve(name + ".json"))) {
                throw new LaunchException(LaunchException.USAGE, "unknown feature '" + name + "' (available: "
                        + String.join(", ", available(featuresDir)) + ")");
            }
        }
    }

    /**
     * Reads the features {@code names} from {@code featuresDir} and resolves their bundles in {@code bundlesDir}.
     *
     * @throws LaunchException {@link LaunchException#USAGE} for an unknown feature; {@link LaunchException#FAILURE}
     *         for an unreadable or malformed feature, or a bundle that is not in {@code bundlesDir}
     */
    public static FeatureSet read(final Path featuresDir, final Path bundlesDir, final List<String> names)
            throws LaunchException {
        if (names.isEmpty()) {
            throw new LaunchException(LaunchException.USAGE, "no feature given");
        }
        checkNames(featuresDir, names);
        final FeatureService service = new FeatureServiceImpl();
        final Map<String, BundleRef> bundles = new LinkedHashMap<>();
        final Map<String, Config> configurations = new LinkedHashMap<>();
        for (final String name : names) {
            final Path file = featuresDir.resolve(name + ".json");
            final Feature feature = parse(service, file);
            for (final FeatureBundle bundle : feature.getBundles()) {
                final BundleRef ref = bundleRef(file, bundle, bundlesDir);
                final BundleRef earlier = bundles.get(ref.symbolic());
                if (earlier == null) {
                    bundles.put(ref.symbolic(), ref);
                } else if (!earlier.version().equals(ref.version())) {
                    throw new LaunchException(LaunchException.FAILURE, file + ": bundle " + ref.symbolic() + " "
                            + ref.version() + " conflicts with version " + earlier.version() + " of an earlier feature");
                } else if (ref.startOrder() < earlier.startOrder()) {
                    bundles.put(ref.symbolic(), ref);
                }
            }
            for (final Map.Entry<String, FeatureConfiguration> c : feature.getConfigurations().entrySet()) {
                final Map<String, Object> values = new LinkedHashMap<>();
                final Config earlier = configurations.get(c.getKey());
                if (earlier != null) {
                    values.putAll(earlier.values());
                }
                values.putAll(c.getValue().getValues());
                configurations.put(c.getKey(), new Config(c.getKey(), name, values));
            }
        }
        return new FeatureSet(names, new ArrayList<>(bundles.values()), new ArrayList<>(configurations.values()));
    }

    private static Feature parse(final FeatureService service, final Path file) throws LaunchException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return service.readFeature(reader);
        } catch (final IOException | RuntimeException e) {
            throw new LaunchException(LaunchException.FAILURE, file + ": not a valid feature: " + oneLine(e), e);
        }
    }

    private static BundleRef bundleRef(final Path featureFile, final FeatureBundle bundle, final Path bundlesDir)
            throws LaunchException {
        final ID id = bundle.getID();
        final String jar = id.getArtifactId() + "-" + id.getVersion()
                + id.getClassifier().map(c -> "-" + c).orElse("") + ".jar";
        final Path file = bundlesDir.resolve(jar);
        if (!Files.isRegularFile(file)) {
            throw new LaunchException(LaunchException.FAILURE, featureFile.getFileName() + " names bundle " + id
                    + " but " + file + " is missing (rebuild the distribution: ./router)");
        }
        final Object order = bundle.getMetadata().get(START_ORDER);
        final int startOrder;
        try {
            startOrder = order == null ? 1 : Integer.parseInt(order.toString().trim());
        } catch (final NumberFormatException e) {
            throw new LaunchException(LaunchException.FAILURE, featureFile + ": bundle " + id + ": " + START_ORDER
                    + "=" + order + " is not a number", e);
        }
        if (startOrder < 1) {
            throw new LaunchException(LaunchException.FAILURE, featureFile + ": bundle " + id + ": " + START_ORDER
                    + "=" + order + " (expected >= 1)");
        }
        return new BundleRef(id.toString(), id.getGroupId() + ":" + id.getArtifactId(), id.getVersion(), startOrder,
                file);
    }

    static String oneLine(final Throwable e) {
        final String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
