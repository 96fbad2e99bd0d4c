package org.routerlab.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.routerlab.api.engine.PluginKind;
import org.routerlab.api.nic.NicBackend;

/**
 * The plug-in services of one kind that are registered now, by name. Fed by the engine's dynamic references on
 * the control plane; the forwarding thread never reads it (it holds the objects selected at start).
 */
final class PluginRegistry<T> {
    /** One registered plug-in. */
    record Entry<T>(String name, T service, String description, String bundle, String version, long serviceId,
            int ranking) {
    }

    private final PluginKind kind;
    private final Function<T, String> nameOf;
    private final Function<T, String> describe;
    private final Map<String, List<Entry<T>>> byName = new ConcurrentHashMap<>();

    PluginRegistry(final PluginKind kind, final Function<T, String> nameOf, final Function<T, String> describe) {
        this.kind = kind;
        this.nameOf = nameOf;
        this.describe = describe;
    }

    PluginKind kind() {
        return kind;
    }

    void add(final T service, final ServiceReference<?> reference) {
        final Object nameProperty = reference == null ? null : reference.getProperty(NicBackend.NAME_PROPERTY);
        final String name = nameProperty == null ? String.valueOf(nameOf.apply(service)) : nameProperty.toString();
        final Bundle bundle = reference == null ? null : reference.getBundle();
        final long id = reference == null ? System.identityHashCode(service)
                : (Long) reference.getProperty("service.id");
        final Object rankingProperty = reference == null ? null : reference.getProperty("service.ranking");
        final int ranking = rankingProperty instanceof Integer r ? r : 0;
        final Entry<T> entry = new Entry<>(name, service, safeDescription(service),
                bundle == null ? "?" : bundle.getSymbolicName(),
                bundle == null ? "?" : bundle.getVersion().toString(), id, ranking);
        byName.compute(name, (k, list) -> {
            final List<Entry<T>> updated = list == null ? new ArrayList<>() : new ArrayList<>(list);
            updated.add(entry);
            updated.sort(Comparator.comparingInt((Entry<T> e) -> -e.ranking()).thenComparingLong(Entry::serviceId));
            return List.copyOf(updated);
        });
    }

    void remove(final T service) {
        for (final String name : List.copyOf(byName.keySet())) {
            byName.computeIfPresent(name, (k, list) -> {
                final List<Entry<T>> updated = new ArrayList<>(list);
                updated.removeIf(e -> e.service() == service);
                return updated.isEmpty() ? null : List.copyOf(updated);
            });
        }
    }

    /** The highest-ranked plug-in called {@code name}, or null. */
    Entry<T> get(final String name) {
        final List<Entry<T>> list = byName.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** The name {@code service} is registered under (whatever its rank), or null. */
    String nameOf(final T service) {
        for (final List<Entry<T>> list : byName.values()) {
            for (final Entry<T> e : list) {
                if (e.service() == service) {
                    return e.name();
                }
            }
        }
        return null;
    }

    List<Entry<T>> all() {
        final List<Entry<T>> all = new ArrayList<>();
        byName.values().forEach(l -> all.add(l.get(0)));
        all.sort(Comparator.comparing(Entry::name));
        return all;
    }

    List<String> names() {
        return all().stream().map(Entry::name).toList();
    }

    private String safeDescription(final T service) {
        try {
            return describe.apply(service);
        } catch (RuntimeException e) {
            return "(description failed: " + e + ")";
        }
    }
}
