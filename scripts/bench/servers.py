"""Real API servers for the benchmark: ``baton-api serve`` processes running the bench app."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

HERE = Path(__file__).resolve().parent
BENCH_APP = "bench_app:create_bench_app"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "baton_api.cli", "migrate"], env=env, check=True, capture_output=True)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def peak_rss_bytes(pid: int) -> int:
    """``VmHWM``: the process's peak resident set size so far."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmHWM for {pid}")


@dataclass
class Server:
    name: str
    url: str
    workers: int
    process: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the server itself, or uvicorn's spawned workers."""
        if self.workers == 1:
            return [self.process.pid]
        return [pid for pid in _children(self.process.pid) if "multiprocessing.spawn" in _cmdline(pid)]

    def peak_rss(self) -> dict[int, int]:
        return {pid: peak_rss_bytes(pid) for pid in self.worker_pids()}

    def stop(self) -> int | None:
        """SIGTERM (graceful shutdown), then SIGKILL if it does not finish in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


def start_server(name: str, *, env: dict[str, str], workers: int, log_dir: Path, timeout: float = 90) -> Server:
    port = free_port()
    log_path = log_dir / f"server-{name}.log"
    log = log_path.open("wb")
    server_env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))}
    server_env.pop("PROMETHEUS_MULTIPROC_DIR", None)  # each server gets its own, fresh
    command = [sys.executable, "-m", "baton_api.cli", "serve", "--app", BENCH_APP, "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=server_env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(name, f"http://127.0.0.1:{port}", workers, process, log_path, log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server {name} exited with {process.returncode}; see {log_path}")
        # Every worker logs its startup: wait for all of them, not just the first to answer.
        started = log_path.read_bytes().count(b"Application startup complete")
        if started >= workers:
            try:
                if httpx.get(f"{server.url}/ready", timeout=2).status_code == 200:
                    return server
            except httpx.TransportError:
                pass
        if time.monotonic() > deadline:
            server.stop()
            raise TimeoutError(f"server {name} did not become ready; see {log_path}")
        time.sleep(0.2)
