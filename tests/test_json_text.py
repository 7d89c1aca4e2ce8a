"""JSON text as ``json.dumps(value, indent=2, ensure_ascii=False)`` writes it
(apiscribe.views.json_text), byte for byte, on any value."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apiscribe.views.json_text import TextMemo, indented

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True)
           | st.text())
VALUES = st.recursive(
    SCALARS, lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.text(max_size=8), children, max_size=4), max_leaves=40)


def dumped(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_json_value_is_written_as_json_dumps_writes_it(value: Any) -> None:
    assert indented(value) == dumped(value)


class Level(enum.IntEnum):
    LOW = 1


class Named(str):
    pass


@pytest.mark.parametrize("value", [
    {}, [], "", {"a": {}, "b": [], "c": [{}]}, "line\nbreak \u2028 é 😀 \x00 \"quoted\"",
    {"keys": {3: "an int", 2.5: "a float", True: "a bool", None: "null"}},
    [float("nan"), float("inf"), -float("inf"), 1e300, -0.0, 10**40],
    {"enum": Level.LOW, "text": Named("kept"), "tuple": (1, 2)},
    {"nested": [[[[["deep"]]]]]},
])
def test_values_it_leaves_to_json_dumps_come_out_the_same(value: Any) -> None:
    assert indented(value) == dumped(value)


def test_what_json_dumps_refuses_is_refused_the_same() -> None:
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        indented({"loop": looped})
    with pytest.raises(TypeError, match="not JSON serializable"):
        indented({"set": {1, 2}})


@settings(max_examples=200, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=4), st.data())
def test_a_text_memo_writes_each_value_as_json_dumps_writes_it(
    values: list[Any], data: st.DataObject
) -> None:
    # The documents of a serve process, one after another: each may share parts with the last
    # (the same objects), at any depth, or have new ones in their place.
    memo = TextMemo()
    last: Any = None
    for value in values:
        document = {"a": {"b": {"c": value, "d": last}}, "e": [[value, last], last]}
        if data.draw(st.booleans()) and last is not None:
            document["f"] = {"g": {"h": last["a"]["b"]}}
        assert memo.indented(document) == dumped(document)
        last = document


def test_a_text_memo_takes_unchanged_parts_from_the_last_text() -> None:
    memo = TextMemo()
    shared, other = {"kept": [1, 2]}, {"changed": True}
    first = {"paths": {"/a": {"get": shared, "put": other}}}
    assert memo.indented(first) == dumped(first) and memo.reused == 0
    second = {"paths": {"/a": {"get": shared, "put": {"changed": False}}}}
    assert memo.indented(second) == dumped(second) and memo.reused == 1
    unusual = {"paths": {"/a": {"get": shared}}, "x": float("nan")}
    assert memo.indented(unusual) == dumped(unusual)  # left to json.dumps, as indented does
    assert memo.indented(second) == dumped(second) and memo.reused == 0
