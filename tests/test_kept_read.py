"""The read a load keeps in the cache folder (``load_memo.KeptRead``): the next ``convert`` of
the same spec file, in a new process, reads only the path items that changed and makes the
page keys of the others from the kept texts, and gives what a full read gives. A kept read
that cannot be used is a full read."""

from __future__ import annotations

import gc
import hashlib
import hmac
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from apiscribe import cache_files, cli, collector, load_memo, pipeline
from apiscribe.views import markdown

from .test_convert_cache import tree
from .test_load_memo import TOKEN, with_secrets
from .test_page_cache import edit, spec, write

ENDPOINTS = 48


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    """For each read of a ``convert`` load: the read it started from (``last``), and the
    read it left for the next (``SpecInput.kept``)."""
    calls: list[tuple[Any, Any]] = []
    original = pipeline.read_input

    def spying(opened: Any, **kwargs: Any) -> Any:
        loaded = original(opened, **kwargs)
        calls.append((kwargs.get("last"), loaded.spec.kept if loaded.spec else None))
        return loaded

    monkeypatch.setattr(pipeline, "read_input", spying)
    return calls


def load(source: Path, cache: Path | None) -> tuple[Any, list[Any]]:
    return pipeline.load(str(source), cache_dir=cache)


def moved(source: Path) -> None:
    """The same document, every line of it three lines further down."""
    source.write_text("\n\n\n" + json.dumps(spec(), indent=1), encoding="utf-8")


def kept_file(cache: Path) -> Path:
    [found] = (cache / "load").glob("*.read")
    return found


