package io.jasyncio;

/**
 * Readable names for callbacks in logs and {@code toString()}: asyncio prints a handle as the
 * function it will call ({@code <Handle Server._accept()>}). A Java lambda or method reference
 * prints as {@code Foo$$Lambda/0x000071c4a8003a28@1b2c3d4}, which names a hidden class nobody
 * wrote; the class that wrote the lambda is what the reader can look for. So a lambda becomes
 * {@code lambda in Foo}; an object that overrides {@code toString()} keeps its own text.
 */
final class Callbacks {
    private Callbacks() {}

    /** A readable name for {@code fn}; never throws (a failing toString is named, not rethrown). */
    static String describe(Object fn) {
        if (fn == null) return "null";
        Class<?> c = fn.getClass();
        if (c.isHidden()) {
            String name = c.getName();
            int lambda = name.indexOf("$$Lambda");
            if (lambda > 0) return "lambda in " + simpleName(name.substring(0, lambda));
            return simpleName(name.replaceFirst("/0x[0-9a-fA-F]+$", ""));
        }
        try {
            return String.valueOf(fn);
        } catch (RuntimeException e) {
            return c.getName() + " (toString() failed: " + e + ")";
        }
    }

    /** "io.jasyncio.examples.EchoServer" -> "EchoServer"; nested classes keep their outer name. */
    private static String simpleName(String binaryName) {
        return binaryName.substring(binaryName.lastIndexOf('.') + 1);
    }
}
