"""``baton-api serve``: several worker processes whose metrics add up, and graceful shutdown."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from tests.api.observability.helpers import value
from tests.conftest import TEST_PASSWORD
from tests.support.servers import free_port

pytestmark = pytest.mark.slow


@dataclass
class Served:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    metrics_dir: Path

    def log_events(self) -> list[str]:
        events = []
        for line in self.log_path.read_text().splitlines():
            try:
                events.append(json.loads(line)["event"])
            except (ValueError, KeyError):
                events.append(line)
        return events


@contextmanager
def serve(database_url: str, data_dir: Path, tmp_path: Path, *, workers: int, **env: str) -> Iterator[Served]:
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    # Left over from an earlier run: serve must wipe it (it would corrupt the aggregate).
    (metrics_dir / "counter_1.db").write_bytes(b"\x00stale\xff" * 8)
    log_path = tmp_path / "serve.log"
    process_env = {
        **os.environ,
        "BATON_ENV": "test",
        "BATON_DATA_DIR": str(data_dir),
        "BATON_DATABASE_URL": database_url,
        "BATON_JWT_SECRET": "serve-secret-" + "s" * 40,
        "BATON_BCRYPT_ROUNDS": "4",
        "BATON_RATE_LIMIT_ENABLED": "false",
        "BATON_LOG_LEVEL": "INFO",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        **env,
    }
    command = [sys.executable, "-m", "baton_api.cli", "serve", "--port", str(port), "--workers", str(workers)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=process_env, stdout=log, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", process, log_path, metrics_dir)
    try:
        deadline = time.monotonic() + 90
        while served.log_events().count("Application startup complete.") < workers:
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "workers did not start"
            time.sleep(0.1)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def health_requests_per_worker(metrics_dir: Path) -> dict[str, float]:
    """Read each worker's own metric file, as only the aggregate is served over HTTP."""
    counts = {}
    for path in metrics_dir.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(path)], accumulate=True):  # type: ignore[no-untyped-call]
            for sample in metric.samples:
                if sample.name == "baton_http_requests_total" and sample.labels.get("route") == "/health":
                    counts[path.stem] = counts.get(path.stem, 0.0) + sample.value
    return counts


def send_health_requests(url: str, count: int) -> None:
    def one(_: int) -> None:
        # a new connection each time, so the kernel spreads them over the workers
        assert httpx.get(f"{url}/health", timeout=30).status_code == 200

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, range(count)))


def test_the_metrics_of_every_worker_add_up(database_url: str, data_dir: Path, tmp_path: Path) -> None:
    with serve(database_url, data_dir, tmp_path, workers=2) as server:
        sent = 0
        while len([n for n in health_requests_per_worker(server.metrics_dir).values() if n > 0]) < 2:
            assert sent < 3000, "the kernel never handed a connection to the second worker"
            send_health_requests(server.url, 100)
            sent += 100

        deadline = time.monotonic() + 10
        while True:  # a worker counts a request just after answering it
            scrapes = [httpx.get(f"{server.url}/metrics", timeout=30).text for _ in range(4)]
            totals = [
                value(text, "baton_http_requests_total", method="GET", route="/health", status="200")
                for text in scrapes
            ]
            if all(total == sent for total in totals) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert totals == [sent] * 4
        assert sum(health_requests_per_worker(server.metrics_dir).values()) == sent


def test_sigterm_finishes_requests_in_flight_then_stops(database_url: str, data_dir: Path, tmp_path: Path) -> None:
    # bcrypt cost 13: a sign-in takes long enough to still be running when SIGTERM arrives
    with serve(database_url, data_dir, tmp_path, workers=2, BATON_BCRYPT_ROUNDS="13") as server:
        email = f"serve-{time.time_ns()}@example.com"
        registered = httpx.post(
            f"{server.url}/auth/register", json={"email": email, "password": TEST_PASSWORD}, timeout=60
        )
        assert registered.status_code == 201, registered.text
        outcome: dict[str, httpx.Response] = {}

        def sign_in() -> None:
            outcome["response"] = httpx.post(
                f"{server.url}/auth/token",
                data={"grant_type": "password", "username": email, "password": TEST_PASSWORD},
                timeout=60,
            )

        in_flight = threading.Thread(target=sign_in)
        in_flight.start()
        time.sleep(0.3)
        server.process.send_signal(signal.SIGTERM)
        in_flight.join(timeout=60)
        assert server.process.wait(timeout=60) == 0

    assert outcome["response"].status_code == 200
    assert "refresh_token" in outcome["response"].json()
    events = server.log_events()
    assert events.count("Application shutdown complete.") == 2
    assert events[-1] == "Baton API stopped"
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.url}/health", timeout=2)


def test_production_refuses_weak_settings_before_starting_any_worker(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BATON_")}
    env.update({"BATON_ENV": "production", "BATON_DATA_DIR": str(tmp_path), "BATON_JWT_SECRET": "secret"})
    completed = subprocess.run(
        [sys.executable, "-m", "baton_api.cli", "serve", "--port", str(free_port()), "--workers", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode != 0
    assert "refusing to start in production" in completed.stderr
    assert "Started server process" not in completed.stderr
