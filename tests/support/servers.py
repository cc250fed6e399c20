"""Real API servers for race tests: uvicorn processes on free ports, sharing one database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.databases import apply_migrations  # noqa: F401  (re-exported for callers)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class ServerPool:
    urls: list[str]
    database_url: str

    def url_for(self, index: int) -> str:
        """Spread clients over the processes round-robin."""
        return self.urls[index % len(self.urls)]


@contextmanager
def api_servers(
    database_url: str,
    *,
    processes: int = 1,
    data_dir: Path,
    env: dict[str, str] | None = None,
    startup_timeout: float = 30.0,
) -> Iterator[ServerPool]:
    """Start ``processes`` uvicorn servers of ``baton_api.main:app`` against one migrated database."""
    base_env = {
        **os.environ,
        "BATON_ENV": "test",
        "BATON_DATA_DIR": str(data_dir),
        "BATON_DATABASE_URL": database_url,
        "BATON_JWT_SECRET": "race-secret-" + "y" * 40,
        "BATON_BCRYPT_ROUNDS": "4",
        **(env or {}),
    }
    procs: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    logs = []
    try:
        for _ in range(processes):
            port = free_port()
            log = (data_dir / f"uvicorn-{port}.log").open("wb")
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "baton_api.main:app",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(port),
                        "--no-access-log",
                        "--log-level",
                        "warning",
                    ],
                    env=base_env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            urls.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + startup_timeout
        for url, proc in zip(urls, procs, strict=True):
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"API server {url} exited with {proc.returncode}; see {data_dir}")
                try:
                    if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(f"API server {url} did not become ready")
                time.sleep(0.1)
        yield ServerPool(urls=urls, database_url=database_url)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()
