"""The embedded default: Cordon's own Neo4j Community process on loopback.

With ``NEO4J_URI`` unset, the first process that needs the graph starts Neo4j from the
jars that ``make`` fetched from Maven Central (``.neo4j/lib``) and records where it
listens in the data folder. Every later process (the web server, a ``flask`` command in a
second terminal) finds it there. A file lock makes sure that only one of them starts it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.private import UMASK, open_private, private_folder, tighten

REPO_ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = REPO_ROOT / "graph" / "embedded" / "Launcher.java"
DEFAULT_LIB = REPO_ROOT / ".neo4j" / "lib"

_UNITS = {"k": 1024, "m": 1024**2, "g": 1024**3}


class EmbeddedNeo4jError(RuntimeError):
    """The embedded Neo4j could not be started or stopped."""


@dataclass(frozen=True)
class BoltEndpoint:
    """Where a running Neo4j listens and how to log in to it."""

    uri: str
    user: str
    password: str


def parse_size(text: str) -> int:
    """Turn a JVM-style size (``512m``, ``1g``, ``1048576``) into bytes.

    >>> parse_size("512m")
    536870912
    """
    text = text.strip().lower()
    if text and text[-1] in _UNITS:
        return int(float(text[:-1]) * _UNITS[text[-1]])
    return int(text)


class EmbeddedNeo4j:
    """Starts, finds and stops the Neo4j process that keeps its store under ``data_dir``."""

    def __init__(
        self,
        data_dir: str | os.PathLike[str],
        *,
        heap: str = "1g",
        pagecache: str = "512m",
        lib_dir: str | os.PathLike[str] = DEFAULT_LIB,
        java: str = "java",
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.heap = heap
        self.pagecache = pagecache
        self.lib_dir = Path(lib_dir)
        self.java = java

    # Files in the data folder -------------------------------------------------------

    @property
    def _home(self) -> Path:
        return self.data_dir / "home"

    @property
    def _state_file(self) -> Path:
        return self.data_dir / "server.json"

    @property
    def _password_file(self) -> Path:
        return self.data_dir / "password"

    @property
    def _ready_file(self) -> Path:
        return self.data_dir / "ready"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "neo4j.log"

    # Public API ---------------------------------------------------------------------

    def ensure_running(self, timeout: float = 180.0) -> BoltEndpoint:
        """Return the endpoint of the running Neo4j, starting it first if needed.

        A process that died (killed, machine rebooted) is noticed here and started again
        on the same port when that port is still free.
        """
        with self._lock():
            state = self._read_state()
            if state and self._is_ours(state["pid"]):
                if self._wait_ready(state["pid"], state["port"], 30):
                    return self._endpoint(state["port"])
                # Alive but deaf for half a minute: hung. Replace it.
                self._terminate(state["pid"], grace=20)
            # Keep the old port when it frees up, so drivers that other processes hold
            # reconnect by themselves; a killed process lets go of it within a moment.
            port = state["port"] if state and _wait_port_free(state["port"], 5) else _free_port()
            process = self._spawn(port)
            self._write_state({"pid": process.pid, "port": port})
            if not self._wait_started(process, port, timeout):
                self._terminate(process.pid, grace=5)
                raise EmbeddedNeo4jError(
                    f"Neo4j did not start within {timeout:.0f} s; see {self.log_file}"
                )
            return self._endpoint(port)

    def running(self) -> BoltEndpoint | None:
        """The endpoint if this data folder's Neo4j is up, without starting anything."""
        state = self._read_state()
        if state and self._is_ready(state["pid"], state["port"]):
            return self._endpoint(state["port"])
        return None

    def pid(self) -> int | None:
        state = self._read_state()
        if state and self._is_ours(state["pid"]):
            return int(state["pid"])
        return None

    def stop(self, grace: float = 60.0) -> bool:
        """Shut Neo4j down cleanly (SIGTERM runs its shutdown hook). True if it was up."""
        with self._lock():
            state = self._read_state()
            if not state or not self._is_ours(state["pid"]):
                return False
            self._terminate(state["pid"], grace=grace)
            return True

    def kill(self) -> None:
        """Kill the process without a clean shutdown: for fault tests only."""
        pid = self.pid()
        if pid:
            os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 30)

    # Internals ----------------------------------------------------------------------

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        private_folder(self.data_dir)
        with open_private(self.data_dir / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _password(self) -> str:
        if not self._password_file.exists():
            fd = os.open(self._password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(24))
        return self._password_file.read_text().strip()

    def _endpoint(self, port: int) -> BoltEndpoint:
        return BoltEndpoint(f"bolt://127.0.0.1:{port}", "neo4j", self._password())

    def _read_state(self) -> dict | None:
        try:
            return json.loads(self._state_file.read_text())
        except (FileNotFoundError, ValueError):
            return None

    def _write_state(self, state: dict) -> None:
        tmp = self._state_file.with_suffix(".tmp")
        with open_private(tmp) as handle:
            handle.write(json.dumps(state))
        tmp.replace(self._state_file)

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        jars = sorted(self.lib_dir.glob("*.jar"))
        if not jars:
            raise EmbeddedNeo4jError(
                f"No Neo4j jars in {self.lib_dir}: run `make neo4j` (fetches them with Maven)"
            )
        self._password()
        private_folder(self._home)
        tighten(self.data_dir)  # a store from before files were private
        self._ready_file.unlink(missing_ok=True)
        command = [
            self.java,
            f"-Xmx{self.heap}",
            f"-Xms{self.heap}",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            f"{self.lib_dir.resolve()}/*",
            str(LAUNCHER),
            str(self._home),
            str(port),
            str(self._password_file),
            str(parse_size(self.pagecache)),
            str(self._ready_file),
        ]
        with open_private(self.log_file, "ab") as log:
            process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
                command,
                umask=UMASK,  # the store, transaction logs and Neo4j's logs: owner only
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives the process that started it
                cwd=self.data_dir,
            )
        return process

    def _is_ours(self, pid: int) -> bool:
        """True if ``pid`` is alive and is a Neo4j launcher for this data folder."""
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False
        if _is_zombie(pid):
            return False
        return str(self._home).encode() in cmdline and str(LAUNCHER).encode() in cmdline

    def _is_ready(self, pid: int, port: int) -> bool:
        """Alive, finished setting its password (ready file names it) and listening."""
        try:
            ready = self._ready_file.read_text().split()
        except FileNotFoundError:
            return False
        return ready == [str(pid), str(port)] and self._is_ours(pid) and _port_open(port)

    def _wait_ready(self, pid: int, port: int, timeout: float) -> bool:
        """Wait for a process started elsewhere; False if it dies or stays deaf."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._is_ready(pid, port):
                return True
            if not self._is_ours(pid):
                return False
            time.sleep(0.25)
        return False

    def _wait_started(self, process: subprocess.Popen[bytes], port: int, timeout: float) -> bool:
        """Wait for the process we just spawned; raise if it exits during start-up."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise EmbeddedNeo4jError(f"Neo4j exited during start-up; see {self.log_file}")
            if self._is_ready(process.pid, port):
                return True
            time.sleep(0.25)
        return False

    def _terminate(self, pid: int, grace: float) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, grace):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 30)


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As a server binds: connections of a killed predecessor in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _wait_port_free(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not _port_free(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def _reap(pid: int) -> None:
    """Collect our own exited child so it does not linger as a zombie."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _reap(pid)
        if not Path(f"/proc/{pid}").exists() or _is_zombie(pid):
            _reap(pid)
            return True
        time.sleep(0.2)
    return False
