"""A tiny plain-WSGI app for the recorder tests.

It behaves like a real API with volatile data: ids are uuid4, times are "now", links carry
the host and port the server runs on, and every ``/api/`` route wants the Bearer token from
``RECFIX_TOKEN``. Things live in the SQLite file named by ``RECFIX_DATABASE``.
"""

from __future__ import annotations

import email.parser
import email.policy
import email.utils
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Reply = tuple[str, list[tuple[str, str]], bytes]

STATUS = {200: "200 OK", 201: "201 Created", 204: "204 No Content", 401: "401 Unauthorized",
          404: "404 Not Found", 405: "405 Method Not Allowed"}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def connect() -> sqlite3.Connection:
    return sqlite3.connect(os.environ["RECFIX_DATABASE"])


def _json(status: int, value: Any, *extra: tuple[str, str]) -> Reply:
    body = json.dumps(value).encode()
    headers = [("Content-Type", "application/json"), *extra, ("X-Request-Id", str(uuid.uuid4()))]
    return STATUS[status], headers, body


def _thing(row: tuple[str, str, str]) -> dict[str, str]:
    return {"id": row[0], "name": row[1], "dateCreated": row[2]}


def _create(environ: dict[str, Any]) -> Reply:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    data = json.loads(environ["wsgi.input"].read(length) or b"{}")
    thing = (str(uuid.uuid4()), str(data.get("name", "")), now())
    with connect() as db:
        db.execute("INSERT INTO things VALUES (?, ?, ?)", thing)
    location = f"http://{environ['HTTP_HOST']}/api/0/things/{thing[0]}/"
    return _json(201, _thing(thing), ("Location", location))


def _list(environ: dict[str, Any]) -> Reply:
    with connect() as db:
        rows = db.execute("SELECT id, name, created FROM things ORDER BY rowid").fetchall()
    link = f'<http://{environ["HTTP_HOST"]}/api/0/things/?cursor=2>; rel="next"'
    query = environ.get("QUERY_STRING", "")
    if "query=" in query:
        wanted = query.split("query=", 1)[1].split("&")[0]
        rows = [row for row in rows if wanted in row[1]]
    return _json(200, [_thing(row) for row in rows], ("Link", link))


def _upload(environ: dict[str, Any], thing_id: str) -> Reply:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    head = f"Content-Type: {environ['CONTENT_TYPE']}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        head + environ["wsgi.input"].read(length)
    )
    fields: dict[str, Any] = {"thing": thing_id, "uploaded": now(), "fileId": uuid.uuid4().hex}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        if part.get_filename():
            fields[str(name)] = {"name": part.get_filename(), "size": len(payload),
                                 "type": part.get_content_type()}
        else:
            fields[str(name)] = payload.decode()
    return _json(201, fields)


def _route(environ: dict[str, Any]) -> Reply:
    method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
    if path == "/whoami":
        return _json(200, {"pid": os.getpid(), "port": int(environ["SERVER_PORT"])})
    if not path.startswith("/api/"):
        return "200 OK", [("Content-Type", "text/plain")], b"recorder fixture app\n"
    if environ.get("HTTP_AUTHORIZATION") != f"Bearer {os.environ['RECFIX_TOKEN']}":
        return _json(401, {"detail": "Invalid token."})
    if path == "/api/0/auth/":
        token = os.environ["RECFIX_TOKEN"]
        return _json(200, {"user": "docs", "token": token, "expires": now()})
    parts = path.strip("/").split("/")
    if parts == ["api", "0", "things"]:
        return _create(environ) if method == "POST" else _list(environ)
    if len(parts) >= 4 and parts[:3] == ["api", "0", "things"]:
        if parts[4:] == ["files"] and method == "POST":
            return _upload(environ, parts[3])
        with connect() as db:
            row = db.execute(
                "SELECT id, name, created FROM things WHERE id = ?", (parts[3],)
            ).fetchone()
            if row is None:
                return _json(404, {"detail": "Not found."})
            if method == "DELETE":
                db.execute("DELETE FROM things WHERE id = ?", (parts[3],))
                return STATUS[204], [], b""
        return _json(200, _thing(row), ("Last-Modified", email.utils.formatdate(usegmt=True)))
    return _json(404, {"detail": "Not found."})


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    status, headers, body = _route(environ)
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]
