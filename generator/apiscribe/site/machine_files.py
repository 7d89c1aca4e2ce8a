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

A build's files for machines are a :class:`MachineFiles`: ``llms.txt`` in memory, and the
OpenAPI document in a temporary folder from which MkDocs copies it, so that the build
process never holds it (19 MB on GitHub's description, alive at the build's peak of memory
when it was held: BENCHMARKS.md, "Issue 13, a thirteenth pass").
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote, urljoin

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

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


def write_openapi_json(model: ApiModel, folder: Path,
                       memo: openapi_view.OpenApiMemo | None = None) -> Path:
    """:func:`openapi_json` written to ``folder`` (made where it is called: in a fork, the
    build process gets only the path)."""
    path = folder / OPENAPI_JSON
    path.write_bytes(openapi_json(model, memo))
    return path


class MadeFile(File):
    """A file this build made in :meth:`MachineFiles.folder`: copied by every build, dirty or
    not, as a file held in memory is (its time says nothing of the site's copy)."""

    def is_modified(self) -> bool:
        return True


class MachineFiles:
    """The files for machines of one build, by their path in the site: text, or a file of
    :meth:`folder` that MkDocs copies (see the module docstring). The folder stays until the
    next build starts, the build fails, or MkDocs shuts down, so that every plugin's
    ``on_post_build`` still finds the file."""

    def __init__(self) -> None:
        self.made: dict[str, str | bytes | Path] = {}
        self._folder: Path | None = None

    def __contains__(self, path: str) -> bool:
        return path in self.made

    def folder(self) -> Path:
        """A temporary folder of this build's, removed by :meth:`clear`."""
        if self._folder is None:
            self._folder = Path(tempfile.mkdtemp(prefix="apiscribe-machine-files-"))
        return self._folder

    def add_to(self, files: Files, config: MkDocsConfig) -> None:
        """Adds a generated file for each file made, but where docs_dir has its own."""
        for path, made in self.made.items():
            if files.get_file_from_path(path) is not None:
                continue
            if isinstance(made, Path):
                files.append(MadeFile.generated(config, path, abs_src_path=str(made)))
            else:
                files.append(File.generated(config, path, content=made))

    def clear(self) -> None:
        """Forgets the files made, and removes the folder."""
        self.made = {}
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None


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
