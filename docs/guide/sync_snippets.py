#!/usr/bin/env python3
"""Refreshes the guide's code blocks from the compiled example sources.

Each ```java block right after a line `<!-- snippet: File.java#tag -->` is replaced by the lines
between `// tag::tag[]` and `// end::tag[]` in File.java (examples/src/main or src/test),
dedented. examples' GuideSnippetsTest fails when a block and its source differ, so run this after
editing a snippet:  python3 docs/guide/sync_snippets.py
"""
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
ROOTS = [HERE.parent.parent / "examples/src/main/java", HERE.parent.parent / "examples/src/test/java"]
MARKER = re.compile(r"<!-- snippet: ([\w.]+)#([\w-]+) -->")


def snippet(file, tag):
    for root in ROOTS:
        for p in root.rglob(file):
            lines = p.read_text().splitlines()
            strip = [l.strip() for l in lines]
            start = strip.index(f"// tag::{tag}[]") + 1
            end = strip.index(f"// end::{tag}[]")
            body = lines[start:end]
            indent = min(len(l) - len(l.lstrip()) for l in body if l.strip())
            return [l[indent:] if l.strip() else "" for l in body]
    raise SystemExit(f"no source file {file}")


for page in sorted(HERE.glob("*.md")):
    lines = page.read_text().splitlines()
    out, i = [], 0
    while i < len(lines):
        out.append(lines[i])
        m = MARKER.fullmatch(lines[i])
        if m and i + 1 < len(lines) and lines[i + 1].startswith("```java"):
            out.append(lines[i + 1])
            j = i + 2
            while not lines[j].startswith("```"):
                j += 1
            out.extend(snippet(m.group(1), m.group(2)))
            out.append(lines[j])
            i = j + 1
            continue
        i += 1
    page.write_text("\n".join(out) + "\n")
