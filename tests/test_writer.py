"""The one writer: atomic, only-if-changed, never outside the output folder."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from apiscribe.diagnostics import ApiscribeError
from apiscribe.writer import prepare_tree, write_tree


def test_writes_new_files_and_skips_unchanged_ones(tmp_path: Path) -> None:
    report = write_tree(tmp_path, {"a/x.md": "one\n", "b.json": "{}\n"})
    assert report.written == ["a/x.md", "b.json"]
    stamp = (tmp_path / "a/x.md").stat().st_mtime_ns
    os.utime(tmp_path / "a/x.md", ns=(stamp - 10**9, stamp - 10**9))
    report = write_tree(tmp_path, {"a/x.md": "one\n", "b.json": "{ }\n"})
    assert report.written == ["b.json"]
    assert report.unchanged == ["a/x.md"]
    assert (tmp_path / "a/x.md").stat().st_mtime_ns == stamp - 10**9
    assert (tmp_path / "b.json").read_bytes() == b"{ }\n"


def test_leaves_no_temporary_files(tmp_path: Path) -> None:
    write_tree(tmp_path, {f"d/{i}.md": f"{i}\n" for i in range(20)})
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(
        f"{i}.md" for i in range(20)
    )


def test_prune_removes_only_owned_files_that_are_gone(tmp_path: Path) -> None:
    write_tree(tmp_path, {"endpoints/s/old.md": "x", "endpoints/s/kept.md": "y", "notes.txt": "z"})
    report = write_tree(tmp_path, {"endpoints/s/kept.md": "y"}, prune=["endpoints/**/*.md"])
    assert report.removed == ["endpoints/s/old.md"]
    assert (tmp_path / "notes.txt").exists()


@pytest.mark.parametrize("bad", ["../escape.md", "/etc/passwd", "a/../../b", ""])
def test_refuses_paths_outside_the_output_folder(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ApiscribeError, match="refusing to write outside the output folder"):
        write_tree(tmp_path / "out", {bad: "x"})
    assert not (tmp_path / "escape.md").exists()


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"doc.md": "old\n"})

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    expected = re.escape(f"cannot write {tmp_path / 'doc.md'}: disk full")
    with pytest.raises(ApiscribeError, match=expected):
        write_tree(tmp_path, {"doc.md": "new\n"})
    assert (tmp_path / "doc.md").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["doc.md"]


def test_a_prepared_tree_compares_again_a_file_changed_since(tmp_path: Path) -> None:
    # A run prepares its output while its checks run; a file that was the same then but has
    # been changed since (another run, an editor) is written again, not reported unchanged.
    out = tmp_path / "out"
    write_tree(out, {"a.md": "A\n", "b.md": "B\n", "c.md": "C\n"})
    prepared = prepare_tree(out, {"a.md": "A\n", "b.md": "B2\n", "c.md": "C\n"})
    (out / "a.md").write_text("edited meanwhile\n", encoding="utf-8")
    report = prepared.write()
    assert report.written == ["a.md", "b.md"] and report.unchanged == ["c.md"]
    assert (out / "a.md").read_text(encoding="utf-8") == "A\n"
