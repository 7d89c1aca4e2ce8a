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
