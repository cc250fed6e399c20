"""The refresh race, reproduced and measured against real API servers.

Starts uvicorn API processes (SQLite or PostgreSQL) with a chosen server policy, signs a user in,
lets the access token expire, then fires ``--parallel`` protected calls at once from ``--tabs``
clients. The tabs share one token store (like browser tabs sharing a cookie) but nothing else:
each has its own connection pool, its own in-flight refresh and its own API process (round-robin).
Every client uses the Python SDK (``baton_sdk``) with the chosen refresh ``--strategy``.

Reported: calls succeeded/failed, refresh attempts (made by the clients, and answered by the API),
rotations, grace replays, reuse detections, sessions revoked, whether the refresh chain stayed
linear, and whether the user ended up logged out (the client dropped its tokens, or its refresh
token no longer works). Every number is measured where it happens: calls and attempts by the SDK,
refreshes answered and grace replays by the API's own counter (``/metrics`` of every process,
before and after the wave), rotations, reuse and revocations in the database.

Examples:
    uv run python scripts/race.py --grace 0 --strategy naive --parallel 20        # reproduce the race
    uv run python scripts/race.py --strategy single_flight --tabs 4 --processes 2
    uv run python scripts/race.py --matrix --database postgres --processes 2 --json race.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `tests.support` importable
    sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from baton_client.api.auth import auth_register  # noqa: E402
from baton_client.models.user_create import UserCreate  # noqa: E402
from baton_client.models.user_read import UserRead  # noqa: E402
from baton_sdk import (  # noqa: E402
    STRATEGY_NAMES,
    ApiError,
    AuthSession,
    BatonError,
    InvalidGrantError,
    MemoryTokenStore,
    NotAuthenticatedError,
    SessionStats,
    StrategyName,
    TokenPair,
)
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402

from tests.support import databases  # noqa: E402
from tests.support.servers import ServerPool, api_servers  # noqa: E402

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
# Far above what one run needs: the harness signs many accounts up from 127.0.0.1 and must measure
# the race, not the sign-up limiter. The refresh limiter keeps its normal setting.
HARNESS_SERVER_ENV = {
    "BATON_RATE_LIMIT_REGISTER_PER_IP": "100000/hour",
    "BATON_RATE_LIMIT_SIGN_IN_PER_IP": "100000/hour",
    "BATON_LOG_LEVEL": "WARNING",
}
EXPIRY_MARGIN_SECONDS = 0.25
# The API's Prometheus counter of refresh grants, labelled by outcome (rotated, grace_replay, …).
REFRESH_COUNTER = "baton_token_refreshes"
GRACE_REPLAY_OUTCOME = "grace_replay"


@dataclass(frozen=True)
class ServerPolicy:
    name: str
    grace_seconds: float
    revoke_on_reuse: bool

    @property
    def label(self) -> str:
        window = f"grace {self.grace_seconds:g}s" if self.grace_seconds > 0 else "strict"
        return f"{window}, {'reuse revokes' if self.revoke_on_reuse else 'reuse tolerated'}"

    def env(self, access_ttl_seconds: int) -> dict[str, str]:
        return {
            **HARNESS_SERVER_ENV,
            "BATON_REFRESH_GRACE_SECONDS": str(self.grace_seconds),
            "BATON_REFRESH_REUSE_REVOKES_SESSION": "true" if self.revoke_on_reuse else "false",
            "BATON_ACCESS_TOKEN_TTL_SECONDS": str(access_ttl_seconds),
        }


def matrix_policies(grace_seconds: float) -> list[ServerPolicy]:
    return [
        ServerPolicy("baton-default", grace_seconds, True),
        ServerPolicy("strict", 0, True),
        ServerPolicy("strict-tolerant", 0, False),
    ]


@dataclass(frozen=True)
class Scenario:
    strategy: StrategyName
    tabs: int
    parallel: int


@dataclass
class Account:
    email: str
    password: str
    user_id: str


@dataclass
class ChainReport:
    """What the database says about the user's session(s) after the wave."""

    sessions: int
    sessions_revoked: int
    tokens: int
    rotations: int
    max_children: int  # > 1 would mean a refresh token was spent twice
    linear: bool  # every session is one chain t0 → t1 → … with no fork and no orphan
    reuse_detected: int


