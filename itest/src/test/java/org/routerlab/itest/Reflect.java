package org.routerlab.itest;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Calls into services from the test class path. Service objects and their types come from bundle class loaders,
 * which the test cannot cast to, so the few calls the tests need go through reflection.
 */
final class Reflect {
    private Reflect() {
    }

    static Object call(final Object target, final String method, final Object... args) {
        try {
            for (final Method m : target.getClass().getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    m.setAccessible(true);
                    return m.invoke(target, args);
                }
            }
            throw new IllegalArgumentException("no method " + method + "/" + args.length + " on " + target.getClass());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(method + " failed: " + e.getCause(), e);
        }
    }

    static Object field(final Object target, final String name) {
        try {
            final Field f = target.getClass().getField(name);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
