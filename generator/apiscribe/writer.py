"""The one writer: puts a rendered ``{relative path: text}`` tree on disk, or a finished folder
(a built site) in the place of the old one.

Files are replaced atomically (write to a temporary file in the same folder, then
``os.replace``) and only when their bytes change, so a run that is killed leaves every file
either as it was or complete. Its temporary files (``.apiscribe-<pid>-<random>.tmp``) are
hidden, never read as outputs, and removed by the next write to their folder once the process
that made them is gone. Paths that would land outside the output folder are refused, and so
are names that some system cannot hold or that would be one file there
(:func:`writable`). A file that cannot be written stops the run with an
:class:`ApiscribeError` that names it. Every command counts what it wrote the same way: a
:class:`WriteReport` of the files whose bytes changed, those left as they were, and those
removed.
"""

from __future__ import annotations

import errno
import filecmp
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NoReturn

from .diagnostics import ApiscribeError, Diagnostic, error
from .names import file_name_problem, same_file_key

Tree = Mapping[str, str]

#: The writer's temporary files: hidden, and named after the process writing them.
_TEMP = re.compile(r"\.apiscribe-(\d+)-\w+\.tmp\Z")

_HINTS = {
    errno.ENOSPC: "free some disk space, then run again",
    errno.EDQUOT: "free some disk space, then run again",
    errno.EFBIG: "the file is larger than this process may write (ulimit -f)",
    errno.EROFS: "the file system is read-only: choose another output folder",
    errno.EACCES: "make the output folder writable, or choose another one",
    errno.EPERM: "make the output folder writable, or choose another one",
}


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def safe_relative(path: str) -> PurePosixPath:
    """Return ``path`` as a relative POSIX path, refusing absolute paths, ``..`` and NUL."""
    pure = PurePosixPath(path)
    if (pure.is_absolute() or not pure.parts or "\0" in path
            or any(p in ("..", "") for p in pure.parts)):
        raise ApiscribeError(f"refusing to write outside the output folder: {path!r}")
    return pure


def encode(text: str) -> bytes:
    return text.encode("utf-8")


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Turn a failed file operation on ``path`` into an error that names it."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ApiscribeError(f"cannot write {path}: {reason}", hint=_HINTS.get(
            exc.errno or 0, "files written before it are complete; the others are as they "
            "were")) from exc


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process, or no way to tell: keep its file
        return True
    return True


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove the writer's temporary files in ``folder`` that a killed run left behind (those
    of a process that is still running are kept); return their names."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found and not _alive(int(found[1])) and entry.is_file(follow_symlinks=False):
            with suppress(OSError):  # a folder it cannot write to fails later, with its name
                Path(entry.path).unlink(missing_ok=True)
                removed.append(entry.name)
    return removed


#: What stands for a file's bytes between two looks at it: its size, modification time and
#: inode (a file written again in between has another, at the least another inode).
Stamp = tuple[int, int, int]


def _stamp(found: os.stat_result) -> Stamp:
    return found.st_size, found.st_mtime_ns, found.st_ino


