package io.jasyncio;

import java.util.Locale;

/**
 * Whether a new loop starts in debug mode: the system property {@code jasyncio.debug=true} or the
 * environment variable {@code JASYNCIO_DEBUG} set to a value that means yes.
 *
 * <p>asyncio turns debug on for any non-empty {@code PYTHONASYNCIODEBUG}, so {@code =0} enables
 * it there; a user who writes {@code JASYNCIO_DEBUG=0} means "off", and that is what it means
 * here: empty, {@code 0}, {@code false}, {@code no} and {@code off} (any case) leave debug off,
 * anything else turns it on.
 */
final class DebugDefault {
    private DebugDefault() {}

    /** The default of {@link EventLoop#getDebug()} for a new loop, read from the process's settings. */
    static boolean enabled() {
        return Boolean.getBoolean("jasyncio.debug") || isOn(System.getenv("JASYNCIO_DEBUG"));
    }

    /** Whether the value of {@code JASYNCIO_DEBUG} (null when unset) turns debug mode on. */
    static boolean isOn(String value) {
        if (value == null) return false;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "", "0", "false", "no", "off" -> false;
            default -> true;
        };
    }
}
