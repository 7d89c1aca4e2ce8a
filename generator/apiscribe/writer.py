"""The one writer: puts a rendered ``{relative path: text}`` tree on disk.

Files are replaced atomically (write to a temporary file in the same folder, then
``os.replace``) and only when their bytes change. Paths that would land outside the output
folder are refused.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .diagnostics import ApiscribeError

Tree = Mapping[str, str]


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def safe_relative(path: str) -> PurePosixPath:
    """Return ``path`` as a relative POSIX path, refusing absolute paths and ``..``."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or not pure.parts or any(p in ("..", "") for p in pure.parts):
        raise ApiscribeError(f"refusing to write outside the output folder: {path!r}")
    return pure


def encode(text: str) -> bytes:
    return text.encode("utf-8")


def write_file_atomic(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` atomically; return False when the bytes were unchanged."""
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_tree(
    out_dir: Path, tree: Tree, *, prune: Iterable[str] = ()
) -> WriteReport:
    """Write ``tree`` under ``out_dir``.

    ``prune`` lists glob patterns (relative to ``out_dir``) of files this writer owns: those
    matching files that are not in ``tree`` are removed, so a deleted endpoint's doc goes.
    """
    report = WriteReport()
    rel_paths = {str(safe_relative(p)): text for p, text in tree.items()}
    for rel in sorted(rel_paths):
        if write_file_atomic(out_dir / rel, encode(rel_paths[rel])):
            report.written.append(rel)
        else:
            report.unchanged.append(rel)
    for pattern in prune:
        for existing in sorted(out_dir.glob(pattern)):
            rel = existing.relative_to(out_dir).as_posix()
            if existing.is_file() and rel not in rel_paths:
                existing.unlink()
                report.removed.append(rel)
    return report

