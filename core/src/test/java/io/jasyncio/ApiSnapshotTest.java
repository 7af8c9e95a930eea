package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The public API of the module {@code io.jasyncio} as text, compared with the checked-in
 * {@code core/api/jasyncio.api}: every change of the public API shows up as a reviewed diff of
 * that file (the idea of OkHttp's {@code api/*.api} files).
 *
 * <p>The packages are the ones {@code module-info.class} exports (read from the compiled classes,
 * so a package exported today by someone else is listed without touching this test). For each
 * public type: its declaration line, then its public and protected constructors, methods and
 * fields (what a user can call or override), each with generic types and {@code throws}. Lines
 * are sorted, so the text does not depend on reflection's order.
 *
 * <p>After an intended API change, regenerate the file and commit it with the change:
 * <pre>
 * ./mvnw -B -q -pl core test -Dtest=ApiSnapshotTest -Djasyncio.api.update=true
 * </pre>
 */
@Timeout(60)
class ApiSnapshotTest {
    static final Path SNAPSHOT = Path.of("api", "jasyncio.api");

    @Test
    void publicApiMatchesTheCheckedInSnapshot() throws Exception {
        String actual = render();
        if (Boolean.getBoolean("jasyncio.api.update")) {
            Files.createDirectories(SNAPSHOT.getParent());
            Files.writeString(SNAPSHOT, actual, StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(SNAPSHOT), "no API snapshot at " + SNAPSHOT.toAbsolutePath()
                + ": generate it with ./mvnw -B -q -pl core test -Dtest=ApiSnapshotTest -Djasyncio.api.update=true");
        String expected = Files.readString(SNAPSHOT, StandardCharsets.UTF_8);
        assertEquals(expected, actual, "the public API differs from core/api/jasyncio.api. If the change is intended, "
                + "regenerate the file (./mvnw -B -q -pl core test -Dtest=ApiSnapshotTest -Djasyncio.api.update=true) "
                + "and commit it with the change");
    }

    @Test
    void snapshotCoversEveryExportedPackageAndNoInternalOne() throws Exception {
        String api = render();
        for (String pkg : exportedPackages()) {
            assertTrue(api.contains("package " + pkg + "\n"), "exported package missing from the snapshot: " + pkg);
        }
        assertFalse(api.contains("io.jasyncio.internal."), "the internal package is not exported and must not be listed");
        // Package-private machinery is not API.
        assertFalse(api.contains("class io.jasyncio.Waiting"), api);
        assertTrue(api.contains("public final class io.jasyncio.Asyncio"), api);
    }

    /** The packages {@code module-info.class} exports, sorted. */
    static List<String> exportedPackages() throws IOException, URISyntaxException {
        Path classes = classesDir();
        ModuleReference ref = ModuleFinder.of(classes).find("io.jasyncio")
                .orElseThrow(() -> new AssertionError("no module io.jasyncio in " + classes));
        return ref.descriptor().exports().stream()
                .filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source)
                .sorted()
                .toList();
    }

    static Path classesDir() throws URISyntaxException {
        return Path.of(Asyncio.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static String render() throws Exception {
        StringBuilder out = new StringBuilder();
        for (String pkg : exportedPackages()) {
            out.append("package ").append(pkg).append('\n');
            Path dir = classesDir().resolve(pkg.replace('.', '/'));
            List<String> names;
            try (Stream<Path> files = Files.list(dir)) {
                names = files.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                        .sorted()
                        .toList();
            }
            for (String name : names) {
                Class<?> type = Class.forName(name, false, ApiSnapshotTest.class.getClassLoader());
                if (!isVisible(type)) continue;
                out.append('\n').append(deprecated(type)).append(declaration(type)).append('\n');
                for (String member : members(type)) out.append("  ").append(member).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Public, and every enclosing type public too (a public nested type of a hidden class is not API). */
    static boolean isVisible(Class<?> type) {
        if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) return false;
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) return false;
        }
        return true;
    }

    static String declaration(Class<?> type) {
        StringBuilder s = new StringBuilder(type.toGenericString());
        if (type.isRecord()) {
            // Component names and order are API too (positional constructor), and reflection on
            // methods alone would not show a swap of two ints.
            s.append(Arrays.stream(type.getRecordComponents())
                    .map(c -> c.getGenericType().getTypeName() + " " + c.getName())
                    .collect(Collectors.joining(", ", "(", ")")));
        }
        Type sup = type.getGenericSuperclass();
        if (sup != null && sup != Object.class && !type.isEnum() && !type.isRecord()) {
            s.append(" extends ").append(sup.getTypeName());
        }
        Type[] ifaces = type.getGenericInterfaces();
        if (ifaces.length > 0) {
            s.append(type.isInterface() ? " extends " : " implements ");
            s.append(Arrays.stream(ifaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    /** Members sorted by name, so overloads sit together; the declaring type's name is dropped. */
    static List<String> members(Class<?> type) {
        TreeMap<String, String> lines = new TreeMap<>();
        String prefix = " " + type.getTypeName() + ".";
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (visible(c) && !c.isSynthetic()) lines.put("<init>" + c.toGenericString(), deprecated(c) + c.toGenericString());
        }
        for (Method m : type.getDeclaredMethods()) {
            if (visible(m) && !m.isSynthetic() && !m.isBridge()) {
                String line = deprecated(m) + m.toGenericString().replace(prefix, " ");
                lines.put(m.getName() + Arrays.toString(m.getGenericParameterTypes()), line);
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (visible(f) && !f.isSynthetic()) {
                String line = deprecated(f) + f.toGenericString().replace(prefix, " ");
                lines.put("." + f.getName(), line);
            }
        }
        return new ArrayList<>(lines.values());
    }

    static String deprecated(java.lang.reflect.AnnotatedElement e) {
        Deprecated d = e.getAnnotation(Deprecated.class);
        if (d == null) return "";
        return d.forRemoval() ? "@Deprecated(forRemoval) " : "@Deprecated ";
    }

    /** Public, or protected in a class a user can subclass. */
    static boolean visible(Member m) {
        int mod = m.getModifiers();
        if (Modifier.isPublic(mod)) return true;
        return Modifier.isProtected(mod) && !Modifier.isFinal(m.getDeclaringClass().getModifiers());
    }
}