@pytest.mark.parametrize(("kind", "seed"), [
    ("description", 1), ("description", 6), ("parameter", 5), ("summary", 3),
    ("operation", 4), ("schema", 2), ("layout", 0),
])
def test_a_load_after_an_edit_starts_from_the_kept_read_and_gives_a_full_reads_model(
    tmp_path: Path, reads: list[tuple[Any, Any]], kind: str, seed: int
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    first = load(source, cache)
    assert reads[0][0] is None and first[1] == []  # nothing kept yet
    assert kept_file(cache).stat().st_size > 0
    if kind == "layout":
        moved(source)
    else:
        write(source, edit(spec(), kind, seed))
    reads.clear()
    again = load(source, cache)
    if kind == "layout":
        assert [ep.source for ep in again[0].endpoints] != [
            ep.source for ep in first[0].endpoints]
    last, kept = reads[0]
    assert again == load(source, None)  # the model and the diagnostics
    if kind == "schema":  # another rest: the kept read is not even unpickled
        assert last is None
        return
    assert last is not None and kept is not None
    # all but the edited path item's two operations
    assert kept.reused == ENDPOINTS - (0 if kind in ("layout", "operation") else 2)
    assert [ep.source for ep in again[0].endpoints] == [
        ep.source for ep in load(source, None)[0].endpoints]


@pytest.mark.parametrize("kind", ["description", "layout"])
def test_a_markdown_run_makes_the_page_keys_of_unchanged_endpoints_from_the_kept_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    pipeline.convert(str(source), "markdown", out, cache_dir=cache)
    made: list[tuple[object, ...]] = []
    original = markdown.RenderMemo._text

    def counting(self: markdown.RenderMemo, made_of: tuple[object, ...], make: Any) -> str:
        def counted() -> str:
            made.append(made_of)
            return str(make())
        return original(self, made_of, counted)

    monkeypatch.setattr(markdown.RenderMemo, "_text", counting)
    if kind == "layout":  # every endpoint moves to other lines, and is a new object
        moved(source)
    else:
        write(source, edit(spec(), "description", 1))
    outcome = pipeline.convert(str(source), "markdown", out, cache_dir=cache)
    assert not outcome.diagnostics
    names = sorted(str(parts[markdown._PAGE_FIELDS.index("name")]) for parts in made)
    if kind == "layout":
        assert names == []
    else:  # the edited path item's two operations, read again: new objects
        [path] = {ep.api_path for ep in outcome.model.endpoints
                  if ep.description.startswith("Changed (1)")}
        assert names == sorted(ep.name for ep in outcome.model.endpoints if ep.api_path == path)
        assert len(names) == 2
    pipeline.convert(str(source), "markdown", tmp_path / "plain", cache_dir=None)
    assert tree(out) == tree(tmp_path / "plain")


class Marker:
    """Notes that it was unpickled."""

    loaded: ClassVar[list[str]] = []

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        return _unpickled, ()


def _unpickled() -> Marker:
    Marker.loaded.append("unpickled")
    return Marker()


def spoiled(path: Path, how: str) -> None:
    data = path.read_bytes()
    first = data.index(b"\n") + 1
    second = data.index(b"\n", first) + 1
    if how == "cut short":
        path.write_bytes(data[: len(data) // 2])
    elif how == "not a pickle":
        path.write_bytes(data[:second] + b"not a pickle")
    elif how == "something else":  # unsigned: never unpickled
        path.write_bytes(data[:second] + pickle.dumps((Marker(), [])))
    elif how in ("something else, signed", "signed with another key"):
        header = json.loads(data[first:second])
        body = pickle.dumps((Marker(), [])) if how == "something else, signed" else (
            data[second:])
        key = cache_files.signing_key() if how == "something else, signed" else b"k" * 32
        assert key is not None
        header["mac"] = hmac.new(key, body, hashlib.sha256).hexdigest()
        path.write_bytes(data[:first] + json.dumps(header).encode() + b"\n" + body)
    elif how == "other salt":
        header = json.loads(data[first:second])
        header["salt"] = "0" * 64
        path.write_bytes(data[:first] + json.dumps(header).encode() + b"\n"
                         + pickle.dumps((Marker(), [])))
    elif how == "another layout":
        path.write_bytes(b"apiscribe last read 0\n" + data[first:])
    elif how == "a FIFO":  # opened without waiting for a writer
        path.unlink()
        os.mkfifo(path)
    elif how == "a symbolic link":  # to a file that would do, but is not the one kept
        elsewhere = path.with_name("elsewhere")
        elsewhere.write_bytes(data)
        path.unlink()
        path.symlink_to(elsewhere)


@pytest.mark.parametrize("how", [
    "cut short", "not a pickle", "something else", "something else, signed",
    "signed with another key", "other salt", "another layout",
    "another owner", "a FIFO", "a symbolic link",
])
def test_a_kept_read_that_cannot_be_used_is_a_full_read_and_is_written_again(
    tmp_path: Path, reads: list[tuple[Any, Any]], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    load(source, cache)
    path = kept_file(cache)
    Marker.loaded.clear()
    uid = os.getuid()
    if how == "another owner":
        monkeypatch.setattr(os, "getuid", lambda: uid + 1)
    else:
        spoiled(path, how)
    write(source, edit(spec(), "description", 2))
    reads.clear()
    assert load(source, cache) == load(source, None)
    assert reads[0][0] is None  # read in full
    # only a pickle signed with the user's key is ever loaded
    assert Marker.loaded == (["unpickled"] if how == "something else, signed" else [])
    monkeypatch.setattr(os, "getuid", lambda: uid)
    reads.clear()
    load(source, cache)
    assert reads[0][0] is not None  # written again, and used by the next run


def test_the_kept_read_is_written_only_when_it_falls_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Redaction makes new objects of the parts that hold a credential, on every run: their
    # texts are not kept, so they do not make a run with nothing changed write the file.
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", with_secrets(spec()))
    pipeline.convert(str(source), "markdown", out, cache_dir=cache)
    before, data = kept_file(cache).stat(), kept_file(cache).read_bytes()
    for _ in range(2):  # nothing changed: the very objects the file holds (used: touched)
        assert not pipeline.convert(str(source), "markdown", out, cache_dir=cache).diagnostics
        assert kept_file(cache).stat().st_ino == before.st_ino
        assert kept_file(cache).read_bytes() == data
    # one path item edited: its two endpoints, as read and as placed, and their pages' texts
    write(source, edit(with_secrets(spec()), "summary", 3))
    for _ in range(2):  # a few endpoints behind: kept as it is, and read from again
        pipeline.convert(str(source), "markdown", out, cache_dir=cache)
        assert kept_file(cache).read_bytes() == data
    monkeypatch.setattr(load_memo, "BEHIND", 5)
    pipeline.convert(str(source), "markdown", out, cache_dir=cache)
    assert kept_file(cache).stat().st_ino != before.st_ino  # replaced, atomically
    # it holds the read before redaction, as the spec does: for its owner's eyes only
    assert kept_file(cache).stat().st_mode & 0o777 == 0o600
    assert TOKEN not in (out / "index.md").read_text() + "".join(
        page.read_text() for page in out.rglob("*.md"))
    data = kept_file(cache).read_bytes()
    pipeline.convert(str(source), "markdown", out, cache_dir=cache)
    assert kept_file(cache).read_bytes() == data  # up to date again


def test_loads_from_a_kept_read_that_is_behind_give_a_full_reads_model(
    tmp_path: Path, reads: list[tuple[Any, Any]]
) -> None:
    # edits one after the other, none written to the kept read: each load reads again every
    # path item that differs from the first run's, and gives what a full read gives
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    load(source, cache)
    data = kept_file(cache).read_bytes()
    document = spec()
    for number, (kind, seed) in enumerate([("description", 1), ("summary", 3),
                                          ("parameter", 5), ("description", 1)], start=1):
        document = edit(document, kind, seed)
        write(source, document)
        reads.clear()
        assert load(source, cache) == load(source, None)
        edited = sum(1 for path, item in document["paths"].items()
                     if item != spec()["paths"][path])
        assert reads[0][1].reused == ENDPOINTS - 2 * edited
        assert 1 <= edited <= number
        assert kept_file(cache).read_bytes() == data
    # the first run's document with every line moved (an added line moves those below):
    # each endpoint is made again from the kept one for its new line, and none is behind
    moved(source)
    reads.clear()
    assert load(source, cache) == load(source, None)
    assert reads[0][1].reused == ENDPOINTS
    assert kept_file(cache).read_bytes() == data


def test_runs_in_new_processes_give_what_a_run_without_the_cache_gives(
    tmp_path: Path
) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}

    # the command as `apiscribe` runs it, saying whether the kept read served its load
    script = (
        "import sys\n"
        "from apiscribe import cli, load_memo\n"
        "original = load_memo.KeptRead.load.__func__\n"
        "def load(cls, *args):\n"
        "    found = original(cls, *args)\n"
        "    print('the kept read' if found else 'no kept read', file=sys.stderr)\n"
        "    return found\n"
        "load_memo.KeptRead.load = classmethod(load)\n"
        "sys.argv[0] = 'apiscribe'\n"
        "cli.run()\n"
    )

    def run(out: str, *more: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, "convert", str(source), "--to", "markdown",
             "-o", str(tmp_path / out), "-q", *more], capture_output=True, text=True,
            env=env, check=False, timeout=120)
        assert done.returncode == 0, done.stderr
        return " ".join(line for line in done.stderr.splitlines() if "kept read" in line)

    source = write(tmp_path / "spec.json", spec())
    assert run("out") == "no kept read"
    kept = kept_file(tmp_path / "xdg" / "apiscribe").stat()
    for seed, kind in enumerate(("description", "parameter", "summary", "layout"), start=1):
        if kind == "layout":
            moved(source)
        else:
            write(source, edit(spec(), kind, seed))
        assert run("out") == "the kept read"
        run(f"plain{seed}", "--no-cache")
        assert tree(tmp_path / "out") == tree(tmp_path / f"plain{seed}")
    # each run a path item away from the first run's read, or only moved: never written again
    assert kept_file(tmp_path / "xdg" / "apiscribe").stat().st_ino == kept.st_ino


def test_run_once_freezes_what_the_paused_steps_make_until_it_ends() -> None:
    assert gc.get_freeze_count() == 0
    with collector.run_once():
        with collector.collector_paused():
            made = [[number] for number in range(1000)]
        frozen = gc.get_freeze_count()
        assert frozen >= len(made)
        with collector.run_once(), collector.collector_paused():
            pass
        assert gc.get_freeze_count() >= frozen  # an inner block unfreezes nothing
    assert gc.get_freeze_count() == 0
    with collector.collector_paused():
        made = [[number] for number in range(1000)]
    assert gc.get_freeze_count() == 0  # outside run_once, nothing is frozen


@pytest.mark.parametrize(("command", "frozen"), [("convert", True), ("generate", False)])
def test_only_a_convert_process_ends_without_the_last_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, frozen: bool
) -> None:
    # generate and build run the user's code, whose objects Python finalizes as it would
    source = write(tmp_path / "spec.json", spec())
    arguments = {"convert": ["convert", str(source), "--to", "openapi", "-o",
                             str(tmp_path / "out"), "--no-cache"],
                 "generate": ["--project", str(tmp_path), "generate"]}[command]
    monkeypatch.setattr(cli, "_OWN_CODE_ONLY", [])
    monkeypatch.setattr(sys, "argv", ["apiscribe", *arguments])
    try:
        with pytest.raises(SystemExit):
            cli.run()
        assert (gc.get_freeze_count() > 0) is frozen
    finally:
        gc.unfreeze()


def test_the_kept_read_names_this_apiscribe_and_python(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    source = write(tmp_path / "spec.json", spec())
    load(source, cache)
    data = kept_file(cache).read_bytes()
    assert data.startswith(load_memo.READ_MAGIC)
    header = json.loads(data.split(b"\n")[1])
    assert set(header) == {"salt", "rest", "mac"} and len(header["salt"]) == 64
    body = data[data.index(b"\n", len(load_memo.READ_MAGIC)) + 1:]
    key = cache_files.signing_key()
    assert key is not None and header["mac"] == hmac.new(key, body, hashlib.sha256).hexdigest()
    # the key: the user's own, outside the cache folder
    kept = cache_files.key_path()
    assert not kept.is_relative_to(cache) and kept.stat().st_mode & 0o777 == 0o600


def test_without_a_key_nothing_that_runs_code_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key that cannot be read or made (a state folder that cannot be written): the runs
    # give what they gave, and keep no read and no compiled templates.
    monkeypatch.setattr(cache_files, "signing_key", lambda: None)
    markdown.environment.cache_clear()  # a new process's: the templates are compiled
    cache, out = tmp_path / "cache", tmp_path / "out"
    source = write(tmp_path / "spec.json", spec())
    for seed in (1, 2):
        write(source, edit(spec(), "description", seed))
        assert not pipeline.convert(str(source), "markdown", out, cache_dir=cache).diagnostics
    assert not list(cache.rglob("*.read")) and not list(cache.rglob("templates.code"))
    pipeline.convert(str(source), "markdown", tmp_path / "plain", cache_dir=None)
    assert tree(out) == tree(tmp_path / "plain")


def test_a_cache_folder_keeps_the_reads_used_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_memo, "KEPT_READS", 3)
    cache = tmp_path / "cache"
    sources = [write(tmp_path / f"spec{number}.json", spec()) for number in range(5)]
    for source in sources[:3]:
        load(source, cache)
    kept = sorted((cache / "load").glob("*.read"))
    assert len(kept) == 3
    for file in kept:  # as if written long ago
        os.utime(file, (1_000_000, 1_000_000))
    load(sources[0], cache)  # used again: touched, not written
    for source in sources[3:]:
        load(source, cache)
    left = {file.name for file in (cache / "load").glob("*.read")}
    assert len(left) == 3
    name = load_memo.LoadMemo.of(cache, sources[0]).path.with_suffix(".read").name
    assert name in left  # the one used last of the three older ones
