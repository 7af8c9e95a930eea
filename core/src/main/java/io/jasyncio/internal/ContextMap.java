package io.jasyncio.internal;

import java.util.Arrays;

/**
 * An immutable map from context variables to values, the contents of a {@code Context}.
 *
 * <p>CPython uses a HAMT so that copying a context is O(1) and setting a variable is O(log n).
 * Programs have few context variables (a request id, a deadline, a tenant), so a flat array of
 * key/value pairs copied on write gives the same O(1) copy, an O(n) set with a tiny n, and no
 * allocation at all when a context is copied. Keys compare by identity.
 */
public final class ContextMap {
    public static final ContextMap EMPTY = new ContextMap(new Object[0]);

    /** Keys at even indexes, values at the following odd index. */
    private final Object[] pairs;

    private ContextMap(Object[] pairs) {
        this.pairs = pairs;
    }

    /** The value of {@code key}, or {@code absent} when the key has no value here. */
    public Object get(Object key, Object absent) {
        Object[] p = pairs;
        for (int i = 0; i < p.length; i += 2) {
            if (p[i] == key) return p[i + 1];
        }
        return absent;
    }

    public boolean contains(Object key) {
        Object[] p = pairs;
        for (int i = 0; i < p.length; i += 2) {
            if (p[i] == key) return true;
        }
        return false;
    }

    /** A map like this one with {@code key} bound to {@code value}. */
    public ContextMap with(Object key, Object value) {
        Object[] p = pairs;
        for (int i = 0; i < p.length; i += 2) {
            if (p[i] == key) {
                if (p[i + 1] == value) return this;
                Object[] copy = p.clone();
                copy[i + 1] = value;
                return new ContextMap(copy);
            }
        }
        Object[] copy = Arrays.copyOf(p, p.length + 2);
        copy[p.length] = key;
        copy[p.length + 1] = value;
        return new ContextMap(copy);
    }

    /** A map like this one without {@code key}. */
    public ContextMap without(Object key) {
        Object[] p = pairs;
        for (int i = 0; i < p.length; i += 2) {
            if (p[i] == key) {
                Object[] copy = new Object[p.length - 2];
                System.arraycopy(p, 0, copy, 0, i);
                System.arraycopy(p, i + 2, copy, i, p.length - i - 2);
                return copy.length == 0 ? EMPTY : new ContextMap(copy);
            }
        }
        return this;
    }

    public int size() {
        return pairs.length / 2;
    }

    /** Key number {@code i} (0-based), for iteration. */
    public Object keyAt(int i) {
        return pairs[2 * i];
    }

    /** Value number {@code i} (0-based), for iteration. */
    public Object valueAt(int i) {
        return pairs[2 * i + 1];
    }
}
