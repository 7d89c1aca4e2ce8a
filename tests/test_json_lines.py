"""Lines of JSON pointers, found on demand in the JSON text."""

from __future__ import annotations

import json

from apiscribe.documents.lines import JsonLocator

TEXT = """{
  "a/b": {"x~y": 1,
     "list": [
       "s",
       {"k": [true,
              null]},
       "t"
     ]
  },
  "esc\\"aped": "v",
  "empty": {}, "arr": []
}"""


def test_members_start_at_their_key_and_items_at_their_value() -> None:
    json.loads(TEXT)
    locate = JsonLocator(TEXT).line_of
    assert locate("") == 1
    assert locate("/a~1b") == 2
    assert locate("/a~1b/x~0y") == 2
    assert locate("/a~1b/list") == 3
    assert locate("/a~1b/list/0") == 4
    assert locate("/a~1b/list/1") == 5
    assert locate("/a~1b/list/1/k/1") == 6
    assert locate("/a~1b/list/2") == 7
    assert locate('/esc"aped') == 10
    assert locate("/arr") == 11


def test_an_unknown_pointer_gives_its_nearest_ancestor() -> None:
    locate = JsonLocator(TEXT).line_of
    assert locate("/a~1b/list/9") == 3
    assert locate("/nothing/here") == 1
    assert locate("/a~1b/x~0y/deeper") == 2
    assert locate("/empty/x") == 11


POINTERS = ["", "/a~1b", "/a~1b/x~0y", "/a~1b/list", "/a~1b/list/0", "/a~1b/list/1",
            "/a~1b/list/1/k/1", "/a~1b/list/2", '/esc"aped', "/arr", "/a~1b/list/9",
            "/nothing/here", "/a~1b/x~0y/deeper", "/empty/x"]


def test_expected_pointers_give_the_same_lines_in_any_order() -> None:
    plain = JsonLocator(TEXT)
    expected = [plain.line_of(pointer) for pointer in POINTERS]
    for order in (POINTERS, POINTERS[::-1], sorted(POINTERS)):
        locator = JsonLocator(TEXT)
        locator.expect(["/a~1b/list/1/k/1", "/a~1b/x~0y", "/arr/0"])
        found = {pointer: locator.line_of(pointer) for pointer in order}
        assert [found[pointer] for pointer in POINTERS] == expected


def _decoded(text: str, pointers: list[str], *, expect: bool, monkeypatch: object) -> int:
    """How many characters the locator decoded to find the lines of ``pointers``."""
    import apiscribe.documents.lines as lines

    total = 0
    decoder = lines._DECODER

    class Counting:
        def raw_decode(self, s: str, idx: int = 0) -> tuple[object, int]:
            nonlocal total
            value, end = decoder.raw_decode(s, idx)
            total += end - idx
            return value, end

    monkeypatch.setattr(lines, "_DECODER", Counting())  # type: ignore[attr-defined]
    locator = JsonLocator(text)
    if expect:
        locator.expect(pointers)
    for pointer in pointers:
        locator.line_of(pointer)
    return total


def test_expected_pointers_are_found_without_decoding_any_part_twice(monkeypatch: object) -> None:
    # A spec's shape: the operations of path items; no part of the text is decoded twice when
    # the reader says which lines it will ask for, against three times without.
    paths = {f"/items/{n}": {method: {"description": "x" * 50, "responses": {"200": {}}}
                             for method in ("get", "put")} for n in range(20)}
    text = json.dumps({"openapi": "3.1.0", "paths": paths}, indent=2)
    pointers = [f"/paths/~1items~1{n}/{method}" for n in range(20) for method in ("get", "put")]
    once = _decoded(text, pointers, expect=True, monkeypatch=monkeypatch)
    again = _decoded(text, pointers, expect=False, monkeypatch=monkeypatch)
    assert once < len(text) < again
    plain, told = JsonLocator(text), JsonLocator(text)
    told.expect(pointers)
    assert [told.line_of(p) for p in pointers] == [plain.line_of(p) for p in pointers]
    lines = text.splitlines()
    assert told.line_of(pointers[-1]) == lines.index('      "put": {', lines.index(
        '    "/items/19": {')) + 1


def test_a_repeated_key_keeps_its_first_line_when_expected() -> None:
    text = '{\n"a": {\n"b": 1},\n"a": {\n"b": 2,\n"c": 3}\n}'
    locator = JsonLocator(text)
    locator.expect(["/a/b", "/a/c"])
    assert locator.line_of("/a/b") == 3
    assert locator.line_of("/a/c") == 2  # only in the later "a": its nearest ancestor
    assert locator.duplicate_keys() == [("/a", 4)]


def test_a_text_of_one_line_is_line_one_everywhere() -> None:
    text = json.dumps(json.loads(TEXT))
    locator = JsonLocator(text)
    assert {locator.line_of(pointer) for pointer in POINTERS} == {1}
    from apiscribe.documents.lines import LineIndex
    assert LineIndex(json_text=text, first_line=4).line_of("/a~1b/list/2") == 4
