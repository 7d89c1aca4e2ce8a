"""The JSON-doc view: one file per endpoint in the format of Sentry's ``api-docs/generate.py``
(:mod:`apiscribe.formats.jsondoc`), and the ``sections.json`` index."""

from __future__ import annotations

from ..formats.jsondoc import render_endpoint
from ..formats.jsondoc_index import FILENAME as INDEX_FILE
from ..formats.jsondoc_index import render_index
from ..model import ApiModel


def render(model: ApiModel) -> dict[str, str]:
    """``{"<section>/<endpoint>.md": text, "sections.json": text}`` for the whole model."""
    tree: dict[str, str] = {}
    for section in model.sections:
        for ep in section.endpoints:
            tree[f"{section.slug}/{ep.name}.md"] = render_endpoint(ep)
    tree[INDEX_FILE] = render_index(model)
    return dict(sorted(tree.items()))
