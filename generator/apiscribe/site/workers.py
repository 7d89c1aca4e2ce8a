"""Markdown to HTML for part of the pages in forked worker processes, during ``mkdocs build``.

MkDocs converts every page's Markdown in one process, one page after another; on a large API
reference that is a third of the build. The ``apiscribe`` plugin starts workers once the
navigation is known (``on_nav``): each worker is a fork of the build, so it has the same
configuration, files and extensions, and renders pages exactly as MkDocs would
(``Page.read_source`` and ``Page.render``), sending back what rendering sets on a page.

Which process renders a page is decided as the build goes (:class:`Claims`): MkDocs renders
pages from the front, in its own order, while the workers take pages from the back, one at a
time, until the two meet. So every process stays busy to the end, however the pages' sizes
or the processes' speeds differ (an even split by page count left a worker idle for a
third of the conversion on GitHub's description: BENCHMARKS.md, "Issue 13, an eleventh
pass"). When MkDocs reaches a page a worker rendered, the plugin (``on_page_markdown``) has
MkDocs' render of that page put the worker's HTML, table of contents, title and anchors in
place instead (:func:`put_in_place`).

Workers run only where that gives the same site: a build that MkDocs announces as one
(``mkdocs build``, ``gh-deploy``, the first build of ``mkdocs serve --clean``; not ``serve``,
not ``--dirty``), on a platform where ``fork`` is safe (not macOS), with no other thread
running (so never in the rebuilds of a running server), and with no other plugin or hook that
handles the page events a worker skips. The log records a worker makes
(MkDocs' link warnings, for instance) are replayed in the build process when its page comes
up, so ``--strict`` counts them. A page a worker could not render, or any worker failure,
falls back to MkDocs' own rendering of that page, which then fails or warns exactly as it
would have.

Pages travel both ways in messages of :data:`BATCH` pages, ended by an empty one
(:func:`send_batches`, :func:`receive_batches`), so that neither end ever holds one pickle of
every page; the pages sent for the follow-up job carry their Markdown and HTML in messages of
their own (:func:`send_states`).

The first worker can also take a follow-up job once every page is rendered (the plugin gives
it the search index, when no plugin but Material's search reads pages in
``on_page_context``): the build process sends it the pages it does not have yet
(:meth:`PageWorkers.follow_up`), and the worker does the job for one page after another,
from the back, while MkDocs writes the pages. Once MkDocs has written them, the build process
does the job too, from the front, until the two meet (the same :class:`Claims`), and collects
the worker's answers (:meth:`PageWorkers.answer`). A page the worker did not answer for is
done in the build process.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from ..forking import Claims, why_not_fork

log = get_plugin_logger(__name__)

#: Page events a worker does not run; with a handler from another plugin, no workers.
PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content")
#: Below this many pages, starting a worker costs more than it saves.
MIN_PAGES = 40
#: Each worker is a fork of the whole build; a machine with many CPUs gets no more than this.
MAX_WORKERS = 4
#: Pages per message on a worker's pipe. One message of every page's HTML, pickled, cost the
#: build process its size again at its peak (BENCHMARKS.md, "Issue 13, a fifth pass").
BATCH = 32


@dataclass
class Rendered:
    """What ``Page.render`` set on one page, as a worker sends it back."""

    src_uri: str
    content: str
    toc: TableOfContents
    title: str | None
    anchor_ids: set[str] | None
    # {src_uri of the linked file: {anchor: original link}}; File objects do not travel
    links_to_anchors: dict[str, dict[str, str]] | None
    records: list[logging.LogRecord]

    def replay(self) -> None:
        """Log again what rendering the page logged (what this build's levels let through)."""
        for record in self.records:
            logger = logging.getLogger(record.name)
            if logger.isEnabledFor(record.levelno):
                logger.handle(record)


@dataclass
class PageState:
    """What the follow-up job needs of a page the worker did not render, but its Markdown and
    HTML, which travel apart (:func:`send_states`)."""

    src_uri: str
    toc: TableOfContents
    meta: MutableMapping[str, Any]
    title: str | None
    texts: tuple[bool, bool]  # whether the page has Markdown, HTML

    @classmethod
    def of(cls, page: Page) -> PageState:
        return cls(page.file.src_uri, page.toc, page.meta, page._title_from_render,
                   (page.markdown is not None, page.content is not None))

    def put_in_place(self, page: Page, markdown: str | None, content: str | None) -> None:
        page.markdown, page.content = markdown, content
        page.toc, page.meta, page._title_from_render = self.toc, self.meta, self.title


def send_states(connection: Connection, pages: Iterable[Page]) -> None:
    """The follow-up job's pages: their states in messages of :data:`BATCH`, each followed
    by the Markdown and HTML of its pages, a message each, as UTF-8 the build encodes one
    text at a time. Pickling a ``str`` would leave a UTF-8 copy inside every non-ASCII one for
    the rest of the build (CPython keeps it with the string: 22 MiB on GitHub's description),
    and pickling the texts with the states held a batch's texts twice more (BENCHMARKS.md,
    "Issue 13, a thirteenth pass")."""
    found = iter(pages)
    while batch := list(itertools.islice(found, BATCH)):
        connection.send([PageState.of(page) for page in batch])
        for page in batch:
            for text in (page.markdown, page.content):
                if text is not None:
                    connection.send_bytes(text.encode("utf-8", "surrogatepass"))
    connection.send([])


def receive_states(
    connection: Connection,
) -> Iterator[tuple[PageState, str | None, str | None]]:
    """Each state :func:`send_states` sent, with its page's Markdown and HTML, as they
    arrive."""
    while batch := connection.recv():
        for state in batch:
            markdown, content = (
                connection.recv_bytes().decode("utf-8", "surrogatepass") if present else None
                for present in state.texts)
            yield state, markdown, content


#: A follow-up job: one page -> a picklable answer.
FollowUp = Callable[[Page], Any]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Only the formatted message travels: arguments may not pickle.
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        self.records.append(record)


def _work(connection: Connection, inherited: Sequence[Connection], pages: Sequence[Page],
          claims: Claims, number: int, config: MkDocsConfig, files: Files,
          follow_up: tuple[FollowUp, Claims] | None) -> None:
    """A worker: render the pages of ``pages`` it claims, from the back, and send the list of
    results, one per page; then run ``follow_up`` if there is one (see the module docstring).

    The worker takes its pages from ``claims`` one at a time, as long as there are some the
    build process has not reached. The results are sent at the end, so that the worker never
    waits for the build process to read from the pipe while it renders. The build's ends of
    the pipes, inherited by the fork, are closed first: if the build dies, this worker's
    next read or write fails and it ends.
    """
    for end in inherited:
        end.close()
    try:
        _render_and_follow(connection, pages, claims, number, config, files, follow_up)
    except (EOFError, OSError):  # the build is gone
        pass
    finally:
        connection.close()


def _render_and_follow(connection: Connection, pages: Sequence[Page], claims: Claims,
                       number: int, config: MkDocsConfig, files: Files,
                       follow_up: tuple[FollowUp, Claims] | None) -> None:
    recorder = _Recorder()
    for name in ("mkdocs", ""):  # records go back to the build, not to this process's output
        logger = logging.getLogger(name)
        logger.handlers = [recorder]
        logger.propagate = False
    results: list[Rendered] = []  # a page missing here is left to the build process
    while (index := claims.from_back(number)) is not None:
        page = pages[index]
        recorder.records = []
        try:
            config._current_page = page
            page.read_source(config)
            page.render(config, files)
            assert page.content is not None
            links = page.links_to_anchors
            results.append(Rendered(
                page.file.src_uri,
                page.content,
                page.toc,
                page._title_from_render,
                page.present_anchor_ids,
                None if links is None else {f.src_uri: d for f, d in links.items()},
                recorder.records,
            ))
        except Exception:  # the build process renders it, and fails or warns as MkDocs does
            pass
        finally:
            config._current_page = None
    send_batches(connection, results)
    if follow_up is not None:
        _follow_up(connection, files, *follow_up)


def _follow_up(connection: Connection, files: Files, job: FollowUp, claims: Claims) -> None:
    """The follow-up job for the pages this worker claims from the back of ``order`` (the
    build's order of the job); the answers go back as (position in order, answer) pairs."""
    order: list[str] | None = connection.recv()
    if order is None:
        return
    pages = {f.src_uri: f.page for f in files.documentation_pages() if f.page is not None}
    for state, markdown, content in receive_states(connection):
        if (page := pages.get(state.src_uri)) is not None:
            state.put_in_place(page, markdown, content)
    answers = []
    while (index := claims.from_back(0)) is not None:
        if (page := pages.get(order[index])) is not None:
            answers.append((index, job(page)))
    send_batches(connection, answers)


def send_batches(connection: Connection, items: Iterable[Any]) -> None:
    """Send ``items`` in messages of :data:`BATCH` (made one message at a time), then an
    empty one."""
    found = iter(items)
    while batch := list(itertools.islice(found, BATCH)):
        connection.send(batch)
    connection.send([])


def receive_batches(connection: Connection) -> Iterator[Any]:
    """The items :func:`send_batches` sent, as they arrive."""
    while batch := connection.recv():
        yield from batch


def other_handlers(config: MkDocsConfig, event: str, owners: set[object]) -> list[str]:
    """The plugins (or hooks) besides ``owners`` that handle ``event``."""
    return [
        config.plugins._event_origins.get(method, "<unknown>")
        for method in config.plugins.events.get(event, [])
        if getattr(method, "__self__", None) not in owners
    ]


def worker_count(setting: int) -> int:
    """Workers besides the build process: ``setting`` 0 means one per further CPU."""
    if setting > 0:
        return min(setting, MAX_WORKERS + 1) - 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, min((cpus or 1) - 1, MAX_WORKERS))