@dataclass
class RaceResult:
    policy: str
    policy_label: str
    grace_seconds: float
    revoke_on_reuse: bool
    database: str
    processes: int
    strategy: str
    tabs: int
    parallel: int
    calls_succeeded: int
    calls_failed: int
    failures: dict[str, int]
    refresh_attempts: int  # refresh grants the clients sent (SDK counters)
    refresh_succeeded: int
    refresh_failed: int
    refreshes_at_api: int  # refresh grants the API answered, by any outcome (its /metrics)
    api_refresh_outcomes: dict[str, int]
    rotations: int
    grace_replays: int  # the API's count of replays answered with the identical successor
    reuse_detected: int
    sessions_revoked: int
    chain_linear: bool
    max_children: int
    logged_out: bool
    seconds: float = field(default=0.0)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# One race


async def sign_up(base_url: str) -> Account:
    email = f"race-{uuid.uuid4().hex[:12]}@example.com"
    password = secrets.token_urlsafe(18)
    async with AuthSession(base_url) as session:
        user = await session.call(auth_register.asyncio_detailed, body=UserCreate(email=email, password=password))
    if not isinstance(user, UserRead):
        raise RuntimeError(f"registration returned {user!r}")
    return Account(email=email, password=password, user_id=str(user.id))


async def sign_in(base_url: str, account: Account) -> TokenPair:
    async with AuthSession(base_url) as session:
        return await session.login(account.email, account.password)


async def wait_until_expired(pair: TokenPair) -> None:
    delay = pair.expires_at + EXPIRY_MARGIN_SECONDS - time.time()
    if delay > 0:
        await asyncio.sleep(delay)


@dataclass
class Wave:
    outcomes: list[str]  # "ok" or the error code of each call
    stats: SessionStats
    store: MemoryTokenStore


async def fire(urls: Sequence[str], initial: TokenPair, scenario: Scenario) -> Wave:
    """``scenario.parallel`` calls of GET /users/me at once, spread over ``scenario.tabs`` clients."""
    store = MemoryTokenStore(initial)
    stats = SessionStats()
    tabs = [
        AuthSession(urls[i % len(urls)], strategy=scenario.strategy, store=store, stats=stats)
        for i in range(scenario.tabs)
    ]
    start = asyncio.Event()

    async def one_call(tab: AuthSession) -> str:
        await start.wait()
        try:
            await tab.me()
        except ApiError as exc:
            return exc.error_code
        except NotAuthenticatedError as exc:
            return exc.error_code
        except BatonError as exc:
            return type(exc).__name__
        return "ok"

    try:
        calls = [asyncio.create_task(one_call(tabs[i % len(tabs)])) for i in range(scenario.parallel)]
        await asyncio.sleep(0)  # let every call reach the start line
        start.set()
        outcomes = list(await asyncio.gather(*calls))
    finally:
        for tab in tabs:
            await tab.aclose()
    return Wave(outcomes=outcomes, stats=stats, store=store)


async def still_signed_in(base_url: str, store: MemoryTokenStore) -> bool:
    """After the wave: does the client still hold a refresh token the server accepts?"""
    if store.current() is None:
        return False
    async with AuthSession(base_url, strategy="single_flight", store=store) as session:
        try:
            await session.refresh()
        except (InvalidGrantError, NotAuthenticatedError):
            return False
    return True


async def api_refresh_outcomes(urls: Sequence[str]) -> Counter[str]:
    """The API's own count of refresh grants by outcome, summed over its processes.

    Each harness server is a separate uvicorn process with its own counters, so the sum is the
    cluster's total (a multi-worker ``baton-api serve`` aggregates already; the harness never runs one).
    """
    totals: Counter[str] = Counter()
    async with httpx.AsyncClient(timeout=10.0) as http:
        for url in urls:
            response = await http.get(f"{url}/metrics")
            response.raise_for_status()
            for family in text_string_to_metric_families(response.text):
                if family.name != REFRESH_COUNTER:
                    continue
                for sample in family.samples:
                    if sample.name == f"{REFRESH_COUNTER}_total":
                        totals[sample.labels["outcome"]] += int(sample.value)
    return totals


