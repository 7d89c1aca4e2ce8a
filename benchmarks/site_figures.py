"""Figures of a site that `apiscribe convert SPEC --to site --out OUT` built, quoted in
BENCHMARKS.md: how much of the page HTML is code, how many navigation items the pruned
navigation renders over the whole site and in its largest page, and the size of the search
index.

    /work/venv/bin/python benchmarks/site_figures.py OUT
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ARTICLE = re.compile(r"<article\b.*?</article>", re.S)
CODE = re.compile(r"<pre\b.*?</pre>", re.S)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the --out folder: project/ and site/")
    out = parser.parse_args().out
    tags = code_tags = pages = 0
    for page in sorted((out / "site").rglob("index.html")):
        match = ARTICLE.search(page.read_text(encoding="utf-8"))
        if match:
            pages += 1
            tags += match.group(0).count("<")
            code_tags += sum(block.count("<") for block in CODE.findall(match.group(0)))
    print(f"pages with an article: {pages}")
    print(f"tags in the articles: {tags}, in code blocks: {code_tags} ({code_tags / tags:.0%})")
    # What the pruned navigation really renders: the items of each page's primary nav (the
    # page's own table of contents, the secondary nav, left out).
    rendered = []
    for page in sorted((out / "site").rglob("index.html")):
        text = page.read_text(encoding="utf-8")
        start, end = text.find("md-nav--primary"), text.find("md-nav--secondary")
        nav = text[start:end if end > start else len(text)]
        rendered.append((nav.count('<li class="md-nav__item'), page.parent.name))
    most = max(rendered)
    print(f"navigation items rendered over all pages: {sum(n for n, _ in rendered)}, "
          f"most in one page: {most[0]} ({most[1]})")
    index = out / "site" / "search" / "search_index.json"
    print(f"search index: {index.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
