"""The build stamp: a site built from the same inputs by the same code is not built again.

The stamp is a SHA-256 over everything a site build reads:

- the inputs the command names (a spec file, a JSON docs folder, mkdocs.yml, docs_dir), file
  by file, names and bytes;
- the command's own options that change the output (given as text);
- apiscribe's own code, templates and stylesheet, byte for byte (so an edited template or a
  new release rebuilds), and the versions of MkDocs, Material and the Markdown packages.

A finished build writes the stamp, with what the run said (its diagnostics) and how many
endpoints it documented, into :data:`STAMP_FILE` in the site folder; the next run with the
same stamp leaves the site as it is and says so, repeating those diagnostics. A URL as input
has no stamp: what it serves can change at any time.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..digests import Digest, code_digest, files_under

#: The stamp file in a built site.
STAMP_FILE = ".apiscribe-stamp"


def build_stamp(inputs: Sequence[Path], options: Sequence[str] = ()) -> str:
    """The stamp of a site build that reads ``inputs`` with ``options`` (see the module)."""
    digest = Digest("apiscribe build stamp 2", code_digest(), *options)
    for number, given in enumerate(inputs):  # by place, not name: a moved project is the same
        digest.add(f"input {number}")
        found = list(files_under(given))
        digest.add(str(len(found)))  # a missing folder reads as an empty one
        for path in found:
            digest.add(path.relative_to(given).as_posix() if path != given else "",
                       path.read_bytes())
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class Stamp:
    """What a finished build left in its site: its stamp, endpoint count and diagnostics."""

    stamp: str
    endpoints: int
    diagnostics: tuple[Diagnostic, ...] = ()

    def text(self) -> str:
        return json.dumps({"stamp": self.stamp, "endpoints": self.endpoints,
                           "diagnostics": [dataclasses.asdict(d) for d in self.diagnostics]},
                          indent=1, sort_keys=True) + "\n"


def read_stamp(site_dir: Path) -> Stamp | None:
    """The stamp of the site in ``site_dir``; ``None`` when there is none (or it is broken)."""
    try:
        data: Any = json.loads((site_dir / STAMP_FILE).read_text(encoding="utf-8"))
        return Stamp(str(data["stamp"]), int(data["endpoints"]),
                     tuple(Diagnostic(**d) for d in data["diagnostics"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def unchanged(site_dir: Path, stamp: str) -> Stamp | None:
    """The site's stamp when it equals ``stamp`` and the site is still there, else ``None``."""
    found = read_stamp(site_dir)
    if found is None or found.stamp != stamp or not (site_dir / "index.html").is_file():
        return None
    return found