@asynccontextmanager
async def _connect(database_url: str) -> AsyncIterator[Callable[..., Any]]:
    """A tiny query function over SQLite or PostgreSQL: ``await query(sql_with_$1, *args)``."""
    if database_url.startswith("sqlite://"):
        path = database_url.removeprefix("sqlite://").split("?", 1)[0]
        conn = sqlite3.connect(path)
        try:

            async def query_sqlite(sql: str, *args: object) -> list[tuple[Any, ...]]:
                for i in range(len(args), 0, -1):
                    sql = sql.replace(f"${i}", "?")
                return [tuple(row) for row in conn.execute(sql, [str(a) for a in args])]

            yield query_sqlite
        finally:
            conn.close()
    else:
        pg = await asyncpg.connect(database_url.replace("postgres://", "postgresql://", 1))
        try:

            async def query_pg(sql: str, *args: object) -> list[tuple[Any, ...]]:
                return [tuple(row) for row in await pg.fetch(sql, *args)]

            yield query_pg
        finally:
            await pg.close()


async def inspect_chain(database_url: str, user_id: str) -> ChainReport:
    uid = uuid.UUID(user_id)
    async with _connect(database_url) as query:
        sessions = await query("SELECT id, revoked_at FROM sessions WHERE user_id = $1", uid)
        rows = await query(
            "SELECT t.jti, t.parent_jti, t.child_jti, t.rotated_at, t.session_id FROM refresh_tokens t"
            " JOIN sessions s ON s.id = t.session_id WHERE s.user_id = $1",
            uid,
        )
        reuse = await query(
            "SELECT count(*) FROM security_events WHERE user_id = $1 AND type = 'refresh_token_reused'", uid
        )
    children = Counter(str(r[1]) for r in rows if r[1] is not None)
    linear = all(_is_one_chain([r for r in rows if str(r[4]) == str(session_id)]) for session_id, _ in sessions)
    return ChainReport(
        sessions=len(sessions),
        sessions_revoked=sum(1 for _, revoked_at in sessions if revoked_at is not None),
        tokens=len(rows),
        rotations=sum(1 for r in rows if r[3] is not None),
        max_children=max(children.values(), default=0),
        linear=linear,
        reuse_detected=int(reuse[0][0]),
    )


def _is_one_chain(rows: Sequence[tuple[Any, ...]]) -> bool:
    """rows = (jti, parent_jti, child_jti, rotated_at, session_id) of one session: t0 → t1 → … → tN,
    every rotated token has exactly the child that names it as parent, and nothing is left over."""
    by_jti = {str(r[0]): r for r in rows}
    roots = [r for r in rows if r[1] is None]
    if len(roots) != 1:
        return False
    visited = 0
    node: tuple[Any, ...] | None = roots[0]
    while node is not None:
        visited += 1
        jti, child_jti, rotated = str(node[0]), node[2], node[3] is not None
        if rotated != (child_jti is not None):
            return False
        node = by_jti.get(str(child_jti)) if child_jti is not None else None
        if child_jti is not None and (node is None or str(node[1]) != jti):
            return False
        if visited > len(rows):
            return False  # a cycle
    return visited == len(rows)


async def run_scenarios(
    pool: ServerPool,
    policy: ServerPolicy,
    scenarios: Sequence[Scenario],
    *,
    database: str,
    on_done: Callable[[RaceResult], None] | None = None,
) -> list[RaceResult]:
    """Run each scenario with its own user. All users sign in first and their access tokens expire
    together, so a whole batch waits for expiry once."""
    accounts = [await sign_up(pool.urls[0]) for _ in scenarios]
    pairs = [await sign_in(pool.urls[0], account) for account in accounts]
    await wait_until_expired(max(pairs, key=lambda p: p.expires_at))
    results = []
    for scenario, account, pair in zip(scenarios, accounts, pairs, strict=True):
        before = await api_refresh_outcomes(pool.urls)
        started = time.perf_counter()
        wave = await fire(pool.urls, pair, scenario)
        seconds = time.perf_counter() - started
        at_api = await api_refresh_outcomes(pool.urls)
        at_api.subtract(before)
        api_outcomes = {outcome: count for outcome, count in sorted(at_api.items()) if count}
        chain = await inspect_chain(pool.database_url, account.user_id)
        logged_out = not await still_signed_in(pool.urls[0], wave.store)
        failures = Counter(code for code in wave.outcomes if code != "ok")
        result = RaceResult(
            policy=policy.name,
            policy_label=policy.label,
            grace_seconds=policy.grace_seconds,
            revoke_on_reuse=policy.revoke_on_reuse,
            database=database,
            processes=len(pool.urls),
            strategy=scenario.strategy,
            tabs=scenario.tabs,
            parallel=scenario.parallel,
            calls_succeeded=wave.outcomes.count("ok"),
            calls_failed=sum(failures.values()),
            failures=dict(sorted(failures.items())),
            refresh_attempts=wave.stats.refresh_attempts,
            refresh_succeeded=wave.stats.refresh_succeeded,
            refresh_failed=wave.stats.refresh_failed,
            refreshes_at_api=sum(api_outcomes.values()),
            api_refresh_outcomes=api_outcomes,
            rotations=chain.rotations,
            grace_replays=api_outcomes.get(GRACE_REPLAY_OUTCOME, 0),
            reuse_detected=chain.reuse_detected,
            sessions_revoked=chain.sessions_revoked,
            chain_linear=chain.linear,
            max_children=chain.max_children,
            logged_out=logged_out,
            seconds=round(seconds, 3),
        )
        results.append(result)
        if on_done is not None:
            on_done(result)
    return results


