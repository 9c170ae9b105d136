"""Timing helpers: wall-clock samples and their percentiles, in milliseconds."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable


def percentile(sorted_ms: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_ms:
        return float("nan")
    rank = max(1, min(len(sorted_ms), round(q / 100 * len(sorted_ms) + 0.5)))
    return sorted_ms[rank - 1]


def summarize(samples_ms: list[float]) -> dict:
    ordered = sorted(samples_ms)
    return {
        "n": len(ordered),
        "mean_ms": round(sum(ordered) / len(ordered), 3) if ordered else None,
        "p50_ms": round(percentile(ordered, 50), 3),
        "p95_ms": round(percentile(ordered, 95), 3),
        "p99_ms": round(percentile(ordered, 99), 3),
        "max_ms": round(ordered[-1], 3) if ordered else None,
    }


def time_each(func: Callable, args: Iterable, *, check: Callable | None = None, warmup: int = 0) -> dict:
    """Call ``func(arg)`` for every arg; return the summary of the wall-clock times.

    The first ``warmup`` calls are made but not counted. ``check(result)`` must be true for every call.
    """
    samples = []
    for i, arg in enumerate(args):
        started = time.perf_counter()
        result = func(arg)
        elapsed = (time.perf_counter() - started) * 1000
        if check is not None and not check(result):
            raise AssertionError(f"benchmark call returned an unexpected result for {arg!r}: {result!r}")
        if i >= warmup:
            samples.append(elapsed)
    return summarize(samples)
