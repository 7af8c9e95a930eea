package io.jasyncio.internal;

import java.nio.channels.SelectionKey;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The selection keys that {@code EventLoop.addReader}/{@code addWriter} own, so the I/O layer can
 * refuse to make a transport, server or {@code Sockets} wait of a channel the application is
 * watching (a channel has one key per selector; registering it again would silently take that
 * key over). Weak: a key whose channel is gone is forgotten. Off the hot path: consulted only
 * when a channel is registered.
 */
public final class WatchedKeys {
    private static final Map<SelectionKey, Boolean> KEYS = Collections.synchronizedMap(new WeakHashMap<>());

    private WatchedKeys() {
    }

    public static void add(SelectionKey key) {
        KEYS.put(key, Boolean.TRUE);
    }

    public static void remove(SelectionKey key) {
        KEYS.remove(key);
    }

    public static boolean contains(SelectionKey key) {
        return key != null && KEYS.containsKey(key);
    }
}