# --------------------------------------------------------------------------------------------
# Servers and databases


@asynccontextmanager
async def migrated_database(kind: str, data_dir: Path, postgres_url: str) -> AsyncIterator[str]:
    if kind == "postgres":
        # tests.support creates a throwaway database next to the one this URL names.
        os.environ["BATON_TEST_POSTGRES_URL"] = postgres_url
        async with databases.fresh_postgres_database() as url:
            await databases.apply_migrations(url)
            yield url
    else:
        url = f"sqlite://{data_dir / 'race.sqlite3'}?busy_timeout=10000"
        await databases.apply_migrations(url)
        yield url


async def run_all(
    *,
    database: str,
    postgres_url: str,
    policies: Sequence[ServerPolicy],
    scenarios: Sequence[Scenario],
    processes: int,
    access_ttl: int,
    data_dir: Path,
    on_policy: Callable[[ServerPolicy, str], None] | None = None,
    on_done: Callable[[RaceResult], None] | None = None,
) -> list[RaceResult]:
    """Every scenario under every policy; one database, one server pool per policy."""
    results: list[RaceResult] = []
    async with migrated_database(database, data_dir, postgres_url) as database_url:
        for policy in policies:
            if on_policy is not None:
                on_policy(policy, "starting servers")
            # Starting servers blocks this loop for a moment; nothing else runs meanwhile.
            with policy_servers(
                database_url, policy, processes=processes, access_ttl=access_ttl, data_dir=data_dir
            ) as pool:
                if on_policy is not None:
                    on_policy(policy, "racing")
                results += await run_scenarios(pool, policy, scenarios, database=database, on_done=on_done)
    return results


@contextmanager
def policy_servers(
    database_url: str, policy: ServerPolicy, *, processes: int, access_ttl: int, data_dir: Path
) -> Iterator[ServerPool]:
    with api_servers(database_url, processes=processes, data_dir=data_dir, env=policy.env(access_ttl)) as pool:
        yield pool


# --------------------------------------------------------------------------------------------
# Output


def render_table(results: Sequence[RaceResult], title: str) -> Any:
    from rich.table import Table

    table = Table(title=title, header_style="bold")
    for column in (
        "server policy",
        "strategy",
        "tabs",
        "calls ok",
        "failed",
        "refreshes sent",
        "at API",
        "rotations",
        "grace replays",
        "reuse detected",
        "session revoked",
        "chain",
        "logged out",
    ):
        table.add_column(column, justify="left" if column in {"server policy", "strategy"} else "right")
    for r in results:
        table.add_row(
            r.policy_label,
            r.strategy,
            str(r.tabs),
            f"{r.calls_succeeded}/{r.parallel}",
            f"[red]{r.calls_failed}[/red]" if r.calls_failed else "0",
            str(r.refresh_attempts),
            str(r.refreshes_at_api),
            str(r.rotations),
            str(r.grace_replays),
            str(r.reuse_detected),
            "[red]yes[/red]" if r.sessions_revoked else "no",
            "linear" if r.chain_linear and r.max_children <= 1 else "[red]FORKED[/red]",
            "[red]yes[/red]" if r.logged_out else "no",
        )
    return table


def markdown_table(results: Sequence[RaceResult]) -> str:
    lines = [
        "| server policy | strategy | tabs | calls ok | failed | refreshes | rotations | grace replays |"
        " session revoked | logged out |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.policy_label} | {r.strategy} | {r.tabs} | {r.calls_succeeded}/{r.parallel} | {r.calls_failed} |"
            f" {r.refresh_attempts} | {r.rotations} | {r.grace_replays} |"
            f" {'yes' if r.sessions_revoked else 'no'} | {'**yes**' if r.logged_out else 'no'} |"
        )
    return "\n".join(lines)