def _holding(target: Path, data: bytes) -> Stamp | None:
    """The stamp of ``target`` if it is a regular file of exactly ``data``, else ``None``
    (only a regular file is read: a FIFO put in its place would never answer; one missing or
    unreadable is written, where a real problem is said)."""
    try:
        with os.fdopen(os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            found = os.fstat(file.fileno())
            if not stat.S_ISREG(found.st_mode) or found.st_size != len(data):
                return None
            return _stamp(found) if file.read() == data else None
    except OSError:
        return None


def write_file_atomic(target: Path, data: bytes, *, mode: int = 0o644) -> bool:
    """Write ``data`` to ``target`` atomically, with the permissions ``mode``; return False
    when the bytes were unchanged.

    A failure raises :class:`ApiscribeError` naming ``target``, which keeps its old bytes."""
    if _holding(target, data) is not None:
        return False
    write_parts_atomic(target, [data], mode=mode)
    return True


def write_parts_atomic(target: Path, parts: Iterable[bytes | memoryview], *,
                       mode: int = 0o644) -> None:
    """Write ``parts``, one after the other, to ``target`` atomically, with the permissions
    ``mode``, and without reading the file first: for a cache file that its writer knows has
    changed (:func:`write_file_atomic` compares). A failure raises :class:`ApiscribeError`
    naming ``target``, which keeps its old bytes."""
    with _writing(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".apiscribe-{os.getpid()}-", suffix=".tmp",
                                   dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(parts)  # never joined: a large part is written as it is
            os.chmod(tmp, mode)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _clashes(paths: Iterable[str]) -> list[list[str]]:
    """Groups of paths that would be one file, or a file and a folder, on a case-insensitive
    or normalizing file system."""
    files: dict[str, list[str]] = {}
    folders: dict[str, str] = {}
    for rel in sorted(paths):
        files.setdefault(same_file_key(rel), []).append(rel)
        parts = rel.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault(same_file_key("/".join(parts[:depth])), rel)
    groups = [group for group in files.values() if len(group) > 1]
    groups += [[*group, folders[key]] for key, group in files.items() if key in folders]
    return sorted(groups)


def writable(tree: Tree, out_dir: Path) -> tuple[dict[str, str], list[Diagnostic]]:
    """Split ``tree`` into what can be written under ``out_dir`` and an error for each path
    that cannot: one outside the folder, one with a name some system cannot hold (a Windows
    device name such as ``CON``, a control character, over 255 bytes), and every path of a
    group that would be one file on a case-insensitive file system (none of them is written,
    so none overwrites another)."""
    problems: list[Diagnostic] = []
    kept: dict[str, str] = {}
    for rel, text in tree.items():
        try:
            pure = safe_relative(rel)
        except ApiscribeError as exc:
            problems.append(error("unsafe-path", exc.message, file=str(out_dir)))
            continue
        reasons = [(part, why) for part in pure.parts if (why := file_name_problem(part))]
        if reasons:
            part, why = reasons[0]
            problems.append(error(
                "unsafe-path", f"not written: the name {part!r} {why}", file=str(out_dir / rel),
                hint="rename the endpoint or section (an operationId, a tag, a file name)"))
            continue
        kept[pure.as_posix()] = text
    for group in _clashes(kept):
        listed = ", ".join(repr(p) for p in group[:-1]) + f" and {group[-1]!r}"
        problems.append(error(
            "path-clash", f"{listed} would be one file on a case-insensitive file system "
            "(macOS, Windows): none of them is written", file=str(out_dir / group[0]),
            hint="give the endpoints or sections names that differ in more than case"))
        for rel in group:
            kept.pop(rel, None)
    return kept, problems


@dataclass
class PreparedTree:
    """A tree split into what can be written under ``out_dir`` (``files``) and an error for
    each path that cannot (``refused``, :func:`writable`), and compared with the folder: the
    bytes of the files that differ (``changed``), and the paths of those that are the same.
    A run prepares its output while it still waits to know whether it may write it, and
    then writes only what changed (:meth:`write`): a file that was the same but has changed
    since (another stamp) is compared, and written, then."""

    out_dir: Path
    files: dict[str, str]
    refused: list[Diagnostic]
    changed: dict[str, bytes]
    #: the paths of the files that held the bytes, and their stamps then
    unchanged: dict[str, Stamp]

    def write(self, *, prune: Iterable[str] = ()) -> WriteReport:
        """Write the changed files of ``files`` (those ``refused`` are not written).

        ``prune`` lists glob patterns (relative to ``out_dir``) of files this writer owns:
        those matching files that are not in the tree are removed, so a deleted endpoint's
        doc goes."""
        out_dir = self.out_dir
        report = WriteReport()
        for folder in sorted({(out_dir / rel).parent for rel in self.files}):
            remove_stale_temporaries(folder)
        changed = dict(self.changed)
        for rel, stamp in self.unchanged.items():  # each as it was then, or compared again
            try:
                same = _stamp(os.stat(out_dir / rel)) == stamp
            except OSError:
                same = False
            if same:
                report.unchanged.append(rel)
            else:
                changed[rel] = encode(self.files[rel])
        for rel in sorted(changed):  # compared again: a file may have changed since
            (report.written if write_file_atomic(out_dir / rel, changed[rel])
             else report.unchanged).append(rel)
        report.unchanged.sort()
        for pattern in prune:
            for existing in sorted(out_dir.glob(pattern)):
                rel = existing.relative_to(out_dir).as_posix()
                if existing.is_file() and rel not in self.files:
                    with _writing(existing):
                        existing.unlink()
                    report.removed.append(rel)
        return report


def prepare_tree(out_dir: Path, tree: Tree) -> PreparedTree:
    """``tree`` checked and compared with what ``out_dir`` holds (:class:`PreparedTree`)."""
    files, refused = writable(tree, out_dir)
    changed: dict[str, bytes] = {}
    unchanged: dict[str, Stamp] = {}
    for rel in sorted(files):
        data = encode(files[rel])
        stamp = _holding(out_dir / rel, data)
        if stamp is not None:
            unchanged[rel] = stamp
        else:
            changed[rel] = data
    return PreparedTree(out_dir, files, refused, changed, unchanged)


def write_tree(
    out_dir: Path, tree: Tree, *, prune: Iterable[str] = ()
) -> WriteReport:
    """Write ``tree`` under ``out_dir`` (:func:`prepare_tree`, then :meth:`PreparedTree.write`);
    a path :func:`writable` refuses raises :class:`ApiscribeError` before anything is
    written."""
    prepared = prepare_tree(out_dir, tree)
    if prepared.refused:
        raise ApiscribeError(prepared.refused[0].message, hint=prepared.refused[0].hint)
    return prepared.write(prune=prune)


def _repository_root(path: Path) -> Path | None:
    """The nearest folder holding ``.git`` at or above ``path``."""
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder
    return None


def check_output_folder(
    out_dir: Path, *, inputs: Iterable[Path] = (), read_folders: Iterable[Path] = ()
) -> None:
    """Refuse, before anything is written, an output folder that would overwrite or remove
    what is not apiscribe's: one that is or holds one of ``inputs``, a git repository's root
    (the repository around the working folder or an input) or ``.git``; or one inside one of
    ``read_folders`` (which the next run would read its outputs from).

    The error exits with 2, a usage error: the folder named can never be written, whatever
    the input says.
    """
    target = out_dir.resolve()
    inputs = [Path(p) for p in inputs]

    def refuse(why: str) -> NoReturn:
        raise ApiscribeError(f"refusing to write into {out_dir}: {why}",
                             hint="choose an output folder of its own (a new one is best)",
                             exit_code=2)

    if any(part.lower() == ".git" for part in target.parts):
        refuse("it is a git repository's .git folder, or inside one")
    if (target / ".git").exists():
        refuse("it is the root of a git repository")
    for given in inputs:
        source = given.resolve()
        if source == target or target in source.parents:
            refuse(f"it is or holds the input {given}")
    for folder in read_folders:
        if folder.resolve() in target.parents:
            refuse(f"it is inside the input folder {folder}, so the next run would read "
                   "its outputs as input")
    for start in (Path.cwd(), *inputs):
        root = _repository_root(start.resolve())
        if root is not None and target in root.parents:
            refuse(f"it holds the git repository {root}")


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
        with _writing(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
        return WriteReport(written=files)
    report = WriteReport()
    for rel in files:
        new, old = source / rel, target / rel
        if old.is_file() and filecmp.cmp(new, old, shallow=False):
            report.unchanged.append(rel)
            continue
        with _writing(old):
            if old.is_dir():
                shutil.rmtree(old)
            old.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, old)
        report.written.append(rel)
    kept = set(files)
    for existing in sorted(target.rglob("*"), reverse=True):
        rel = existing.relative_to(target).as_posix()
        with _writing(existing):
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
