"""The files for machines that the built site carries beside its pages.

- ``llms.txt`` at the site's root (the llms.txt convention: an H1 title, a blockquote
  summary, then one H2 per section with a ``- [title](url): summary`` line per endpoint, and
  an ``Optional`` section for the OpenAPI document and the schemas page);
- a Markdown twin of every API page, the page's own Markdown at its source path
  (``releases/get-organization-releases.md`` beside ``releases/get-organization-releases/``),
  which is what ``llms.txt`` links to;
- ``openapi.json``, the OpenAPI 3.1 document of the model, at the root.

Links are relative to the site's root, so they hold under any sub-path; with a ``site_url``
the links of ``llms.txt`` are absolute.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urljoin

from ..model import ApiModel, Endpoint
from ..views import markdown
from ..views import openapi as openapi_view
from ..views.exchanges import endpoint_path
from ..views.markdown_filters import md_cell, md_code, md_link_text
from ..writer import encode

LLMS_TXT = "llms.txt"
OPENAPI_JSON = openapi_view.FILENAME
#: The longest summary of an endpoint in ``llms.txt``, in characters.
SUMMARY_LENGTH = 160
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def summary(text: str) -> str:
    """The first sentence of a description's first paragraph, on one line, at most
    :data:`SUMMARY_LENGTH` characters."""
    paragraph = text.strip().split("\n\n", 1)[0]
    line = " ".join(paragraph.split())
    line = _SENTENCE_END.split(line, 1)[0]
    if len(line) > SUMMARY_LENGTH:
        line = line[:SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return line


def _endpoint_line(model: ApiModel, ep: Endpoint, href: str) -> str:
    said = summary(ep.description)
    what = md_code(f"{ep.method.upper()} {endpoint_path(model, ep)}")
    return f"- [{md_link_text(ep.display_title)}]({href}): {what}" + (
        f" — {md_cell(said)}" if said else "")


def llms_txt(model: ApiModel, *, site_url: str = "", openapi: bool = True) -> str:
    """The ``llms.txt`` of the site: every endpoint with a one-line summary and a link to its
    page's Markdown twin."""
    def href(path: str) -> str:
        relative = quote(path)
        return urljoin(site_url if site_url.endswith("/") else site_url + "/", relative) \
            if site_url else relative

    title = model.title or "API Reference"
    about = summary(model.description) or f"The reference of {title}: every endpoint with " \
        "its parameters, request body and responses."
    lines = [f"# {md_link_text(title)}", "", f"> {md_cell(about)}", "",
             "Each link leads to the Markdown of an endpoint's page.", ""]
    for (slug, entries), section in zip(markdown.page_paths(model).items(),
                                        markdown.page_sections(model), strict=True):
        if not entries:
            continue
        lines += [f"## {md_link_text(section.title or section.slug)}", ""]
        lines += [_endpoint_line(model, ep, href(f"{slug}/{stem}.md")) for stem, ep in entries]
        lines.append("")
    optional = []
    if openapi:
        optional.append(f"- [OpenAPI document]({href(OPENAPI_JSON)}): the whole API as "
                        "OpenAPI 3.1 (JSON)")
    if markdown.has_schemas_page(model):
        optional.append(f"- [Schemas]({href(markdown.SCHEMAS_PAGE)}): every named schema "
                        "with its fields")
    if optional:
        lines += ["## Optional", "", *optional, ""]
    return "\n".join(lines)


def openapi_json(model: ApiModel, memo: openapi_view.OpenApiMemo | None = None) -> bytes:
    """The OpenAPI 3.1 document of the model, as ``apiscribe convert --to openapi`` writes
    it: UTF-8 (as text, one character beyond U+FFFF would make Python hold four bytes for
    each of GitHub's 15 million characters until the build ends); ``memo``: the last
    build's parts, in the process of ``mkdocs serve``."""
    return encode(openapi_view.render(model, memo=memo)[OPENAPI_JSON])


def home_section(*, openapi: bool, llms: bool, twins: bool) -> str:
    """What the home page says of the files for machines (appended to it); links are
    relative to the home page, at the root."""
    lines = []
    if openapi:
        lines.append(f"- [OpenAPI document]({OPENAPI_JSON}): the whole API as OpenAPI 3.1, "
                     "for code generators and API tools.")
    if llms:
        lines.append(f"- [llms.txt]({LLMS_TXT}): every endpoint with a one-line summary, "
                     "for language models.")
    if twins:
        lines.append("- The Markdown of every page is beside it: the page's address with `.md` "
                     "in place of its trailing slash (a section's is the `index.md` in its "
                     "folder).")
    if not lines:
        return ""
    return "\n".join(["", "## Machine-readable", "", *lines, ""])
