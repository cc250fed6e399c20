"""Real API servers for the client-side race suite: SQLite and PostgreSQL, 1 and 2 processes.

A module runs its scenarios once per server configuration: every scenario's user signs in, all
access tokens expire together, then the waves run one after another (``scripts.race``). Each test
then states one expected outcome, so a configuration pays for one server start and one expiry wait.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from scripts.race import RaceResult, Scenario, ServerPolicy, run_scenarios
from tests.support import databases
from tests.support.servers import api_servers

# A 2-second access token: long enough that a replay right after a refresh is not already expired
# again on a loaded 2-core machine, short enough that waiting for expiry stays cheap.
ACCESS_TTL_SECONDS = 2
# The grace window of the "Baton default" policy here: far wider than any race below takes, short
# enough to wait out in a test.
GRACE_SECONDS = 2.0
PARALLEL_CALLS = 12

Outcomes = dict[tuple[str, Scenario], RaceResult]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("race_database") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def race_database(request: pytest.FixtureRequest, data_dir: Path) -> AsyncIterator[str]:
    if request.param == "postgres":
        databases.require_postgres()
    async with databases.migrated_database(request.param, data_dir) as url:
        yield url


@pytest.fixture(scope="module", params=[1, 2], ids=["1-process", "2-processes"])
def processes(request: pytest.FixtureRequest) -> int:
    value: int = request.param
    return value


def backend_of(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


async def run_policies(
    database_url: str, processes: int, data_dir: Path, plan: dict[ServerPolicy, Sequence[Scenario]]
) -> Outcomes:
    """Start servers for each policy in turn and run its scenarios against them."""
    outcomes: Outcomes = {}
    for policy, scenarios in plan.items():
        with api_servers(
            database_url, processes=processes, data_dir=data_dir, env=policy.env(ACCESS_TTL_SECONDS)
        ) as pool:
            results = await run_scenarios(pool, policy, scenarios, database=backend_of(database_url))
        outcomes.update({(policy.name, s): r for s, r in zip(scenarios, results, strict=True)})
    return outcomes


def describe(result: RaceResult) -> str:
    return (
        f"{result.policy_label} × {result.strategy} × {result.tabs} tab(s), {result.database}, "
        f"{result.processes} process(es): ok={result.calls_succeeded} failed={result.calls_failed} "
        f"{result.failures} refreshes={result.refresh_attempts} at_api={result.api_refresh_outcomes} "
        f"rotations={result.rotations} grace_replays={result.grace_replays} "
        f"reuse={result.reuse_detected} revoked={result.sessions_revoked} linear={result.chain_linear} "
        f"logged_out={result.logged_out}"
    )
