"""Timing and summary helpers shared by the benchmark modules (no Django here)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 100 samples is the 95th smallest)."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples) if samples else float("nan")


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call, on the monotonic high-resolution clock."""
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def repeat(function: Callable[[], Any], *, runs: int, warmup: int = 1) -> tuple[list[float], Any]:
    """Seconds of each of ``runs`` calls after ``warmup`` unmeasured ones, and the last result."""
    result = None
    for _ in range(warmup):
        result = function()
    seconds = []
    for _ in range(runs):
        took, result = timed(function)
        seconds.append(took)
    return seconds, result


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN: not measured
        return "–"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fine(seconds: float) -> str:
    """Like ``ms``, with the precision a sub-millisecond number needs (µs below 0.1 ms)."""
    if seconds != seconds:
        return "–"
    if seconds < 0.0001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return ms(seconds)


def size(count: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("kB", 1_000)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count} B"
