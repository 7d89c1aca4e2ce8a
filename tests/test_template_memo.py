"""The theme's templates compiled once per process (apiscribe.site.template_memo)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment, FileSystemBytecodeCache
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from apiscribe.site.template_memo import TemplateMemo

from .test_site_workers import project, same_tree

#: The templates Material's search plugin renders in ``on_config``, in a Jinja environment
#: it makes itself (the plugin's memo is given the build's environment only).
LANGUAGE = {"partials/language.html", "partials/languages/en.html"}


@pytest.fixture
def compiled(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The names of the templates Jinja compiles, in order."""
    names: list[str | None] = []
    original = Environment.compile

    def counting(self: Environment, source: Any, name: str | None = None, *args: Any,
                 **kwargs: Any) -> Any:
        names.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counting)
    return names


def upper(text: str) -> str:
    return text.upper()


def lower(text: str) -> str:
    return text.lower()


def environment(templates: dict[str, str], memo: TemplateMemo, **filters: Any) -> Environment:
    env = Environment(loader=DictLoader(templates))
    env.filters.update(filters)
    memo.install(env)
    return env


def test_a_later_environment_reuses_the_compiled_templates(compiled: list[str | None]) -> None:
    memo = TemplateMemo()
    templates = {"page.html": "{% include 'nav.html' %} {{ title }}", "nav.html": "<nav>"}
    first = environment(templates, memo).get_template("page.html").render(title="A")
    assert sorted(map(str, compiled)) == ["nav.html", "page.html"]
    compiled.clear()
    again = environment(templates, memo).get_template("page.html").render(title="A")
    assert (compiled, again) == ([], first)
    # A changed source is compiled again; the other template is still the memo's.
    templates = {**templates, "nav.html": "<nav class='x'>"}
    assert environment(templates, memo).get_template("page.html").render(title="A") == (
        "<nav class='x'> A")
    assert compiled == ["nav.html"]


def test_an_environment_unlike_the_last_starts_the_memo_afresh(
    compiled: list[str | None]
) -> None:
    # Jinja folds constants with the filters it has while it compiles: "{{ 'a'|shout }}" is
    # compiled to "A", so the code of one filter cannot serve another.
    memo = TemplateMemo()
    templates = {"page.html": "{{ 'Ab'|shout }}"}
    assert environment(templates, memo, shout=upper).get_template("page.html").render() == "AB"
    assert environment(templates, memo, shout=lower).get_template("page.html").render() == "ab"
    assert len(compiled) == 2
    settings = Environment(loader=DictLoader(templates), trim_blocks=True)
    settings.filters["shout"] = lower
    memo.install(settings)
    settings.get_template("page.html")
    assert len(compiled) == 3


def test_an_environment_with_a_bytecode_cache_of_its_own_keeps_it(tmp_path: Path) -> None:
    env = Environment(loader=DictLoader({}))
    own = env.bytecode_cache = FileSystemBytecodeCache(str(tmp_path))
    TemplateMemo().install(env)
    assert env.bytecode_cache is own


def test_the_rebuilds_of_one_process_compile_the_theme_once(
    tmp_path: Path, compiled: list[str | None]
) -> None:
    # As `mkdocs serve` rebuilds: the configuration loaded again, the plugin kept.
    config_file = project(tmp_path / "served", workers=1)
    docs = tmp_path / "served" / "docs"
    sites = []
    for number in range(3):
        if number == 2:
            (docs / "page-03.md").write_text("# Changed\n\nA new body.\n", encoding="utf-8")
        site = tmp_path / f"site-{number}"
        config = load_config(str(config_file), site_dir=str(site))
        if number == 0:  # MkDocs keeps the plugin across this process's earlier builds too
            config.plugins["apiscribe"]._templates = TemplateMemo()
        config.plugins.on_startup(command="serve", dirty=False)
        compiled.clear()
        mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
        config.plugins.on_shutdown()
        sites.append(site)
        if number == 0:
            assert {"main.html", "base.html", "partials/nav.html"} <= set(compiled)
        else:  # only what Material's search plugin reads through an environment of its own
            assert set(compiled) == LANGUAGE, compiled
    assert same_tree(sites[0], sites[1])
    # The last build, after an edit, is the build of a fresh process.
    cold = tmp_path / "cold"
    config = load_config(str(config_file), site_dir=str(cold))
    config.plugins["apiscribe"]._templates = TemplateMemo()
    config.plugins.on_startup(command="serve", dirty=False)
    mkdocs_build(config, serve_url="http://127.0.0.1:8000/")
    config.plugins.on_shutdown()
    assert same_tree(sites[2], cold)
    assert "A new body." in (sites[2] / "page-03" / "index.html").read_text("utf-8")
