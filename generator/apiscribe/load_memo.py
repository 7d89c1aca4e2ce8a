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

Beside the memo, a load that may use it keeps its read (:class:`KeptRead`): the
:class:`~apiscribe.sources.openapi.LastRead` the reader left, so the next run reads only the
path items that changed, as the rebuilds of ``mkdocs serve`` do in one process; and the texts
the Markdown page keys were made of (:class:`~apiscribe.views.markdown.RenderMemo`). It is a
pickle: reading GitHub's description again takes 0.4-0.6 s, unpickling what its last read
left 0.05-0.07 s. A pickle can run code when loaded, like the ``__pycache__`` of a module, so
one is read only from a regular file the user running apiscribe owns, and only when its
header names this apiscribe, this Python, these options and this document's ``rest``. It
holds the read before redaction (the next run redacts it as it redacts a full read), that
is what the spec file says, so it is written readable by its owner only. A kept read a few
endpoints behind this run's is not written again (:data:`BEHIND`): the next run reads those
few again, in less time than the write would take.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import pickle
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .cache_files import CAN_CHECK_OWNER, load_signed, write_signed
from .collector import collector_paused
from .diagnostics import ApiscribeError
from .digests import Digest, code_digest
from .documents.pointer import join
from .documents.specs import SpecDigests, spec_digests, spec_version
from .model import ApiModel, Endpoint
from .redact import nothing_kept, redact_model
from .sources.openapi import LastRead
from .views.markdown import Texts, identity, page_parts
from .writer import (
    encode,
    remove_stale_temporaries,
    write_file_atomic,
)

log = logging.getLogger(__name__)

FORMAT = 2

#: The first line of a kept read's file: what it is, and the layout's version.
READ_MAGIC = b"apiscribe last read 2\n"

#: How many kept reads a cache folder holds (each about the size of its spec): the ones
#: used last.
KEPT_READS = 8

#: How many endpoints (as read, as placed, or with a page key's text) a kept read may be
#: behind this run's before it is written again. Reading an operation again takes about
#: 0.3 ms on GitHub's description, so the next run pays about 10 ms at most; writing its
#: kept read, 0.15-0.2 s of a processor (BENCHMARKS.md, "Issue 13, a tenth pass").
BEHIND = 32


@dataclass(frozen=True)
class LoadMemo:
    """The memo of one input (see the module's docstring); ``salt``: apiscribe's code and the
    options that change a load."""

    path: Path
    salt: str
    rest: str = ""
    clean: frozenset[str] = frozenset()
    parts: frozenset[tuple[str, ...]] = frozenset()
    #: the digests of the path items, in their order, when the checks found nothing
    valid: tuple[str, ...] = ()

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
                       tuple(map(str, data["valid"])))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return empty

    def write(self) -> None:
        """Keep the memo for the next run; a memo that cannot be written is skipped."""
        text = json.dumps({"format": FORMAT, "salt": self.salt, "rest": self.rest,
                           "clean": sorted(self.clean), "parts": sorted(self.parts),
                           "valid": list(self.valid)}, indent=0)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_file_atomic(self.path, encode(text))
        except (OSError, ApiscribeError):
            return


@dataclass(frozen=True)
class KeptRead:
    """What a load leaves for the next run of the same spec file (see the module's docstring):
    the reader's :class:`~apiscribe.sources.openapi.LastRead`, and the texts the Markdown
    page keys were made of, by the identity of their parts (objects of ``read``, pickled
    with it so that they stay the same objects)."""

    read: LastRead
    texts: Texts = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, salt: str, rest: str) -> KeptRead | None:
        """The read kept at ``path``, if one is there for this ``salt`` (apiscribe and the
        options) and a document whose ``rest`` has this digest; ``None`` when there is none,
        or it cannot be used."""
        try:  # read whole: unpickling from the file takes half as long again
            body = load_signed(path, READ_MAGIC, {"salt": salt, "rest": rest})
            if body is None:
                return None  # none, or another apiscribe's, other options', another rest's
            with collector_paused():  # a tree of objects without cycles
                read, texts = pickle.loads(body)
                if not isinstance(read, LastRead) or not isinstance(texts, list):
                    return _unusable(path, "it holds something else")
                return cls(read, {identity(made_of): (made_of, text)
                                  for made_of, text in texts})
        except Exception as exc:  # a file cut short, or from classes that have changed
            return _unusable(path, exc)

    def behind(self, other: KeptRead) -> int:
        """How many of this read's endpoints and texts ``other`` does not hold as they are
        (the very objects, but for endpoints that only moved to other lines): what the next
        run would make again from ``other``."""
        read, last = self.read, other.read
        if read.registered is not last.registered or read.digests.rest != last.digests.rest:
            return sys.maxsize
        return (_not_held(read.read, last.read) + _not_held(read.placed, last.placed)
                + len(self.texts.keys() - other.texts.keys()))  # the ids of live objects

    def write(self, path: Path, salt: str) -> None:
        """Keep this read at ``path`` for ``salt``; one that cannot be written is skipped."""
        try:
            blob = pickle.dumps((self.read, list(self.texts.values())),
                                protocol=pickle.HIGHEST_PROTOCOL)
            # what the spec says, as the reader read it: before redaction, for its owner only
            if write_signed(path, READ_MAGIC, {"salt": salt, "rest": self.read.digests.rest},
                            blob):
                _prune(path.parent)
        except Exception as exc:  # a cache that cannot be written is no cache
            log.debug(f"the read of the spec is not kept at {path}: {exc}")


