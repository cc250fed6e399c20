"""``make bench``: Baton measured with real servers and a compiled load generator (wrk).

Three API servers run side by side for the whole benchmark, so every ratio compares numbers taken
minutes apart at most, in interleaved rounds, on the same (noisy) machine:

    sqlite-1w   one process, SQLite
    pg-1w       one process, PostgreSQL
    pg-2w       two worker processes, PostgreSQL

They run ``baton-api serve`` in production mode (bcrypt cost 12, JSON access logs, metrics on)
with the bench app: the production app plus ``/bench/bare`` and ``/bench/token-only``. Rate
limits are off: every request comes from one address and one account, and the benchmark
measures authentication, not the limiter's refusals.

Measured (the issue's six items): 1. token-only vs bare route; 2. ``/users/me`` vs bare on SQLite
and PostgreSQL; 3. a storm of 32 concurrent sign-ins while ``/health`` is probed every 10 ms;
4. refresh rotation at 50 concurrent sessions; 5. one vs two worker processes; 6. peak RSS.

    uv run python scripts/bench/run.py            # everything, ~3½ minutes
    uv run python scripts/bench/run.py --charts   # redraw charts from results.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import charts  # noqa: E402
from servers import Server, migrate, start_server  # noqa: E402

LUA = HERE / "lua"
RESULTS = HERE / "results"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"

BCRYPT_ROUNDS = 12
ROUNDS = 5  # interleaved rounds of the throughput runs; ratios are medians over rounds
RUN_SECONDS = 3
CONNECTIONS = 32
STORM_SIGN_INS = 32
STORM_SECONDS = 12
REFRESH_SESSIONS = 50
REFRESH_SECONDS = 8

ROUTES = {"bare": "/bench/bare", "token-only": "/bench/token-only", "users-me": "/users/me"}
THROUGHPUT_PLAN = [
    ("sqlite-1w", "bare"),
    ("sqlite-1w", "token-only"),
    ("sqlite-1w", "users-me"),
    ("pg-1w", "bare"),
    ("pg-1w", "token-only"),
    ("pg-1w", "users-me"),
    ("pg-2w", "bare"),
    ("pg-2w", "token-only"),
]


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- wrk ------------------------------------------------------------------------------------


def wrk(
    url: str,
    *,
    script: str,
    seconds: float,
    connections: int,
    headers: list[str] | None = None,
    args: list[str] | None = None,
    timeout: str = "10s",
) -> dict[str, Any]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", timeout, "-s", str(LUA / script)]
    for header in headers or []:
        command += ["-H", header]
    command.append(url)
    if args:
        command += ["--", *args]
    completed = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 120)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    if not lines:
        raise RuntimeError(f"wrk printed no report:\n{completed.stdout}\n{completed.stderr}")
    result: dict[str, Any] = json.loads(lines[-1].removeprefix("BENCH_JSON "))
    ok = result["requests"] - result["errors"]["status"]
    result["ok"] = ok
    result["rps"] = ok / (result["duration_us"] / 1e6)
    result["socket_errors"] = sum(v for k, v in result["errors"].items() if k != "status")
    return result


# --- setup ----------------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    import asyncpg

    name = f"baton_bench_{uuid.uuid4().hex[:10]}"
    dsn = admin_url.replace("postgres://", "postgresql://", 1)

    async def execute(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(execute(f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(admin_url, name)
    finally:
        asyncio.run(execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class Account:
    email: str
    password: str
    access_token: str


def register_and_sign_in(server: Server) -> Account:
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    password = secrets.token_urlsafe(18)
    with httpx.Client(base_url=server.url, timeout=60) as client:
        client.post("/auth/register", json={"email": email, "password": password}).raise_for_status()
        response = client.post("/auth/token", data={"grant_type": "password", "username": email, "password": password})
        response.raise_for_status()
    return Account(email, password, response.json()["access_token"])


def sign_in_sessions(server: Server, account: Account, count: int) -> list[str]:
    """``count`` new sessions of ``account``; returns their refresh tokens."""

    async def sign_in_all() -> list[str]:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            gate = asyncio.Semaphore(8)

            async def one() -> str:
                async with gate:
                    response = await client.post(
                        "/auth/token",
                        data={"grant_type": "password", "username": account.email, "password": account.password},
                    )
                response.raise_for_status()
                token: str = response.json()["refresh_token"]
                return token

            return list(await asyncio.gather(*(one() for _ in range(count))))

    return asyncio.run(sign_in_all())


def measure_hash_seconds(rounds: int) -> float:
    """One bcrypt verification at ``rounds``, on one core, as the API runs it (median of 5)."""
    from baton_api.core import passwords

    stored = passwords.hash_password_sync("bench password", rounds)
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        passwords.verify_password_sync("bench password", stored)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def measure_parallel_hash_rate(rounds: int, threads: int, per_thread: int = 3) -> float:
    """Verifications per second with ``threads`` threads hashing at once, no server involved: what
    the machine can give the storm right now. On an idle machine it is ``threads ÷ hash time``;
    less means other processes hold some of the cores."""
    from baton_api.core import passwords

    stored = passwords.hash_password_sync("bench password", rounds)

    def work() -> None:
        for _ in range(per_thread):
            passwords.verify_password_sync("bench password", stored)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return threads * per_thread / (time.perf_counter() - start)


# --- measurements ---------------------------------------------------------------------------


def run_throughput(servers: dict[str, Server], tokens: dict[str, str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name, route in THROUGHPUT_PLAN:  # warm-up: imports, connection pools, caches
        wrk_route(servers[name], route, tokens[name], seconds=1)
    for round_number in range(1, ROUNDS + 1):
        for name, route in THROUGHPUT_PLAN:
            result = wrk_route(servers[name], route, tokens[name], seconds=RUN_SECONDS)
            runs.setdefault(name, {}).setdefault(route, []).append(result)
            log(f"round {round_number}: {name:9} {route:10} {result['rps']:8.0f} req/s")
    return runs


def wrk_route(server: Server, route: str, token: str, *, seconds: float) -> dict[str, Any]:
    headers = [] if route == "bare" else [f"Authorization: Bearer {token}"]
    result = wrk(
        server.url + ROUTES[route], script="plain.lua", seconds=seconds, connections=CONNECTIONS, headers=headers
    )
    if result["errors"]["status"] or result["socket_errors"]:
        raise RuntimeError(f"{server.name} {route}: errors {result['errors']}")
    return result


def run_storm(server: Server, account: Account) -> dict[str, Any]:
    cores = os.cpu_count() or 1
    hash_seconds = measure_hash_seconds(BCRYPT_ROUNDS)
    parallel_rate = measure_parallel_hash_rate(BCRYPT_ROUNDS, cores)
    storm = subprocess.Popen(
        [
            "wrk", "-t1", f"-c{STORM_SIGN_INS}", f"-d{STORM_SECONDS}s", "--timeout", "60s",
            "-s", str(LUA / "signin.lua"), server.url, "--", account.email, account.password,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        time.sleep(1.5)  # let the bcrypt threads saturate first
        probe = wrk(server.url + "/health", script="probe.lua", seconds=STORM_SECONDS - 3, connections=1)
        stdout, _ = storm.communicate(timeout=STORM_SECONDS + 120)
    finally:
        if storm.poll() is None:
            storm.kill()
    line = next(line for line in stdout.splitlines() if line.startswith("BENCH_JSON "))
    signins: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    ok = signins["requests"] - signins["errors"]["status"]
    rate = ok / (signins["duration_us"] / 1e6)
    return {
        "cores": cores,
        "bcrypt_rounds": BCRYPT_ROUNDS,
        "hash_seconds": hash_seconds,
        "machine_parallel_hashes_per_second": parallel_rate,
        "concurrent_sign_ins": STORM_SIGN_INS,
        "sign_ins": ok,
        "sign_in_errors": signins["errors"],
        "sign_ins_per_second": rate,
        "sign_ins_target": 0.85 * cores / hash_seconds,
        "sign_in_latency_us": signins["latency_us"],
        "probe": probe,
    }


def run_refresh(server: Server, account: Account, work_dir: Path) -> dict[str, Any]:
    tokens = sign_in_sessions(server, account, REFRESH_SESSIONS + 1)  # +1: see lua/refresh.lua
    token_file = work_dir / f"refresh-tokens-{server.name}.txt"
    token_file.write_text("\n".join(tokens) + "\n")
    result = wrk(
        server.url, script="refresh.lua", seconds=REFRESH_SECONDS, connections=REFRESH_SESSIONS,
        args=[str(token_file)], timeout="30s",
    )  # fmt: skip
    token_file.unlink()
    result["sessions"] = REFRESH_SESSIONS
    result["p99_target_us"] = 5 * REFRESH_SESSIONS / result["rps"] * 1e6 if result["rps"] else 0
    return result


# --- summary --------------------------------------------------------------------------------


def median_rps(runs: dict[str, dict[str, list[dict[str, Any]]]], server: str, route: str) -> float:
    return statistics.median(float(r["rps"]) for r in runs[server][route])


def median_ratio(runs: dict[str, dict[str, list[dict[str, Any]]]], a: tuple[str, str], b: tuple[str, str]) -> float:
    """Median over rounds of run(a)/run(b) taken in the same round: each pair is side by side."""
    pairs = zip(runs[a[0]][a[1]], runs[b[0]][b[1]], strict=True)
    return statistics.median(float(x["rps"]) / float(y["rps"]) for x, y in pairs)


def summarize(data: dict[str, Any]) -> list[dict[str, Any]]:
    runs = data["throughput"]
    storm = data["storm"]
    refresh = data["refresh"]
    items: list[dict[str, Any]] = []

    def item(number: str, what: str, value: float, shown: str, target: str, ok: bool | None) -> None:
        items.append({"item": number, "what": what, "value": value, "result": shown, "target": target, "pass": ok})

    def versus(a: tuple[str, str], b: tuple[str, str], unit: str = "") -> tuple[float, str]:
        ratio = median_ratio(runs, a, b)
        return ratio, f"{ratio:.2f}{unit} ({median_rps(runs, *a):,.0f} vs {median_rps(runs, *b):,.0f} req/s)"

    ratio, shown = versus(("sqlite-1w", "token-only"), ("sqlite-1w", "bare"))
    item("1", "token-only route / bare route (1 process)", ratio, shown, "≥ 0.85", ratio >= 0.85)
    for db, label in (("sqlite-1w", "SQLite"), ("pg-1w", "PostgreSQL")):
        ratio, shown = versus((db, "users-me"), (db, "bare"))
        item("2", f"/users/me / bare route, {label}", ratio, shown, "≥ 0.30", ratio >= 0.30)

    p99_ms = storm["probe"]["latency_us"]["p99"] / 1000
    item("3", "sign-in storm: /health probe p99", p99_ms, f"{p99_ms:.1f} ms", "≤ 25 ms", p99_ms <= 25)
    rate, target = storm["sign_ins_per_second"], storm["sign_ins_target"]
    what = f"sign-in storm: sign-ins/s ({storm['concurrent_sign_ins']} concurrent, bcrypt {storm['bcrypt_rounds']})"
    formula = f"0.85 × {storm['cores']} cores ÷ {storm['hash_seconds'] * 1000:.0f} ms"
    machine = storm["machine_parallel_hashes_per_second"]
    shown = f"{rate:.2f}/s (bare bcrypt on {storm['cores']} threads, no server: {machine:.2f}/s)"
    item("3", what, rate, shown, f"≥ {target:.2f}/s ({formula})", rate >= target)
    for name, label in (("sqlite-1w", "SQLite"), ("pg-1w", "PostgreSQL")):
        r = refresh[name]
        p99 = r["latency_us"]["p99"] / 1000
        limit = r["p99_target_us"] / 1000
        shown = f"{r['rps']:,.0f}/s, p50 {r['latency_us']['p50'] / 1000:.0f} ms, p99 {p99:.0f} ms"
        item("4", f"refresh, {r['sessions']} sessions, {label}", p99, shown, f"p99 ≤ {limit:.0f} ms", p99 <= limit)

    scale, shown = versus(("pg-2w", "token-only"), ("pg-1w", "token-only"), "×")
    item("5", "2 vs 1 processes, token-only route (PostgreSQL)", scale, shown, "report", None)
    r1, r2 = refresh["pg-1w"], refresh["pg-2w"]
    scale = r2["rps"] / r1["rps"]
    p99s = f"p99 {r2['latency_us']['p99'] / 1000:.0f} vs {r1['latency_us']['p99'] / 1000:.0f} ms"
    shown = f"{scale:.2f}× ({r2['rps']:,.0f} vs {r1['rps']:,.0f}/s; {p99s})"
    item("5", "2 vs 1 processes, refresh (PostgreSQL)", scale, shown, "report", None)

    peak = max(rss for server in data["memory"].values() for rss in server.values()) / 2**20
    item("6", "peak RSS of an API process after the run", peak, f"{peak:.0f} MB", "≤ 150 MB", peak <= 150)
    return items


def markdown_table(items: list[dict[str, Any]]) -> str:
    marks = {True: "✅", False: "❌", None: "—"}
    lines = ["| # | measurement | result | target | |", "|---|---|---|---|---|"]
    for i in items:
        lines.append(f"| {i['item']} | {i['what']} | {i['result']} | {i['target']} | {marks[i['pass']]} |")
    return "\n".join(lines)


# --- main -----------------------------------------------------------------------------------


def run_all(work_dir: Path, postgres_admin_url: str) -> dict[str, Any]:
    started = time.monotonic()
    env = {
        **os.environ,
        "BATON_ENV": "production",
        "BATON_DATA_DIR": str(work_dir),
        "BATON_JWT_SECRET": secrets.token_urlsafe(48),
        "BATON_BCRYPT_ROUNDS": str(BCRYPT_ROUNDS),
        "BATON_ACCESS_TOKEN_TTL_SECONDS": "3600",  # outlives the benchmark
        "BATON_RATE_LIMIT_ENABLED": "false",
        "BATON_METRICS_TOKEN": secrets.token_urlsafe(32),
        "BATON_LOG_LEVEL": "INFO",
        "BATON_ACCESS_LOG": "true",
    }
    for key in ("BATON_REDIS_URL", "BATON_WORKERS", "BATON_PORT", "BATON_HOST"):
        env.pop(key, None)
    servers: dict[str, Server] = {}
    with postgres_database(postgres_admin_url) as pg_url:
        sqlite_env = {**env, "BATON_DATABASE_URL": f"sqlite://{work_dir / 'bench.sqlite3'}?busy_timeout=10000"}
        pg_env = {**env, "BATON_DATABASE_URL": pg_url}
        migrate(sqlite_env)
        migrate(pg_env)
        try:
            log("starting servers: sqlite-1w, pg-1w, pg-2w")
            servers["sqlite-1w"] = start_server("sqlite-1w", env=sqlite_env, workers=1, log_dir=work_dir)
            servers["pg-1w"] = start_server("pg-1w", env=pg_env, workers=1, log_dir=work_dir)
            servers["pg-2w"] = start_server("pg-2w", env=pg_env, workers=2, log_dir=work_dir)
            accounts = {name: register_and_sign_in(server) for name, server in servers.items()}
            tokens = {name: account.access_token for name, account in accounts.items()}

            log(f"throughput: {ROUNDS} interleaved rounds of {len(THROUGHPUT_PLAN)} runs × {RUN_SECONDS} s")
            throughput = run_throughput(servers, tokens)

            log("sign-in storm (pg-1w)")
            storm = run_storm(servers["pg-1w"], accounts["pg-1w"])
            probe_p99 = storm["probe"]["latency_us"]["p99"] / 1000
            log(f"storm: {storm['sign_ins_per_second']:.2f} sign-ins/s, probe p99 {probe_p99:.1f} ms")

            refresh = {}
            for name in ("sqlite-1w", "pg-1w", "pg-2w"):
                log(f"refresh, {REFRESH_SESSIONS} sessions ({name})")
                refresh[name] = run_refresh(servers[name], accounts[name], work_dir)
                rate, p50, p99 = (
                    refresh[name]["rps"],
                    *(refresh[name]["latency_us"][p] / 1000 for p in ("p50", "p99")),
                )
                log(f"refresh {name}: {rate:.0f}/s p50 {p50:.0f} ms p99 {p99:.0f} ms")

            memory = {
                name: {str(pid): rss for pid, rss in server.peak_rss().items()} for name, server in servers.items()
            }
        finally:
            exit_codes = {name: server.stop() for name, server in servers.items()}
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.splitlines()[0]
    data: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "duration_seconds": round(time.monotonic() - started, 1),
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "wrk": wrk_version.strip()},
        "config": {
            "rounds": ROUNDS, "run_seconds": RUN_SECONDS, "connections": CONNECTIONS,
            "storm_sign_ins": STORM_SIGN_INS, "storm_seconds": STORM_SECONDS,
            "refresh_sessions": REFRESH_SESSIONS, "refresh_seconds": REFRESH_SECONDS,
            "bcrypt_rounds": BCRYPT_ROUNDS, "access_log": True, "rate_limits": False,
        },
        "throughput": throughput,
        "storm": storm,
        "refresh": refresh,
        "memory": memory,
        "server_exit_codes": exit_codes,
    }  # fmt: skip
    data["items"] = summarize(data)
    return data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder (default: %(default)s)")
    parser.add_argument("--charts", action="store_true", help="only redraw the charts from results.json")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BATON_BENCH_POSTGRES_URL")
        or os.environ.get("BATON_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES,
        help="PostgreSQL server to create a throwaway database on (default: BATON_BENCH_POSTGRES_URL)",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.json"
    if args.charts:
        data = json.loads(results_path.read_text())
    else:
        if shutil.which("wrk") is None:
            print("wrk is not installed: run `make bench`, which installs it", file=sys.stderr)
            return 2
        work_dir = Path(tempfile.mkdtemp(prefix="baton-bench-"))
        try:
            data = run_all(work_dir, args.postgres_url)
        except BaseException:
            log(f"failed; server logs kept in {work_dir}")
            raise
        shutil.rmtree(work_dir, ignore_errors=True)
        results_path.write_text(json.dumps(data, indent=2) + "\n")
    table = markdown_table(data["items"])
    (out / "results.md").write_text(table + "\n")
    for path in charts.draw(data, out):
        log(f"wrote {path}")
    print(table)
    print(f"\n{data['duration_seconds']:.0f} s; results in {results_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
