package io.jasyncio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every public top-level type of an exported package shows a short example in its class Javadoc
 * (STYLE.md, house habit 3; Tokio's rule that every public item carries one). An example is a
 * {@code <pre>{@code ...}</pre>} block or a {@code {@snippet ...}} tag in the comment right
 * before the type's declaration; an example in a method's comment does not count, since the
 * class page is where a reader starts.
 *
 * <p>Reads the sources (the test runs in {@code core/}), not the compiled classes: Javadoc is
 * not in class files. The packages are the ones {@code module-info.java} exports, so a package
 * exported tomorrow is checked without touching this test.
 */
@Timeout(60)
class JavadocExamplesTest {
    static final Path SOURCES = Path.of("src", "main", "java");

    /**
     * Public types whose page would only be made longer by an example, each with why. Keep it
     * short: a type that users construct, call or catch deserves an example.
     */
    static final Map<String, String> NO_EXAMPLE_NEEDED = Map.of();

    private static final Pattern EXPORTS = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
    // A top-level declaration starts at column 0; nested types and members are indented.
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "^public\\s+(?:(?:abstract|final|sealed|non-sealed|strictfp|static)\\s+)*"
                    + "(?:class|interface|enum|record|@interface)\\s+(\\w+)",
            Pattern.MULTILINE);

    @Test
    void everyPublicTypeOfTheExportedPackagesHasAnExampleInItsClassJavadoc() throws IOException {
        Map<String, String> sources = exportedSources();
        assertTrue(sources.size() > 50, "found only " + sources.size() + " public types under "
                + SOURCES.toAbsolutePath() + ": is the test running in core/?");
        List<String> missing = new ArrayList<>();
        for (var e : sources.entrySet()) {
            if (!NO_EXAMPLE_NEEDED.containsKey(e.getKey()) && !hasExample(e.getValue())) missing.add(e.getKey());
        }
        assertEquals(List.of(), missing, missing.size() + " of " + sources.size()
                + " public types have no example (<pre>{@code ...}</pre> or {@snippet ...}) in their class Javadoc;"
                + " add a short one that uses real method names");
    }

    @Test
    void allowListNamesOnlyExistingTypesThatReallyLackAnExample() throws IOException {
        Map<String, String> sources = exportedSources();
        for (String name : NO_EXAMPLE_NEEDED.keySet()) {
            assertTrue(sources.containsKey(name), "allow-listed type " + name + " is not a public type of an exported package");
            assertTrue(!hasExample(sources.get(name)), name + " has an example now: remove it from NO_EXAMPLE_NEEDED");
        }
    }

    /**
     * The source scan finds exactly the public top-level types the compiler made, so a type
     * declared in a way the pattern misses cannot slip through unchecked.
     */
    @Test
    void sourceScanFindsEveryPublicTopLevelTypeOfTheCompiledPackages() throws Exception {
        Set<String> compiled = new TreeSet<>();
        Path classes = ApiSnapshotTest.classesDir();
        for (String pkg : ApiSnapshotTest.exportedPackages()) {
            try (Stream<Path> files = Files.list(classes.resolve(pkg.replace('.', '/')))) {
                for (Path f : files.toList()) {
                    String n = f.getFileName().toString();
                    if (!n.endsWith(".class") || n.contains("$") || n.equals("package-info.class")) continue;
                    String name = pkg + "." + n.substring(0, n.length() - ".class".length());
                    Class<?> type = Class.forName(name, false, JavadocExamplesTest.class.getClassLoader());
                    if (Modifier.isPublic(type.getModifiers())) compiled.add(name);
                }
            }
        }
        assertEquals(compiled, exportedSources().keySet(), "the public types read from "
                + SOURCES.toAbsolutePath() + " differ from the compiled ones: PUBLIC_TYPE misses a declaration form");
    }

    /** The checker itself, on sources made up here, so that it cannot pass by finding nothing. */
    @Test
    void classDocExampleIsFoundAndMethodDocExampleIsNot() {
        String withPre = """
                package p;
                /**
                 * A thing.
                 * <pre>{@code
                 * Thing t = Thing.of();
                 * }</pre>
                 */
                @SuppressWarnings("x")
                public final class Thing {}
                """;
        String withSnippet = """
                package p;
                /** A thing. {@snippet : Thing.of(); } */
                public record Thing(int a) {}
                """;
        String onlyInMethod = """
                package p;
                /** A thing with no example. */
                public enum Thing {
                    A;
                    /** <pre>{@code Thing.A.go(); }</pre> */
                    public void go() {}
                }
                """;
        String noDocAfterFileComment = """
                /** A file comment with <pre>{@code example(); }</pre>, not the class's. */
                package p;
                import java.util.List;
                public class Thing {}
                """;
        assertTrue(hasExample(withPre));
        assertTrue(hasExample(withSnippet));
        assertTrue(!hasExample(onlyInMethod));
        assertTrue(!hasExample(noDocAfterFileComment));
        assertEquals(Optional.of("Thing"), publicTypeName(onlyInMethod));
        assertEquals(Optional.empty(), publicTypeName("package p;\nclass Hidden {\n    public class Inner {}\n}\n"));
    }

    /** Simple name (qualified by package) to source text, for each public top-level type of an exported package. */
    static Map<String, String> exportedSources() throws IOException {
        String moduleInfo = Files.readString(SOURCES.resolve("module-info.java"), StandardCharsets.UTF_8);
        Map<String, String> out = new TreeMap<>();
        Matcher m = EXPORTS.matcher(moduleInfo);
        while (m.find()) {
            String pkg = m.group(1);
            Path dir = SOURCES.resolve(pkg.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList();
            }
            for (Path f : files) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                publicTypeName(text).ifPresent(n -> out.put(pkg + "." + n, text));
            }
        }
        return out;
    }

    static Optional<String> publicTypeName(String source) {
        Matcher m = PUBLIC_TYPE.matcher(source);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Whether the Javadoc comment right before the public top-level declaration holds an example. */
    static boolean hasExample(String source) {
        Matcher m = PUBLIC_TYPE.matcher(source);
        if (!m.find()) return false;
        String before = source.substring(0, m.start());
        // Only annotations may stand between the class comment and the declaration.
        int end = before.lastIndexOf("*/");
        if (end < 0) return false;
        String between = before.substring(end + 2).strip();
        if (!between.isEmpty() && (!between.startsWith("@") || between.contains(";"))) return false;
        int start = before.lastIndexOf("/**", end);
        if (start < 0) return false;
        String doc = before.substring(start, end);
        return doc.contains("<pre>{@code") || doc.contains("{@snippet");
    }
}
