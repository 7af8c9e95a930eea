package io.jasyncio.examples;

import io.jasyncio.Asyncio;
import java.time.Duration;

/**
 * The seed example: asyncio's "Hello ... World!", one second apart.
 *
 * <pre>
 * ./mvnw -q -Prun verify -DskipTests -Dexample=Hello
 * </pre>
 */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        Asyncio.run(() -> {
            System.out.println("Hello ...");
            Asyncio.sleep(Duration.ofSeconds(1));
            System.out.println("... World!");
        });
    }
}
