package io.jasyncio.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every code block of the guide is a snippet of compiled source: a Markdown block preceded by
 * {@code <!-- snippet: File.java#name -->} must equal (dedented) the lines between
 * {@code // tag::name[]} and {@code // end::name[]} in that file under the examples' sources. A
 * guide block without a marker fails too, so no uncompiled code slips in.
 */
class GuideSnippetsTest {
    private static final Path DOCS = Path.of("../docs/guide");
    private static final List<Path> SOURCES = List.of(Path.of("src/main/java"), Path.of("src/test/java"));
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: ([\\w.]+)#([\\w-]+) -->");

    @Test
    void everyCodeBlockInTheGuideMatchesItsCompiledSource() throws IOException {
        List<Path> pages;
        try (Stream<Path> s = Files.list(DOCS)) {
            pages = s.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
        assertThat(pages).as("guide pages in %s", DOCS.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(6);
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).startsWith("```java")) continue;
                Matcher m = i > 0 ? MARKER.matcher(lines.get(i - 1)) : null;
                if (m == null || !m.matches()) {
                    problems.add(page.getFileName() + ":" + (i + 1) + ": a java block without a snippet marker");
                    continue;
                }
                int end = i + 1;
                while (!lines.get(end).startsWith("```")) end++;
                String inDoc = String.join("\n", lines.subList(i + 1, end));
                String inSource = snippet(m.group(1), m.group(2));
                if (!inDoc.equals(inSource)) {
                    problems.add(page.getFileName() + ":" + (i + 1) + ": differs from " + m.group(1) + "#" + m.group(2)
                            + "; the source says:\n" + inSource);
                }
                checked++;
                i = end;
            }
        }
        assertThat(problems).isEmpty();
        assertThat(checked).isGreaterThanOrEqualTo(10);
    }

    /** The tagged lines of {@code file}, with their common indentation removed. */
    static String snippet(String file, String tag) throws IOException {
        Path found = null;
        for (Path root : SOURCES) {
            try (Stream<Path> s = Files.walk(root)) {
                found = s.filter(p -> p.getFileName().toString().equals(file)).findFirst().orElse(found);
            }
        }
        if (found == null) throw new AssertionError("no source file " + file);
        List<String> lines = Files.readAllLines(found);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.equals("// tag::" + tag + "[]")) start = i + 1;
            if (t.equals("// end::" + tag + "[]")) end = i;
        }
        if (start < 0 || end < start) throw new AssertionError("no snippet " + tag + " in " + found);
        List<String> body = lines.subList(start, end);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        List<String> out = new ArrayList<>();
        for (String l : body) out.add(l.isBlank() ? "" : l.substring(indent));
        return String.join("\n", out);
    }
}
