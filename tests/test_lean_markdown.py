"""Python-Markdown with less to do and to hold, and the same HTML (apiscribe.site.lean_markdown):
text the inline step would not change is passed by, and the parsed page is let go."""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path
from typing import Any

import markdown as python_markdown
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apiscribe.pipeline import load
from apiscribe.site import build_site, lean_markdown, write_mkdocs_config
from apiscribe.site.plugin import LEAN_MARKDOWN
from apiscribe.views import markdown

from .conftest import CORPUS
from .test_convert_specs import needs_corpus
from .test_large_spec import GITHUB
from .test_site_workers import project, same_tree

SPECS = sorted((CORPUS / "openapi").glob("*.json")) if CORPUS.is_dir() else []


def site_extensions() -> tuple[list[Any], dict[str, Any]]:
    """The Markdown extensions and their settings of the mkdocs.yml apiscribe writes."""
    config = yaml.safe_load(write_mkdocs_config(title="Site", api_docs=""))
    names: list[Any] = []
    settings_of: dict[str, Any] = {}
    for item in config["markdown_extensions"]:
        if isinstance(item, dict):
            ((name, options),) = item.items()
            names.append(name)
            settings_of[name] = options or {}
        else:
            names.append(item)
    return names, settings_of


EXTENSIONS, SETTINGS = site_extensions()


