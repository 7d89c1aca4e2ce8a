"""The mkdocs.yml apiscribe writes, and the navigation of the API pages."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import yaml

from ..documents.fetch import is_url
from ..documents.load import DOCUMENT_SUFFIXES
from ..model import ApiModel
from ..views import markdown

#: Where ``apiscribe generate`` puts the JSON docs, relative to mkdocs.yml.
DEFAULT_API_DOCS = "api-docs/endpoints"
HOME_TITLE = "Home"
SCHEMAS_TITLE = "Schemas"
#: A section with more endpoints than this is split into subsections in the navigation.
NAV_SECTION_LIMIT = 50


def site_nav(model: ApiModel) -> list[dict[str, Any]]:
    """The navigation: Home, then one entry per section (its index page, then its endpoints),
    then the schemas page when the model has named schemas.

    A section of more than :data:`NAV_SECTION_LIMIT` endpoints is split into subsections
    (:func:`_split`), so that no page's navigation lists hundreds of siblings. Section titles
    are HTML-escaped (the theme prints nav titles as they are); page titles come from each
    page's heading, which the Markdown view has escaped already.
    """
    nav: list[dict[str, Any]] = [{HOME_TITLE: "index.md"}]
    for (slug, entries), section in zip(
        markdown.page_paths(model).items(), markdown.page_sections(model), strict=True
    ):
        pages = [f"{slug}/index.md",
                 *_split([(f"{slug}/{stem}.md", ep.api_path) for stem, ep in entries])]
        nav.append({html.escape(section.title or section.slug): pages})
    if markdown.has_schemas_page(model):
        nav.append({SCHEMAS_TITLE: markdown.SCHEMAS_PAGE})
    return nav


def _segments(path: str) -> list[str]:
    return [part for part in path.split("/") if part]


def _split(pages: list[tuple[str, str]], depth: int = 0) -> list[Any]:
    """``pages`` (``(page, API path)``, in order) as nav items: as they are up to
    :data:`NAV_SECTION_LIMIT`, else grouped by the first literal path segment after the
    segments all of them share (``/repos/{owner}/{repo}/branches/…`` → "Branches"), each
    group in the order of its first page, and split again (once) when still too large. Pages
    with no such segment stay at the top; a split that would make one group is not made."""
    if len(pages) <= NAV_SECTION_LIMIT or depth > 1:
        return [page for page, _ in pages]
    paths = [_segments(path) for _, path in pages]
    shared = 0
    while all(len(p) > shared and p[shared] == paths[0][shared] for p in paths):
        shared += 1
    groups: dict[str, list[tuple[str, str]]] = {}
    for (page, path), segments in zip(pages, paths, strict=True):
        key = next((s for s in segments[shared:] if not s.startswith("{")), "")
        groups.setdefault(key, []).append((page, path))
    if len(groups) < 2:
        return [page for page, _ in pages]
    items: list[Any] = [page for page, _ in groups.pop("", [])]
    for key, members in groups.items():
        title = html.escape(key.replace("-", " ").replace("_", " ").capitalize())
        items.append({title: _split(members, depth + 1)})
    return items


_MKDOCS_YML = """\
{comment}
{site_name}
docs_dir: {docs_dir}
site_dir: {site_dir}
theme:
  name: material
  font: false  # system fonts: the site loads nothing from other hosts
  features:
    # Large sites: the full navigation is rendered into every page, so its cost grows with
    # the square of the page count. navigation.prune renders only the active section (with
    # small sections and their index pages); navigation.sections and navigation.expand would
    # render every section in full, so both stay off.
    - navigation.indexes
    - navigation.prune
    - content.code.copy
    - content.tabs.link
    - search.highlight
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
plugins:
  - search
{plugin}markdown_extensions:
  - admonition
  - attr_list
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - tables
  - toc:
      permalink: true
"""


def _scalar(value: str) -> str:
    dumped: str = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return dumped.removesuffix("\n...\n").rstrip("\n")


def _comment(api_docs: str) -> str:
    if not api_docs:
        return ("# The MkDocs Material site of the API reference, rendered by apiscribe; the "
                "API pages are\n# in docs_dir already.")
    what = ("the API description at" if is_url(api_docs)
            or api_docs.lower().endswith(DOCUMENT_SUFFIXES) else "the JSON docs in")
    return (
        "# The MkDocs Material site of the API reference. The apiscribe plugin renders every "
        f"API\n# page from {what} "
        f"{' '.join(api_docs.split())} on each `mkdocs build` and `mkdocs serve`."
    )


def write_mkdocs_config(
    *,
    title: str,
    api_docs: str = DEFAULT_API_DOCS,
    docs_dir: str = "docs",
    site_dir: str = "site",
    allow_remote_refs: bool = False,
    generate: bool = False,
    watch: Sequence[str] = (),
) -> str:
    """The text of a mkdocs.yml for an API reference site (paths relative to the file).

    ``api_docs`` names what the plugin renders the API pages from: a JSON docs folder, or an
    OpenAPI/Swagger file or URL; ``""`` when the pages are in ``docs_dir`` already. Plain
    ``mkdocs`` needs ``docs_dir`` to exist (it may be empty); :func:`~.build.build_site`
    creates it. ``generate`` and ``watch`` set the plugin's options of those names (run
    ``apiscribe generate`` before each build; more paths ``mkdocs serve`` follows). The title
    is HTML-escaped for ``site_name``: the theme prints it as it is.
    """
    site_name = yaml.safe_dump(
        {"site_name": html.escape(title)}, allow_unicode=True, width=1_000_000
    ).rstrip("\n")
    plugin = f"  - apiscribe:\n      api_docs: {_scalar(api_docs)}\n"
    if allow_remote_refs:
        plugin += "      allow_remote_refs: true\n"
    if generate:
        plugin += "      generate: true\n"
    if watch:
        plugin += "      watch:\n" + "".join(f"        - {_scalar(path)}\n" for path in watch)
    text = _MKDOCS_YML.format(
        comment=_comment(api_docs),
        site_name=site_name,
        plugin=plugin,
        docs_dir=_scalar(docs_dir),
        site_dir=_scalar(site_dir),
    )
    return text