def _prune(folder: Path) -> None:
    """Keep the :data:`KEPT_READS` reads of ``folder`` used last (a use touches the file),
    and none of the temporary files a killed run left."""
    remove_stale_temporaries(folder)
    found = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".read") and entry.is_file(follow_symlinks=False):
            found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    for _, old in sorted(found, reverse=True)[KEPT_READS:]:
        Path(old).unlink(missing_ok=True)


def _unusable(path: Path, why: object) -> KeptRead | None:
    """No kept read, logged: the file at ``path`` cannot serve one."""
    log.debug(f"the kept read {path} cannot be used ({why}); the spec is read in full")
    return None


def _not_held(one: Mapping[Any, Endpoint], other: Mapping[Any, Endpoint]) -> int:
    """How many endpoints of ``one`` ``other`` does not hold: the very object, or one made of
    the same objects but for its place in the source (:func:`page_parts`), which a read from
    ``other`` makes again at no cost (an edit that adds a line moves every endpoint below)."""
    return sum(1 for key, value in one.items() if (held := other.get(key)) is not value and (
        held is None or identity(page_parts(held)) != identity(page_parts(value))))


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
    _last: KeptRead | None = None

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

    # -- the read -------------------------------------------------------------------------

    def last_read(self) -> KeptRead | None:
        """What the last load of this spec file kept of its read (see :class:`KeptRead`),
        where this document's ``rest`` is the same as its."""
        if self.digests is None:
            return None
        self._last = KeptRead.load(self._read_path, self._read_salt, self.digests.rest)
        if self._last is not None:
            with contextlib.suppress(OSError, NotImplementedError):
                os.utime(self._read_path, follow_symlinks=False)  # used: pruned last
        return self._last

    def read_to_keep(self, read: LastRead | None, texts: Texts) -> Callable[[], None] | None:
        """What keeps this load's reader's ``read`` and the texts of this run's page keys for
        the next run: ``None`` where the load cannot serve one, or where the file holds one
        at most :data:`BEHIND` endpoints behind."""
        if self.digests is None or not self.usable or read is None or not CAN_CHECK_OWNER:
            return None
        # only the texts of the read's own objects: what redaction made is made again
        own = {identity(page_parts(ep)) for ep in read.placed.values()}
        own.update(identity((schema,)) for schema in read.registered.schemas.values())
        kept = KeptRead(read, {key: text for key, text in texts.items() if key in own})
        if self._last is not None and kept.behind(self._last) <= BEHIND:
            return None
        return functools.partial(kept.write, self._read_path, self._read_salt)

    @property
    def _read_path(self) -> Path:
        return self.memo.path.with_suffix(".read")

    @property
    def _read_salt(self) -> str:
        return Digest(self.memo.salt, sys.version).hexdigest()  # pickles of this Python

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
        valid = set(self.memo.valid)
        return frozenset(p for p, d in digests.items.items() if d in valid)

    def checked_before(self) -> bool:
        """Whether the last checks found no problem in this very document (its ``rest`` and
        every path item the same, in the same order: the validator's verdict can depend on
        the order in which it meets a schema): their verdict holds, and nothing is checked
        again."""
        digests = self.digests
        return (digests is not None and digests.rest == self.memo.rest
                and bool(self.memo.valid) and tuple(digests.items.values()) == self.memo.valid)

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
        valid = tuple(digests.items.values()) if checks_found_nothing else ()
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