class Counting:
    """How many texts the extension marked, over the conversions of a test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.marked = 0
        run = lean_markdown._Shield.run

        def counted(shield: lean_markdown._Shield, root: Any) -> None:
            run(shield, root)
            self.marked += len(shield.marked)

        monkeypatch.setattr(lean_markdown._Shield, "run", counted)


def convert(text: str, extensions: list[Any]) -> str:
    md = python_markdown.Markdown(extensions=extensions, extension_configs=SETTINGS)
    html = md.convert(text)
    return html + "\n" + json.dumps(getattr(md, "toc_tokens", []))


def same_both_ways(text: str, extensions: list[Any] = EXTENSIONS) -> bool:
    return convert(text, extensions) == convert(text, [*extensions, LEAN_MARKDOWN])


def pages_of(spec: Path) -> dict[str, str]:
    model, _ = load(str(spec))
    assert model is not None
    return markdown.render(model)


@needs_corpus
@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_every_corpus_page_converts_the_same(
    spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = Counting(monkeypatch)
    pages = pages_of(spec)
    different = [path for path, text in pages.items() if not same_both_ways(text)]
    assert different == []
    assert counting.marked > 0  # the extension did pass text by


@pytest.mark.slow
def test_every_page_of_githubs_description_converts_the_same(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    if not GITHUB.is_file():
        pytest.skip(f"GitHub's REST description is not at {GITHUB} (.ci/run downloads it and "
                    "sets APISCRIBE_GITHUB_SPEC)")
    counting = Counting(monkeypatch)
    pages = pages_of(GITHUB)
    assert len(pages) > 1200
    different = [path for path, text in pages.items() if not same_both_ways(text)]
    assert different == []
    assert counting.marked > 100_000


#: Pieces of Markdown that the inline patterns act on, or nearly do, and the blocks they sit in.
_PIECES = st.sampled_from([
    "text", "two words", " ", "  ", "\n", "  \n", "\n\n", "`", "``", "`code`", "\\", "\\`",
    "\\\\", "*", "**", "_", "__", "*em*", "__strong__", "snake_case_name", "[", "]", "(", ")",
    "[link](page.md)", "[ref][1]", "\n\n[1]: https://example.com\n\n", "![img](a.png)", "!",
    "<", ">", "<b>", "</b>", "<span class=\"x\">", "<https://example.com>", "<a@b.c>", "&",
    "&amp;", "&#42;", "&copy", "{ #anchor }", "{: .klass }", "# ", "## Heading", "| a | b |",
    "\n| --- | --- |\n", "| `x` | y |", "- item", "1. item", "> quote", "    indented",
    "```\ncode\n```", "!!! note\n\n    body", "=== \"tab\"\n\n    body", "\u00e9", "\x02", "\x03",
    "--", "...", "\"quoted\"", "'single'", ":", "|", "\t",
])
_DOCUMENTS = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENTS)
def test_any_document_converts_the_same(text: str) -> None:
    assert same_both_ways(text)


@pytest.mark.parametrize("other", ["pymdownx.mark", "pymdownx.betterem", "pymdownx.magiclink"])
def test_it_steps_aside_beside_other_inline_patterns(
    other: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An extension that adds an inline pattern, or replaces a default one: every text goes
    # through the inline step, and the HTML is still the same.
    counting = Counting(monkeypatch)
    text = "| Name | Type |\n| --- | --- |\n| ==marked== | plain text |\n\nSee https://x.org.\n"
    assert same_both_ways(text, [*EXTENSIONS, other])
    assert counting.marked == 0
    assert same_both_ways(text)
    assert counting.marked > 0


def test_it_steps_aside_when_a_treeprocessor_runs_next_to_the_inline_step(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    class Between(python_markdown.treeprocessors.Treeprocessor):
        def run(self, root: Any) -> None:
            for element in root.iter():
                if element.text == "plain":
                    element.text = "*plain*"  # inline work for the inline step to do

    class Extension(python_markdown.extensions.Extension):
        def extendMarkdown(self, md: python_markdown.Markdown) -> None:
            md.treeprocessors.register(Between(md), "between", 20.001)

    counting = Counting(monkeypatch)
    html = convert("plain\n", [*EXTENSIONS, LEAN_MARKDOWN, Extension()])
    assert html.startswith("<p><em>plain</em></p>")
    assert counting.marked == 0


def test_the_site_is_the_same_without_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # MkDocs' own treeprocessors (links, anchors, the title) and the plugin's pages included.
    counting = Counting(monkeypatch)
    build_site(project(tmp_path / "with", workers=1))
    assert counting.marked > 0
    monkeypatch.setattr(lean_markdown._Shield, "_alone", lambda shield: False)
    build_site(project(tmp_path / "without", workers=1))
    assert same_tree(tmp_path / "with" / "site", tmp_path / "without" / "site")


def test_the_parsed_page_goes_when_the_conversion_ends() -> None:
    # Python-Markdown's parser and Markdown instance hold the tree and the lines after the
    # HTML is made, in cycles only the collector frees; with the extension, they go at once.
    seen: list[weakref.ref[Any]] = []

    class Watch(python_markdown.treeprocessors.Treeprocessor):
        def run(self, root: Any) -> None:
            seen.append(weakref.ref(root))

    class Watching(python_markdown.extensions.Extension):
        def extendMarkdown(self, md: python_markdown.Markdown) -> None:
            md.treeprocessors.register(Watch(md), "watch", 1)

    text = "# Title\n\n| Name | Type |\n| --- | --- |\n| `id` | integer |\n"
    collecting = gc.isenabled()
    gc.disable()
    try:
        kept = python_markdown.Markdown(extensions=[*EXTENSIONS, Watching()],
                                        extension_configs=SETTINGS)
        kept.convert(text)
        lean = python_markdown.Markdown(extensions=[*EXTENSIONS, LEAN_MARKDOWN, Watching()],
                                        extension_configs=SETTINGS)
        html = lean.convert(text)
        assert seen[0]() is not None  # held without the extension
        assert seen[1]() is None
        assert lean.lines == [] and lean.parser.root is None
        assert html == kept.convert(text)
    finally:
        if collecting:
            gc.enable()


def test_it_steps_aside_when_the_inline_step_is_not_python_markdowns(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    class OtherInline(python_markdown.treeprocessors.InlineProcessor):
        pass

    class Replacing(python_markdown.extensions.Extension):
        def extendMarkdown(self, md: python_markdown.Markdown) -> None:
            md.treeprocessors.register(OtherInline(md), "inline", 20)

    counting = Counting(monkeypatch)
    text = "| Name | Type |\n| --- | --- |\n| `id` | plain text |\n"
    assert same_both_ways(text, [*EXTENSIONS, Replacing()])
    assert counting.marked == 0
