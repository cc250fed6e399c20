"""PNG charts of a benchmark run (matplotlib, no display needed)."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

SERVERS = ["sqlite-1w", "pg-1w", "pg-2w"]
SERVER_LABELS = {"sqlite-1w": "SQLite\n1 process", "pg-1w": "PostgreSQL\n1 process", "pg-2w": "PostgreSQL\n2 processes"}
ROUTE_COLORS = {"bare": "#9e9e9e", "token-only": "#1f77b4", "users-me": "#ff7f0e"}
TARGET = "#d62728"


def _rps(runs: list[dict[str, Any]]) -> tuple[float, float, float]:
    values = [r["rps"] for r in runs]
    return statistics.median(values), min(values), max(values)


def throughput_chart(data: dict[str, Any], path: Path) -> Path:
    runs = data["throughput"]
    fig, ax = plt.subplots(figsize=(9, 5))
    width = 0.26
    for offset, route in enumerate(["bare", "token-only", "users-me"]):
        xs, heights, low, high = [], [], [], []
        for i, server in enumerate(SERVERS):
            if route not in runs.get(server, {}):
                continue
            median, lo, hi = _rps(runs[server][route])
            xs.append(i + (offset - 1) * width)
            heights.append(median)
            low.append(median - lo)
            high.append(hi - median)
        bars = ax.bar(xs, heights, width, yerr=[low, high], capsize=3, label=route, color=ROUTE_COLORS[route])
        for bar, server in zip(bars, [s for s in SERVERS if route in runs.get(s, {})], strict=True):
            if route == "bare":
                continue
            pairs = zip(runs[server][route], runs[server]["bare"], strict=True)
            ratio = statistics.median(a["rps"] / b["rps"] for a, b in pairs)
            ax.annotate(
                f"{ratio:.2f}×", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                xytext=(0, 4), textcoords="offset points", ha="center", fontsize=9,
            )  # fmt: skip
    ax.set_xticks(range(len(SERVERS)), [SERVER_LABELS[s] for s in SERVERS])
    ax.set_ylabel("requests/s (median of rounds; bars: min–max)")
    ax.set_title("Throughput: bare route vs token-only vs /users/me (ratio to bare above the bars)")
    ax.legend(loc="upper right")
    ax.set_ylim(0, ax.get_ylim()[1] * 1.12)  # room for the legend above the bars
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def storm_chart(data: dict[str, Any], path: Path) -> Path:
    storm = data["storm"]
    probe = storm["probe"]["latency_us"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    names = ["p50", "p90", "p99", "max"]
    values = [probe[n] / 1000 for n in names]
    left.bar(names, values, color="#1f77b4")
    left.axhline(25, color=TARGET, linestyle="--", label="target p99 ≤ 25 ms")
    for i, v in enumerate(values):
        left.annotate(f"{v:.1f}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    left.set_ylabel("ms")
    left.set_title("/health probe (every 10 ms) during the storm")
    left.legend()
    left.grid(axis="y", alpha=0.3)
    rate, target = storm["sign_ins_per_second"], storm["sign_ins_target"]
    machine = storm.get("machine_parallel_hashes_per_second")
    labels, values, colors = ["sign-ins", "target"], [rate, target], ["#2ca02c", TARGET]
    if machine is not None:
        labels.insert(1, f"bare bcrypt,\n{storm['cores']} threads")
        values.insert(1, machine)
        colors.insert(1, "#9e9e9e")
    right.bar(labels, values, color=colors)
    for i, v in enumerate(values):
        right.annotate(f"{v:.2f}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    right.set_ylabel("per second")
    right.set_title(
        f"{storm['concurrent_sign_ins']} concurrent sign-ins, bcrypt {storm['bcrypt_rounds']}\n"
        f"target 0.85 × {storm['cores']} cores ÷ {storm['hash_seconds'] * 1000:.0f} ms",
        fontsize=10,
    )
    right.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def refresh_chart(data: dict[str, Any], path: Path) -> Path:
    refresh = data["refresh"]
    servers = [s for s in SERVERS if s in refresh]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.5))
    rates = [refresh[s]["rps"] for s in servers]
    left.bar([SERVER_LABELS[s] for s in servers], rates, color="#1f77b4")
    for i, v in enumerate(rates):
        left.annotate(f"{v:.0f}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
    left.set_ylabel("refreshes/s")
    left.set_title(f"Refresh rotation, {refresh[servers[0]]['sessions']} concurrent sessions")
    left.grid(axis="y", alpha=0.3)
    width = 0.35
    xs = range(len(servers))
    p50 = [refresh[s]["latency_us"]["p50"] / 1000 for s in servers]
    p99 = [refresh[s]["latency_us"]["p99"] / 1000 for s in servers]
    right.bar([x - width / 2 for x in xs], p50, width, label="p50", color="#aec7e8")
    right.bar([x + width / 2 for x in xs], p99, width, label="p99", color="#1f77b4")
    for x, s in zip(xs, servers, strict=True):
        limit = refresh[s]["p99_target_us"] / 1000
        right.hlines(limit, x - 0.45, x + 0.45, colors=TARGET, linestyles="--", label="p99 target" if x == 0 else None)
    right.set_xticks(list(xs), [SERVER_LABELS[s] for s in servers])
    right.set_ylabel("ms")
    right.set_title("Latency (target: p99 ≤ 5 × sessions ÷ throughput)")
    right.legend()
    right.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def scaleout_chart(data: dict[str, Any], path: Path) -> Path:
    runs, refresh = data["throughput"], data["refresh"]
    token = [_rps(runs["pg-1w"]["token-only"])[0], _rps(runs["pg-2w"]["token-only"])[0]]
    pairs = zip(runs["pg-2w"]["token-only"], runs["pg-1w"]["token-only"], strict=True)
    token_scale = statistics.median(two["rps"] / one["rps"] for two, one in pairs)  # as in the table
    rotate = [refresh["pg-1w"]["rps"], refresh["pg-2w"]["rps"]]
    fig, axes = plt.subplots(1, 2, figsize=(9, 4))
    for ax, values, scale, title, unit in (
        (axes[0], token, token_scale, "token-only route", "requests/s (median of rounds)"),
        (axes[1], rotate, rotate[1] / rotate[0], f"refresh ({refresh['pg-1w']['sessions']} sessions)", "refreshes/s"),
    ):
        ax.bar(["1 process", "2 processes"], values, color=["#aec7e8", "#1f77b4"])
        for i, v in enumerate(values):
            ax.annotate(f"{v:.0f}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=9)
        ax.set_title(f"{title}: {scale:.2f}×")
        ax.set_ylabel(unit)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(f"Scale-out on PostgreSQL ({data['machine']['cores']} cores, load generator included)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def draw(data: dict[str, Any], out: Path) -> list[Path]:
    return [
        throughput_chart(data, out / "throughput.png"),
        storm_chart(data, out / "signin_storm.png"),
        refresh_chart(data, out / "refresh.png"),
        scaleout_chart(data, out / "scaleout.png"),
    ]
