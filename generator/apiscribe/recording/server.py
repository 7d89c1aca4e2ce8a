"""Run the user's app under a real server on 127.0.0.1, in a child process: waitress for a
WSGI app, uvicorn for an ASGI one (:mod:`.app_process`).

:class:`AppServer` starts the child with a fresh data folder (the database path goes to the
app through ``Config.database_env``), a fresh credential (``Config.token_env``), waits until
the app answers HTTP, and always stops it: on success, on failure and on Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

import httpx

from ..config import Config
from ..diagnostics import ApiscribeError
from .app_process import READY


class AppServer:
    """A context manager around the app server child process.

    ``url`` is the base URL (``http://127.0.0.1:PORT``) and ``token`` the credential the
    set-up hook was asked to create, both valid inside the ``with`` block.
    """

    def __init__(self, config: Config) -> None:
        self.config = config
        self.token = secrets.token_hex(20)
        self.url = ""
        self._process: subprocess.Popen[str] | None = None
        self._data_dir: Path | None = None
        self._log: Path | None = None

    @property
    def served(self) -> str:
        """The app object served: ``wsgi`` when set, else the documented ``app``."""
        return self.config.wsgi or self.config.app

    @property
    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "apiscribe.recording.app_process",
               "--app", self.served]
        if self.config.setup:
            cmd += ["--setup", self.config.setup]
        return cmd

    def environment(self, data_dir: Path) -> dict[str, str]:
        env = dict(os.environ)
        paths = [str(p) for p in self.config.python_paths]
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["PYTHONHASHSEED"] = "0"
        env["TZ"] = "UTC"
        if self.config.django_settings:
            env["DJANGO_SETTINGS_MODULE"] = self.config.django_settings
        if self.config.token_env:
            env[self.config.token_env] = self.token
        if self.config.database_env:
            env[self.config.database_env] = str(data_dir / "db.sqlite3")
        env["APISCRIBE_DATA_DIR"] = str(data_dir)
        env.update(self.config.extra_env)
        return env

    def start(self) -> None:
        if not self.served:
            raise ApiscribeError(
                "no application to serve configured",
                hint="set app (or wsgi) = 'module:attr' in [tool.apiscribe]",
            )
        self._data_dir = Path(tempfile.mkdtemp(prefix="apiscribe-run-"))
        self._log = self._data_dir / "server.log"
        log = self._log.open("w", encoding="utf-8")
        try:
            self._process = subprocess.Popen(
                self.command,
                cwd=self.config.root,
                env=self.environment(self._data_dir),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                start_new_session=True,
            )
        finally:
            log.close()
        try:
            port = self._read_port()
            self.url = f"http://127.0.0.1:{port}"
            self._wait_until_answering()
        except BaseException:
            self.stop()
            raise

    def _fail(self, why: str) -> ApiscribeError:
        tail = ""
        if self._log is not None and self._log.exists():
            lines = self._log.read_text(encoding="utf-8", errors="replace").splitlines()
            tail = "\n".join(lines[-15:])
        message = f"the app server did not start ({why}): {' '.join(self.command)}"
        if tail:
            message += "\n" + tail
        return ApiscribeError(message, hint="check the wsgi and setup settings")

    def _read_port(self) -> int:
        assert self._process is not None and self._process.stdout is not None
        deadline = time.monotonic() + self.config.server_timeout
        stdout = self._process.stdout
        os.set_blocking(stdout.fileno(), False)
        buffer = ""
        while time.monotonic() < deadline:
            try:
                # The pipe is non-blocking: read the descriptor, not the text wrapper
                # (whose read() fails when no bytes are ready yet).
                chunk = os.read(stdout.fileno(), 65536).decode("utf-8", errors="replace")
            except BlockingIOError:
                chunk = ""
            if chunk:
                buffer += chunk
                for line in buffer.splitlines():
                    if line.startswith(READY + " "):
                        return int(line.split()[1])
            if self._process.poll() is not None:
                raise self._fail(f"exited with status {self._process.returncode}")
            time.sleep(0.05)
        raise self._fail(f"no answer within {self.config.server_timeout:g} s")

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + self.config.server_timeout
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/", timeout=2.0)
                return
            except httpx.TransportError:
                if self._process is not None and self._process.poll() is not None:
                    raise self._fail(f"exited with status {self._process.returncode}") from None
                time.sleep(0.05)
        raise self._fail(f"no HTTP answer within {self.config.server_timeout:g} s")

    def stop(self) -> None:
        """Stop the child and its process group; remove the data folder. Safe to repeat."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=5)
            except (ProcessLookupError, PermissionError):
                pass
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if process is not None and process.stdout is not None:
            process.stdout.close()
        if self._data_dir is not None:
            shutil.rmtree(self._data_dir, ignore_errors=True)
            self._data_dir = None

    def __enter__(self) -> AppServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