def put_in_place(page: Page, result: Rendered, files: Files) -> None:
    """Give ``page`` what rendering it set: ``result``'s HTML, table of contents, title and
    anchors."""
    page.content = result.content
    page.toc = result.toc
    page._title_from_render = result.title
    page.present_anchor_ids = result.anchor_ids
    if result.links_to_anchors is not None:
        page.links_to_anchors = {
            linked: anchors
            for uri, anchors in result.links_to_anchors.items()
            if (linked := files.get_file_from_path(uri)) is not None
        }


class PageWorkers:
    """The workers of one build, and the pages they render (see the module docstring)."""

    def __init__(self) -> None:
        # src_uri -> index in the claims, for the pages the build has not reached yet
        self._index: dict[str, int] = {}
        self._claims: Claims | None = None
        self._received: set[Connection] = set()
        self._results: dict[str, Rendered] = {}
        self._processes: list[tuple[Connection, multiprocessing.process.BaseProcess]] = []
        self._follower: Connection | None = None
        self._follower_pages: set[str] = set()
        self._following = False
        self._follow_claims: Claims | None = None  # the follow-up job's, over its pages
        self._follow_order: list[int] = []  # the job's pages, by index, in the claims' order

    def why_not(self, config: MkDocsConfig, files: Files, owner: object,
                workers: int, skip: Collection[str] = ()) -> str | None:
        """Why this build renders every page itself (``None``: workers may start); the
        pages of ``skip`` (by source path) are not rendered at all."""
        if workers < 1:
            return "one process is configured (or the machine has one CPU)"
        unsafe = why_not_fork()
        if unsafe:
            return unsafe
        others = [name for event in PAGE_EVENTS for name in other_handlers(config, event, {owner})]
        if others:
            return f"other plugins handle page events ({', '.join(sorted(set(others)))})"
        if sum(1 for f in files.documentation_pages()
               if f.page is not None and f.src_uri not in skip) < MIN_PAGES:
            return f"fewer than {MIN_PAGES} pages to render"
        return None

    def start(self, config: MkDocsConfig, files: Files, workers: int,
              follow_up: FollowUp | None = None, skip: Collection[str] = ()) -> None:
        """Fork ``workers`` processes to share the pages (but those of ``skip``) with the
        build process; the first one keeps ``follow_up`` for later."""
        pages = [f.page for f in files.documentation_pages()
                 if f.page is not None and f.src_uri not in skip]
        context = multiprocessing.get_context("fork")
        self._claims = Claims(len(pages))
        self._index = {page.file.src_uri: index for index, page in enumerate(pages)}
        if follow_up is not None:  # the job's pages are known later, and no more than these
            self._follow_claims = Claims(sum(1 for _ in files.documentation_pages()))
        for number in range(workers):
            here, there = context.Pipe()
            job = None
            if number == 0 and follow_up is not None and self._follow_claims is not None:
                job = (follow_up, self._follow_claims)
            inherited = [end for end, _ in self._processes] + [here]
            process = context.Process(
                target=_work, args=(there, inherited, pages, self._claims, number, config, files,
                                    job),
                daemon=True, name=f"apiscribe-pages-{number + 1}",
            )
            process.start()
            there.close()
            self._processes.append((here, process))
            if job is not None:
                self._follower = here
        log.debug(f"{workers} worker(s) share {len(pages)} pages with the build")

    def take(self, src_uri: str) -> Rendered | None:
        """What a worker rendered of the page (``None``: render it here): waits for the
        worker's results if need be, and replays its log records for the page."""
        index = self._index.pop(src_uri, None)
        if index is None or self._claims is None:
            return None
        worker = self._claims.from_front(index)
        if worker is None:
            return None
        self._receive(self._processes[worker][0])
        result = self._results.pop(src_uri, None)
        if result is not None:
            result.replay()
        return result

    def _receive(self, connection: Connection) -> None:
        """A worker's results, once: they come when it finds no page left to take."""
        if connection in self._received:
            return
        self._received.add(connection)
        results: list[Rendered] = []
        with contextlib.suppress(EOFError, OSError):  # a dead worker's pages fall back
            results.extend(receive_batches(connection))
        self._results.update((result.src_uri, result) for result in results)
        if connection is self._follower:  # the pages the follow-up job has already
            self._follower_pages = {result.src_uri for result in results}
        log.debug(f"a worker rendered {len(results)} pages")

    def follow_up(self, pages: Sequence[Page]) -> bool:
        """Start the follow-up job over ``pages`` (all of them, rendered, in build order);
        False when there is no worker to run it."""
        if self._follower is not None:  # unread if the build took none of its pages
            self._receive(self._follower)
        connection, self._follower = self._follower, None
        claims = self._follow_claims
        if connection is None or claims is None or not claims.shorten(len(pages)):
            self._follower = connection  # stopped with the others, the job not started
            return False
        # The largest pages last, so that the worker does them first and the two processes
        # meet among small ones (the schemas page, second in build order, took the worker
        # 2.8 s while the build waited: BENCHMARKS.md, "Issue 13, a twelfth pass").
        self._follow_order = sorted(range(len(pages)), key=lambda i: len(pages[i].content or ""))
        try:
            connection.send([pages[index].file.src_uri for index in self._follow_order])
            send_states(connection, (page for page in pages
                                     if page.file.src_uri not in self._follower_pages))
        except (OSError, ValueError):  # the worker is gone
            return False
        self._follower, self._following = connection, True
        return True

    def answer(self, pages: Sequence[Page], job: FollowUp) -> list[Any] | None:
        """The follow-up job's answer for each of ``pages`` (those given to
        :meth:`follow_up`), done here from the front until the worker's share is reached, and
        for any page the worker did not answer for; ``None`` if the job was not started."""
        connection, self._follower = self._follower, None
        claims = self._follow_claims
        if connection is None or claims is None or not self._following:
            return None
        self._following = False
        ordered = [pages[index] for index in self._follow_order]
        answers = claims.front(ordered, job)  # by position in the claims' order
        here = len(answers)
        with contextlib.suppress(EOFError, OSError):  # a dead worker's pages are done here
            answers.update(receive_batches(connection))
        there = len(answers) - here
        found: list[Any] = [None] * len(pages)
        for position, (index, page) in enumerate(zip(self._follow_order, ordered, strict=True)):
            found[index] = answers[position] if position in answers else job(page)
        log.debug(f"the follow-up job: {len(pages) - there} pages here, {there} in a worker")
        return found

    def stop(self) -> None:
        """End the workers (all of them have finished after a whole build)."""
        if self._follower is not None and not self._following:
            with contextlib.suppress(OSError, ValueError):
                self._follower.send(None)  # no follow-up after all
        for connection, process in self._processes:
            process.join(timeout=0 if self._index or self._following else 5)
            if process.is_alive():
                process.kill()
                process.join()
            connection.close()
        self._processes.clear()
        self._follower, self._following, self._follow_claims = None, False, None
        self._follow_order = []
        self._follower_pages.clear()
        self._received.clear()
        self._index.clear()
        self._claims = None
        self._results.clear()
