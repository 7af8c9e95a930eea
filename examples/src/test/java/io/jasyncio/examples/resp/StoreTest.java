package io.jasyncio.examples.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Expiry on a clock the test moves: exact, and instant. */
class StoreTest {
    private long now = 1_000;
    private final Store store = new Store(() -> now);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void keyExpiresExactlyAtItsDeadline() {
        store.set("k", b("v"), 500);
        now += 499;
        assertThat(store.get("k")).isEqualTo(b("v"));
        assertThat(store.pttl("k")).isEqualTo(1);
        now += 1;
        assertThat(store.get("k")).isNull();
        assertThat(store.pttl("k")).isEqualTo(-2);
    }

    @Test
    void setWithoutTtlDropsTheOldTtlButIncrKeepsIt() {
        store.set("k", b("1"), 500);
        store.set("k", b("1"), 0);
        assertThat(store.pttl("k")).isEqualTo(-1);
        store.expire("k", 300);
        assertThat(store.incr("k")).isEqualTo(2);
        assertThat(store.pttl("k")).isEqualTo(300);
    }

    @Test
    void expireWithNonPositiveTtlDeletes() {
        store.set("k", b("v"), 0);
        assertThat(store.expire("k", 0)).isTrue();
        assertThat(store.exists("k")).isFalse();
    }

    @Test
    void incrRefusesNonIntegersAndOverflow() {
        store.set("s", b("abc"), 0);
        assertThatThrownBy(() -> store.incr("s")).isInstanceOf(NumberFormatException.class);
        store.set("m", b(Long.toString(Long.MAX_VALUE)), 0);
        assertThatThrownBy(() -> store.incr("m")).hasMessageContaining("overflow");
    }

    @Test
    void sweepRemovesOnlyExpiredKeys() {
        store.set("a", b("v"), 10);
        store.set("b", b("v"), 0);
        now += 10;
        assertThat(store.sweep(100)).isEqualTo(1);
        assertThat(store.size()).isEqualTo(1);
    }
}
