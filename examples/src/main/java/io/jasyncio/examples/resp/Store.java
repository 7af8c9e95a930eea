package io.jasyncio.examples.resp;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The key-value store behind the RESP server: byte-string values with optional expiry times.
 * Owned by one event loop, so it needs no locks: every command runs to its end on the loop
 * thread.
 *
 * <pre>{@code
 * Store store = new Store(() -> System.nanoTime() / 1_000_000);
 * store.set("k", "v".getBytes(), 1000);   // expires in one second
 * }</pre>
 *
 * <p>Expiry is lazy (a read of an expired key deletes it), as in Redis, plus {@link #sweep} that
 * the server calls now and then so keys nobody reads again do not stay in memory forever.
 */
public final class Store {
    /** A value and when it expires (ms on the store's clock), or {@link Long#MAX_VALUE} for never. */
    private record Entry(byte[] value, long expiresAt) {
    }

    private final Map<String, Entry> map = new HashMap<>();
    private final LongSupplier clockMillis;

    /** A store reading the time in milliseconds from {@code clockMillis}. */
    public Store(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** The value, or null if absent or expired. */
    public byte[] get(String key) {
        Entry e = live(key);
        return e == null ? null : e.value;
    }

    /** Sets the value; {@code ttlMillis <= 0} means no expiry (as SET without EX/PX: any old TTL is dropped). */
    public void set(String key, byte[] value, long ttlMillis) {
        map.put(key, new Entry(value, ttlMillis > 0 ? clockMillis.getAsLong() + ttlMillis : Long.MAX_VALUE));
    }

    /** Whether the key holds a live value. */
    public boolean exists(String key) {
        return live(key) != null;
    }

    /** Deletes the key; true if it held a live value. */
    public boolean delete(String key) {
        return live(key) != null && map.remove(key) != null;
    }

    /**
     * Adds one to the decimal integer stored at {@code key} (0 if absent), keeping its TTL.
     *
     * @throws NumberFormatException if the value is not a 64-bit decimal integer or would overflow
     */
    public long incr(String key) {
        Entry e = live(key);
        long n = e == null ? 0 : Long.parseLong(new String(e.value, java.nio.charset.StandardCharsets.US_ASCII));
        if (n == Long.MAX_VALUE) throw new NumberFormatException("increment or decrement would overflow");
        n++;
        map.put(key, new Entry(Long.toString(n).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                e == null ? Long.MAX_VALUE : e.expiresAt));
        return n;
    }

    /** Sets a TTL on an existing key; false if the key is absent. A TTL {@code <= 0} deletes it (as Redis). */
    public boolean expire(String key, long ttlMillis) {
        Entry e = live(key);
        if (e == null) return false;
        if (ttlMillis <= 0) {
            map.remove(key);
        } else {
            map.put(key, new Entry(e.value, clockMillis.getAsLong() + ttlMillis));
        }
        return true;
    }

    /** Remaining time to live in ms: -2 if the key is absent, -1 if it has no expiry. */
    public long pttl(String key) {
        Entry e = live(key);
        if (e == null) return -2;
        if (e.expiresAt == Long.MAX_VALUE) return -1;
        return Math.max(0, e.expiresAt - clockMillis.getAsLong());
    }

    /** Number of live keys (expired ones not yet swept may be counted). */
    public int size() {
        return map.size();
    }

    /** Removes everything. */
    public void clear() {
        map.clear();
    }

    /** Deletes up to {@code max} expired keys; returns how many. */
    public int sweep(int max) {
        long now = clockMillis.getAsLong();
        int removed = 0;
        for (Iterator<Entry> it = map.values().iterator(); it.hasNext() && removed < max; ) {
            if (it.next().expiresAt <= now) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    private Entry live(String key) {
        Entry e = map.get(key);
        if (e != null && e.expiresAt <= clockMillis.getAsLong()) {
            map.remove(key);
            return null;
        }
        return e;
    }
}
