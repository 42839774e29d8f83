"""Serve the participant notebook to phones with Voila: token auth on, QR code, idle culling.

``quartiere workshop serve`` calls :func:`main`; notebooks and tests call :func:`serve`.
Each phone gets its own kernel; they all write to the same SQLite store, whose path reaches
the notebook through the ``QUARTIERE_WORKSHOP_DB`` environment variable.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quartiere.errors import ParameterError, QuartiereError, WorkshopError
from quartiere.workshop.app import DB_ENV, WORKSHOP_ENV
from quartiere.workshop.store import WorkshopStore

__all__ = ["VoilaServer", "lan_address", "main", "qr_ascii", "serve"]

DEFAULT_NOTEBOOK = Path("notebooks") / "workshop-participate.ipynb"


@dataclass
class VoilaServer:
    """A running Voila server (stop it with :meth:`stop` or use it as a context manager).

    Attributes
    ----------
    process : subprocess.Popen
    url : str
        Address for phones, token included.
    local_url : str
        Loopback address, token included.
    token : str
    host : str
    port : int
    """

    process: subprocess.Popen
    url: str
    local_url: str
    token: str
    host: str
    port: int
    log_path: Path | None = field(default=None)

    def running(self) -> bool:
        """Whether the server process is alive."""
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        """Terminate the server (and its kernels); returns the exit code."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout)
        return self.process.returncode

    def __enter__(self) -> VoilaServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def lan_address() -> str:
    """This computer's address on the local network (no packet is sent); 127.0.0.1 if none."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("10.255.255.255", 1))
        return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        s.close()


def qr_ascii(data: str) -> str:
    """The QR code of ``data`` drawn with text characters (for a terminal).

    Examples
    --------
    >>> art = qr_ascii("http://127.0.0.1:8866/?token=x")
    >>> len(art.splitlines()) > 10
    True
    """
    import qrcode

    qr = qrcode.QRCode(border=1)
    qr.add_data(data)
    qr.make(fit=True)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def _free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host if host not in ("0.0.0.0", "") else "0.0.0.0", port))
        except OSError:
            return False
    return True


def serve(
    notebook: str | os.PathLike[str] = DEFAULT_NOTEBOOK,
    *,
    db: str | os.PathLike[str],
    port: int = 8866,
    host: str = "127.0.0.1",
    token: str | None = None,
    open_browser: bool = False,
    workshop: str | None = None,
    cull_idle_timeout: int = 1200,
    cull_interval: int = 60,
    ready_timeout: float = 60.0,
    echo: Callable[[str], object] | None = print,
) -> VoilaServer:
    """Start Voila on the participant notebook, wait until it answers, print URL and QR code.

    Parameters
    ----------
    notebook : path-like, default ``notebooks/workshop-participate.ipynb``
    db : path-like
        The workshop SQLite file (must already hold the workshop: create it from the agenda
        in the facilitator notebook first).
    port : int, default 8866
    host : str, default "127.0.0.1"
        Address to listen on. Use ``"0.0.0.0"`` to reach phones on the same Wi-Fi; the printed
        URL then shows this computer's LAN address.
    token : str, optional
        Access token (required in every URL; Voila's default is no auth, which we never use).
        Default: a fresh random token.
    open_browser : bool, default False
    workshop : str, optional
        Workshop id if the file holds several.
    cull_idle_timeout, cull_interval : int
        Seconds of inactivity after which a phone's kernel is shut down, and how often to check
        (connected idle kernels are culled too: a phone that wakes up reloads and re-enters its
        code, its answers are kept).
    ready_timeout : float, default 60
        Seconds to wait for the server to answer.
    echo : callable or None, default print
        Where the URL and QR code go; ``None`` for silence.

    Returns
    -------
    VoilaServer
        Running server; call ``.stop()`` when the workshop ends.

    Raises
    ------
    ParameterError
        Missing notebook or database, empty token, port in use.
    WorkshopError
        The database is not a workshop database, or Voila failed to start (its last log lines
        are in the message).
    """
    nb = Path(notebook).resolve()
    if not nb.is_file():
        raise ParameterError(
            "notebook not found; give the participant notebook path", parameter="notebook"
        )
    dbp = Path(db).resolve()
    if not dbp.is_file():
        raise ParameterError(
            f"workshop database {dbp.name} not found; create it from the "
            "agenda in the facilitator notebook first",
            parameter="db",
        )
    store = WorkshopStore(dbp)  # checks the file, switches it to WAL once
    try:
        ids = store.workshops()["workshop"].tolist()
        if not ids:
            raise WorkshopError("the database holds no workshop yet", path=dbp)
        if workshop is not None:
            store.agenda(workshop)
    finally:
        store.close()
    if token is None:
        token = secrets.token_urlsafe(18)
    if not str(token).strip():
        raise ParameterError("the token must not be empty (token auth stays on)", parameter="token")
    if not _free(host, int(port)):
        raise ParameterError(f"port {port} is in use; pick another with --port", parameter="port")
    env = {**os.environ, DB_ENV: str(dbp)}
    if workshop:
        env[WORKSHOP_ENV] = workshop
    cmd = [
        sys.executable, "-m", "voila", str(nb),
        f"--port={int(port)}",
        f"--Voila.ip={host}",
        f"--token={token}",
        "--Voila.port_retries=0",
        "--Voila.show_tracebacks=False",
        f"--MappingKernelManager.cull_idle_timeout={int(cull_idle_timeout)}",
        f"--MappingKernelManager.cull_interval={int(cull_interval)}",
        "--MappingKernelManager.cull_connected=True",
    ]  # fmt: skip
    if not open_browser:
        cmd.append("--no-browser")
    log_path = dbp.with_name(dbp.stem + "-voila.log")
    log = open(log_path, "ab")
    proc = subprocess.Popen(
        cmd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=str(nb.parent),
        start_new_session=True,
    )
    log.close()
    local = f"http://127.0.0.1:{int(port)}/?token={token}"
    shown = host if host not in ("0.0.0.0", "", "::") else lan_address()
    url = f"http://{shown}:{int(port)}/?token={token}"
    server = VoilaServer(proc, url, local, token, host, int(port), log_path)
    deadline = time.monotonic() + ready_timeout
    probe = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{int(port)}/api/status"
    while True:
        if proc.poll() is not None:
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-3:]
            raise WorkshopError("Voila stopped at start: " + " | ".join(tail), path=log_path)
        try:
            with urllib.request.urlopen(probe + f"?token={token}", timeout=2):
                break
        except urllib.error.HTTPError:
            break  # it answers (even 403/404 means the server is up)
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise WorkshopError(f"Voila did not answer within {ready_timeout:g} s", path=log_path)
        time.sleep(0.25)
    if echo is not None:
        echo(f"Workshop page for phones: {url}")
        echo(qr_ascii(url))
    return server


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``quartiere workshop serve [NOTEBOOK] --db FILE [--port N] [--host H]
    [--token T] [--workshop ID] [--open-browser] [--cull-idle-timeout S]``.

    Runs until Ctrl-C. Returns 0, or 2 after printing a one-line error.
    """
    ap = argparse.ArgumentParser(
        prog="quartiere workshop serve", description="Serve the participant page to phones (Voila)."
    )
    ap.add_argument("notebook", nargs="?", default=str(DEFAULT_NOTEBOOK))
    ap.add_argument("--db", required=True, help="workshop .sqlite file")
    ap.add_argument("--port", type=int, default=8866)
    ap.add_argument(
        "--host", default="127.0.0.1", help="0.0.0.0 to reach phones on the same network"
    )
    ap.add_argument("--token", default=None, help="access token (default: random)")
    ap.add_argument("--workshop", default=None)
    ap.add_argument("--open-browser", action="store_true")
    ap.add_argument("--cull-idle-timeout", type=int, default=1200)
    args = ap.parse_args(argv)
    try:
        server = serve(
            args.notebook,
            db=args.db,
            port=args.port,
            host=args.host,
            token=args.token,
            open_browser=args.open_browser,
            workshop=args.workshop,
            cull_idle_timeout=args.cull_idle_timeout,
        )
    except QuartiereError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        while server.running():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0
