"""The cyclic garbage collector paused while a spec is read (apiscribe.collector)."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from apiscribe.collector import collector_paused
from apiscribe.sources import load_input
from apiscribe.sources.openapi import reader


def test_the_collector_runs_again_after_the_block_and_after_an_error() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # a block inside another leaves it paused
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a failed read")
    assert gc.isenabled()


def test_a_block_entered_with_the_collector_off_leaves_it_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_spec_is_read_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    original = reader.SpecReader.read

    def read(self: reader.SpecReader) -> object:
        seen.append(gc.isenabled())
        return original(self)

    monkeypatch.setattr(reader.SpecReader, "read", read)
    source = tmp_path / "spec.json"
    source.write_text(json.dumps({"openapi": "3.0.3", "info": {"title": "T", "version": "1"},
                                  "paths": {"/a": {"get": {"responses": {"200": {
                                      "description": "OK"}}}}}}), encoding="utf-8")
    before = gc.get_stats()[2]["collections"]
    loaded = load_input(str(source))
    assert loaded.model is not None and len(loaded.model.endpoints) == 1
    assert seen == [False] and gc.isenabled()
    assert gc.get_stats()[2]["collections"] == before
