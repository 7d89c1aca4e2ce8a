"""The one writer: puts a rendered ``{relative path: text}`` tree on disk, or a finished folder
(a built site) in the place of the old one.

Files are replaced atomically (write to a temporary file in the same folder, then
``os.replace``) and only when their bytes change. Paths that would land outside the output
folder are refused. Every command counts what it wrote the same way: a :class:`WriteReport`
of the files whose bytes changed, those left as they were, and those removed.
"""

from __future__ import annotations

import filecmp
import os
import shutil
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



def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def replace_tree(source: Path, target: Path) -> WriteReport:
    """Put the finished folder ``source`` in the place of ``target``, and remove ``source``.

    A missing ``target`` is ``source`` renamed. Otherwise each file of ``target`` whose bytes
    differ is replaced atomically by its counterpart, the others are left as they are, and the
    files ``source`` does not have are removed (with the folders they leave empty).
    """
    files = _files(source)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, target)
        return WriteReport(written=files)
    report = WriteReport()
    for rel in files:
        new, old = source / rel, target / rel
        if old.is_file() and filecmp.cmp(new, old, shallow=False):
            report.unchanged.append(rel)
            continue
        if old.is_dir():
            shutil.rmtree(old)
        old.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, old)
        report.written.append(rel)
    kept = set(files)
    for existing in sorted(target.rglob("*"), reverse=True):
        rel = existing.relative_to(target).as_posix()
        if existing.is_file() and rel not in kept:
            existing.unlink()
            report.removed.append(rel)
        elif existing.is_dir() and not any(existing.iterdir()):
            existing.rmdir()
    report.removed.sort()
    shutil.rmtree(source, ignore_errors=True)
    return report


def merge(*parts: tuple[str, WriteReport]) -> WriteReport:
    """One report of several writes: ``(folder prefix, report)`` pairs."""
    out = WriteReport()
    for prefix, report in parts:
        out.written += [prefix + p for p in report.written]
        out.unchanged += [prefix + p for p in report.unchanged]
        out.removed += [prefix + p for p in report.removed]
    return out
