"""What every benchmark shares: timing statistics, the result entry, the table, the machine."""

from __future__ import annotations

import gc
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile by nearest rank (with few samples it is the largest)."""
    ordered = sorted(samples)
    rank = max(1, -(-95 * len(ordered) // 100))  # ceil(0.95 n)
    return ordered[rank - 1]


def time_calls(call: Callable[[], object], repeat: int, warmup: int = 1) -> list[float]:
    """Seconds per call, `repeat` times after `warmup` untimed calls; the collector is off while timing."""
    for _ in range(warmup):
        call()
    samples: list[float] = []
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            call()
            samples.append(time.perf_counter() - started)
    finally:
        if enabled:
            gc.enable()
    return samples


def interleaved(calls: dict[str, Callable[[], object]], repeat: int, warmup: int = 1) -> dict[str, list[float]]:
    """Time several calls taking turns, so a noisy neighbour hurts them all alike."""
    for call in calls.values():
        for _ in range(warmup):
            call()
    samples: dict[str, list[float]] = {name: [] for name in calls}
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, call in calls.items():
                started = time.perf_counter()
                call()
                samples[name].append(time.perf_counter() - started)
    finally:
        if enabled:
            gc.enable()
    return samples


@dataclass
class Result:
    """One figure beside its baseline. `ratio` is value / baseline; `met` is None where there is no target."""

    name: str
    value: float | None  # None when the figure was skipped (see detail)
    unit: str
    baseline: float | None
    baseline_name: str
    target: str | None
    met: bool | None
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or self.baseline is None or self.baseline == 0:
            return None
        return self.value / self.baseline

    def as_json(self) -> dict[str, Any]:
        entry = asdict(self)
        entry["value"] = _round(self.value)
        entry["baseline"] = _round(self.baseline)
        entry["ratio"] = _round(self.ratio)
        return entry


def _round(number: float | None) -> float | None:
    if number is None:
        return None
    return float(f"{number:.4g}")


def against_raw(
    name: str, samples: dict[str, list[float]], baseline_name: str, detail: str, *, at_most: float | None = 3,
) -> Result:
    """A product-vs-raw-sqlite3 figure from `interleaved` samples ("services", "raw"): p50s in ms, target p50 <= `at_most` x raw."""
    services, raw = samples["services"], samples["raw"]
    return Result(
        name, median(services) * 1e3, "ms", median(raw) * 1e3, baseline_name,
        f"p50 ≤ {at_most:g}× raw" if at_most is not None else None,
        median(services) <= at_most * median(raw) if at_most is not None else None,
        detail=detail, extra={"p95_ms": p95(services) * 1e3, "baseline_p95_ms": p95(raw) * 1e3},
    )


def check_foreign_keys(connection: sqlite3.Connection) -> None:
    """Both sides of a pair left no row pointing at nothing."""
    orphans = connection.execute("PRAGMA foreign_key_check").fetchall()
    if orphans:
        raise AssertionError(f"broken references: {orphans[:3]}")


REQUIRED_FIELDS = ("name", "value", "unit", "baseline", "ratio", "target", "met")


def _fmt(number: float | None) -> str:
    if number is None:
        return "-"
    if abs(number) >= 100:
        return f"{number:,.0f}"
    if abs(number) >= 10:
        return f"{number:.1f}"
    if abs(number) >= 1:
        return f"{number:.2f}"
    return f"{number:.3f}"


def table(results: Sequence[Result]) -> str:
    """The results as a Markdown table (it reads as plain text too)."""
    headers = ["figure", "value", "baseline", "ratio", "target", "met", "size / notes"]
    rows = [
        [
            result.name,
            f"{_fmt(result.value)} {result.unit}",
            f"{_fmt(result.baseline)} {result.unit} ({result.baseline_name})" if result.baseline is not None else "-",
            f"{result.ratio:.2f}×" if result.ratio is not None else "-",
            result.target or "-",
            {True: "yes", False: "**NO**", None: "-"}[result.met],
            result.detail,
        ]
        for result in results
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    return "\n".join([line(headers), "|" + "|".join("-" * (width + 2) for width in widths) + "|", *map(line, rows)])


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for row in info:
                if row.startswith("model name"):
                    cpu = row.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        tmux = subprocess.run(["tmux", "-V"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        tmux = "missing"
    try:
        import textual  # noqa: PLC0415

        textual_version = textual.__version__
    except Exception:  # pragma: no cover - textual is a dependency
        textual_version = "?"
    import sqlalchemy  # noqa: PLC0415

    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sqlalchemy.__version__,
        "textual": textual_version,
        "tmux": tmux,
        "platform": platform.platform(),
    }
