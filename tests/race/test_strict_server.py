"""A strict single-use server (grace window 0): the seed's refresh race, and what each client
strategy makes of it. Real uvicorn servers, SQLite and PostgreSQL, 1 and 2 API processes.

Invariant on every run: the server never forks a chain (each parent has at most one child), even
when the clients lose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.race import Scenario, ServerPolicy
from tests.race.conftest import PARALLEL_CALLS, Outcomes, describe, run_policies

pytestmark = pytest.mark.slow

STRICT = ServerPolicy("strict", grace_seconds=0, revoke_on_reuse=True)
TOLERANT = ServerPolicy("strict-tolerant", grace_seconds=0, revoke_on_reuse=False)

NAIVE_ONE_TAB = Scenario("naive", 1, PARALLEL_CALLS)
NAIVE_TABS = Scenario("naive", 3, PARALLEL_CALLS)
BACKOFF_ONE_TAB = Scenario("backoff", 1, PARALLEL_CALLS)
BACKOFF_TABS = Scenario("backoff", 3, PARALLEL_CALLS)

PLAN = {
    STRICT: [NAIVE_ONE_TAB, NAIVE_TABS, BACKOFF_TABS],
    TOLERANT: [NAIVE_ONE_TAB, BACKOFF_ONE_TAB, BACKOFF_TABS],
}


@pytest.fixture(scope="module")
async def outcomes(race_database: str, processes: int, data_dir: Path) -> Outcomes:
    return await run_policies(race_database, processes, data_dir, PLAN)


def test_every_run_keeps_one_linear_chain(outcomes: Outcomes) -> None:
    for result in outcomes.values():
        assert result.chain_linear and result.max_children <= 1, describe(result)
        assert result.grace_replays == 0, describe(result)  # a strict server never replays


@pytest.mark.parametrize("policy", [STRICT, TOLERANT], ids=lambda p: p.name)
def test_naive_client_against_strict_server_reproduces_the_race(outcomes: Outcomes, policy: ServerPolicy) -> None:
    result = outcomes[policy.name, NAIVE_ONE_TAB]
    assert result.calls_failed > 0, describe(result)
    assert result.failures.get("refresh_token_reused", 0) > 0, describe(result)
    assert result.rotations == 1, describe(result)  # exactly one racer won the compare-and-set
    assert result.logged_out, describe(result)


@pytest.mark.parametrize("scenario", [BACKOFF_ONE_TAB, BACKOFF_TABS], ids=["1-tab", "3-tabs"])
def test_backoff_loses_no_call_when_reuse_does_not_revoke(outcomes: Outcomes, scenario: Scenario) -> None:
    result = outcomes[TOLERANT.name, scenario]
    assert result.calls_failed == 0, describe(result)
    assert result.calls_succeeded == scenario.parallel, describe(result)
    assert result.sessions_revoked == 0, describe(result)
    assert not result.logged_out, describe(result)


@pytest.mark.parametrize("scenario", [NAIVE_TABS, BACKOFF_TABS], ids=["naive", "backoff"])
def test_reuse_revoking_server_ends_the_session_of_racing_tabs(outcomes: Outcomes, scenario: Scenario) -> None:
    result = outcomes[STRICT.name, scenario]
    assert result.reuse_detected > 0, describe(result)
    assert result.sessions_revoked == 1, describe(result)
    assert result.logged_out, describe(result)
