"""What the last load of a spec found, so the next load after an edit redacts and checks only
the path items that changed.

Redacting GitHub's description takes a second and checking it another, on every run, while a
team edits one operation. A :class:`LoadMemo` is one small JSON file per input (under the
user's cache folder, or the site's page cache) that says, for the last run:

- which endpoints redaction left as they were, each under a key of everything the endpoint is
  made from: the document without its path items (``rest``), its own path item, and what the
  reader gave it from elsewhere (its name, section, method and path); and which of the
  model's own fields (schemas, components, ...), or of their members, were clean, which
  ``rest`` alone makes;
- which path items the spec checks proved valid, when they found no problem at all.

The next run redacts only what is not known clean, and checks only the path items that are not
known valid, with everything else of the document (:func:`apiscribe.pipeline.spec_checks`).
The memo is used only where that gives the same result as the full work: the input is a local
file, read without problems, whose references stay inside it and never point into a path item
(:func:`apiscribe.documents.specs.spec_digests`), and whose named schemas are its own
components (so no path item can rename what another refers to), by the same apiscribe and
with the same options; the file's name as given is part of every key. Only such a load
writes the memo; the path items it proved valid are used from the moment the document is
parsed, before the model is read (:class:`SpecLoad`). A memo that cannot be read is no memo;
one that cannot be written is skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .diagnostics import ApiscribeError
from .digests import Digest, code_digest
from .documents.pointer import join
from .documents.specs import SpecDigests, spec_digests, spec_version
from .model import ApiModel, Endpoint
from .redact import nothing_kept, redact_model
from .writer import encode, write_file_atomic

FORMAT = 1


@dataclass(frozen=True)
class LoadMemo:
    """The memo of one input (see the module's docstring); ``salt``: apiscribe's code and the
    options that change a load."""

    path: Path
    salt: str
    rest: str = ""
    clean: frozenset[str] = frozenset()
    parts: frozenset[tuple[str, ...]] = frozenset()
    valid: frozenset[str] = frozenset()

    @classmethod
    def of(cls, folder: Path, source: Path, *options: str) -> LoadMemo:
        """The memo of the spec file ``source`` in the cache folder ``folder``, for this
        apiscribe and these ``options`` (text)."""
        name = Digest(str(source.resolve())).hexdigest()[:16]
        return cls.read(folder / "load" / f"{name}.json",
                        Digest(code_digest(), *options).hexdigest())

    @classmethod
    def read(cls, path: Path, salt: str) -> LoadMemo:
        """The memo kept at ``path``; an empty one when there is none, or it is unreadable or
        from another version or other options."""
        empty = cls(path, salt)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT or data.get("salt") != salt:
                return empty
            return cls(path, salt, str(data["rest"]), frozenset(map(str, data["clean"])),
                       frozenset(tuple(map(str, part)) for part in data["parts"]),
                       frozenset(map(str, data["valid"])))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return empty

    def write(self) -> None:
        """Keep the memo for the next run; a memo that cannot be written is skipped."""
        text = json.dumps({"format": FORMAT, "salt": self.salt, "rest": self.rest,
                           "clean": sorted(self.clean), "parts": sorted(self.parts),
                           "valid": sorted(self.valid)}, indent=0)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_file_atomic(self.path, encode(text))
        except (OSError, ApiscribeError):
            return


@dataclass
class SpecLoad:
    """One load of a spec with its memo: what it may skip, and what it learns for the next.

    It is opened on the parsed document, before the model is read, so the spec checks can
    start at once: ``digests`` is ``None`` where the document alone rules the memo out (see
    the module's docstring), and then nothing is skipped, and nothing is kept. :meth:`read`
    then tells what the reader made of it: a spec whose read rules the memo out
    (``usable`` is false) is redacted whole, and its memo is not rewritten. The path items
    the last checks proved valid stay valid whatever this read found: they were recorded
    only from a read that the memo could use, and an item and everything it can refer to
    are the same when its digest and ``rest`` are.
    """

    memo: LoadMemo
    digests: SpecDigests | None
    usable: bool = False
    _keys: dict[int, str] = field(default_factory=dict)

    @classmethod
    def open(cls, folder: Path, source: Path, document: Any, file: str, *options: str
             ) -> SpecLoad:
        """The load of the spec file ``source``, parsed as ``document`` and named ``file``
        in diagnostics, with its memo in the cache folder ``folder`` (:meth:`LoadMemo.of`)."""
        digests = spec_digests(document, salt=file) if isinstance(document, dict) else None
        return cls(LoadMemo.of(folder, source, *options), digests)

    def read(self, spec: Any) -> None:
        """The spec as read (a :class:`~apiscribe.sources.openapi.SpecInput`, or ``None``):
        whether the memo can serve its redaction, and be kept."""
        self.usable = self.digests is not None and reusable(spec)

    # -- redaction ------------------------------------------------------------------------

    def redact(self, model: ApiModel) -> ApiModel:
        """``model`` redacted, reading only what is not known clean."""
        redacted: ApiModel = redact_model(model, self.known_clean(model))
        return redacted

    def known_clean(self, model: ApiModel) -> Callable[[object], bool]:
        """Whether a part of ``model`` is known to hold nothing to redact (see
        :func:`apiscribe.redact.redact_model`)."""
        digests = self.digests
        if digests is None or not self.usable or digests.rest != self.memo.rest:
            return nothing_kept
        kept = {id(endpoint) for endpoint in _endpoints(model)
                if self._key(endpoint) in self.memo.clean}
        for names in self.memo.parts:
            found, value = _at(model, names)
            if found:
                kept.add(id(value))
        return lambda part: id(part) in kept

    def _key(self, endpoint: Endpoint) -> str:
        found = self._keys.get(id(endpoint))
        if found is None:
            assert self.digests is not None
            kind = "webhooks" if endpoint.webhook else "paths"
            item = self.digests.items.get(join(f"/{kind}", endpoint.api_path), "")
            found = Digest(self.digests.rest, item, endpoint.name, endpoint.section,
                           endpoint.method, endpoint.api_path, str(endpoint.webhook)).hexdigest()
            self._keys[id(endpoint)] = found
        return found

    # -- the spec checks ------------------------------------------------------------------

    def known_valid(self) -> frozenset[str]:
        """The pointers of the path items the last checks proved valid with this document's
        ``rest``, when they found no problem at all."""
        digests = self.digests
        if digests is None or digests.rest != self.memo.rest:
            return frozenset()
        return frozenset(p for p, d in digests.items.items() if d in self.memo.valid)

    # -- what the next run may skip -------------------------------------------------------

    def keep(self, read: ApiModel, redacted: ApiModel, checks_found_nothing: bool) -> None:
        """Write the memo of this load: ``read`` as the reader made it and ``redacted`` after
        redaction; ``checks_found_nothing``: the spec checks found no problem."""
        digests = self.digests
        if digests is None or not self.usable:
            return
        clean = frozenset(self._key(old) for old, new in zip(
            _endpoints(read), _endpoints(redacted), strict=True) if new is old)
        parts = frozenset(_clean_parts(read, redacted))
        valid = frozenset(digests.items.values()) if checks_found_nothing else frozenset()
        updated = LoadMemo(self.memo.path, self.memo.salt, digests.rest, clean, parts, valid)
        if updated != self.memo:
            updated.write()


#: How deep into the model's own fields clean parts are told apart (``schemas`` → a schema;
#: ``components`` → ``examples`` → an example).
PART_DEPTH = 3


def _clean_parts(read: Any, redacted: Any, names: tuple[str, ...] = ()
                 ) -> Iterator[tuple[str, ...]]:
    """The places (field, then keys) in the model's own fields, apart from its sections,
    that redaction left as they were: the whole field where it can, else its members."""
    if not names:
        for f in fields(read):
            if f.name != "sections":
                yield from _clean_parts(getattr(read, f.name), getattr(redacted, f.name),
                                        (f.name,))
    elif read is redacted:
        yield names
    elif len(names) < PART_DEPTH and isinstance(read, dict) and isinstance(redacted, dict):
        for key, value in read.items():
            if isinstance(key, str) and key in redacted:
                yield from _clean_parts(value, redacted[key], (*names, key))


def _at(model: ApiModel, names: tuple[str, ...]) -> tuple[bool, Any]:
    """The part of the model at ``names`` (a field, then keys), if there is one."""
    first, *keys = names
    if first == "sections" or first not in {f.name for f in fields(model)}:
        return False, None
    value = getattr(model, first)
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return False, None
        value = value[key]
    return True, value


def _endpoints(model: ApiModel) -> Iterator[Endpoint]:
    for section in model.sections:
        yield from section.endpoints


def reusable(spec: Any) -> bool:
    """Whether what a spec's read gave can serve a later read of the same document (this memo,
    or :class:`~apiscribe.sources.openapi.LastRead`): a model read without problems from the
    one document, whose named schemas are its own components."""
    if (spec is None or spec.model is None or spec.diagnostics or spec.referenced
            or not isinstance(spec.document, dict)):
        return False
    document = spec.document
    if spec_version(document) == "2.0":
        own = document.get("definitions")
    else:
        components = document.get("components")
        own = components.get("schemas") if isinstance(components, dict) else None
    # a schema named from elsewhere: a path item can rename what others use
    return set(spec.model.schemas) == set(own if isinstance(own, dict) else ())