def write_chart(results: Sequence[RaceResult], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r.policy_label} · {r.strategy} · {r.tabs} tab{'s' if r.tabs > 1 else ''}" for r in results]
    ok = [r.calls_succeeded for r in results]
    failed = [r.calls_failed for r in results]
    positions = list(range(len(results)))[::-1]
    fig, ax = plt.subplots(figsize=(11, 0.42 * len(results) + 1.6))
    ax.barh(positions, ok, color="#2e7d32", label="calls succeeded")
    ax.barh(positions, failed, left=ok, color="#c62828", label="calls failed")
    for y, r in zip(positions, results, strict=True):
        notes = [n for n, on in (("session revoked", r.sessions_revoked), ("logged out", r.logged_out)) if on]
        if notes:
            ax.text(r.parallel + 0.3, y, ", ".join(notes), va="center", fontsize=8, color="#c62828")
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_xlim(0, max((r.parallel for r in results), default=1) * 1.45)
    ax.set_xlabel("parallel calls with an expired access token")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# --------------------------------------------------------------------------------------------
# CLI


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="race.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    server = parser.add_argument_group("servers")
    server.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    server.add_argument(
        "--postgres-url",
        default=os.environ.get("BATON_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a PostgreSQL server the harness may create a throwaway database on (default: %(default)s)",
    )
    server.add_argument("--processes", type=int, default=1, help="API processes sharing the database")
    server.add_argument("--grace", type=float, default=10.0, help="BATON_REFRESH_GRACE_SECONDS (0 = strict)")
    server.add_argument(
        "--revoke-on-reuse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="BATON_REFRESH_REUSE_REVOKES_SESSION",
    )
    server.add_argument("--access-ttl", type=int, default=2, help="access token lifetime in seconds")
    race = parser.add_argument_group("race")
    race.add_argument("--strategy", choices=STRATEGY_NAMES, default="naive")
    race.add_argument("--parallel", type=int, default=20, help="protected calls fired at once")
    race.add_argument("--tabs", type=int, default=1, help="independent clients sharing the initial tokens")
    race.add_argument(
        "--matrix",
        action="store_true",
        help="run every server policy (grace window, strict, strict without revocation) × strategy × --matrix-tabs",
    )
    race.add_argument("--matrix-tabs", default="1,4", help="tab counts for --matrix (default: %(default)s)")
    out = parser.add_argument_group("output")
    out.add_argument("--json", type=Path, help="write the results as JSON")
    out.add_argument("--chart", type=Path, help="PNG chart (default with --matrix: race-matrix.png)")
    out.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    args = parser.parse_args(argv)
    if args.parallel < 1 or args.tabs < 1 or args.processes < 1:
        parser.error("--parallel, --tabs and --processes must be at least 1")
    if args.matrix and args.chart is None:
        args.chart = Path("race-matrix.png")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    args = parse_args(argv)
    console = Console()
    if args.matrix:
        policies = matrix_policies(args.grace)
        tab_counts = [int(t) for t in args.matrix_tabs.split(",") if t.strip()]
        scenarios = [Scenario(s, t, args.parallel) for s in STRATEGY_NAMES for t in tab_counts]
    else:
        policies = [ServerPolicy("custom", args.grace, args.revoke_on_reuse)]
        scenarios = [Scenario(args.strategy, args.tabs, args.parallel)]

    with (
        tempfile.TemporaryDirectory(prefix="baton-race-") as tmp,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("racing", total=len(policies) * len(scenarios))

        results = asyncio.run(
            run_all(
                database=args.database,
                postgres_url=args.postgres_url,
                policies=policies,
                scenarios=scenarios,
                processes=args.processes,
                access_ttl=args.access_ttl,
                data_dir=Path(tmp),
                on_policy=lambda policy, what: progress.update(task, description=f"{policy.label}: {what}"),
                on_done=lambda _result: progress.advance(task),
            )
        )

    title = (
        f"refresh race: {args.parallel} parallel calls, {args.database}, "
        f"{args.processes} API process{'es' if args.processes > 1 else ''}"
    )
    console.print(render_table(results, title))
    if args.markdown:
        console.print(markdown_table(results), markup=False, highlight=False)
    if args.json:
        args.json.write_text(json.dumps([r.as_dict() for r in results], indent=2) + "\n")
        console.print(f"wrote {args.json}")
    if args.chart:
        write_chart(results, args.chart, title)
        console.print(f"wrote {args.chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
