"""Percentiles and bootstrap intervals: how sure a figure from a few dozen questions is.

Why a bootstrap: with ~60 items a 5-point difference can be noise; resampling items (and, for
ours-minus-baseline, the same items for both) shows which differences the data actually supports.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

__all__ = ["percentile", "bootstrap_interval", "paired_difference", "RESAMPLES"]

T = TypeVar("T")
RESAMPLES = 2000
_SEED = 20261126


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else 0.0


def _interval(estimates: list[float]) -> tuple[float, float] | None:
    if not estimates:
        return None
    return float(np.percentile(estimates, 2.5)), float(np.percentile(estimates, 97.5))


def bootstrap_interval(units: Sequence[T], statistic: Callable[[Sequence[T]], float | None],
                       resamples: int = RESAMPLES) -> tuple[float, float] | None:
    """95% percentile interval of `statistic` over resamples of `units` (None when it never applies)."""
    if not units:
        return None
    rng = np.random.default_rng(_SEED)
    estimates = []
    for _ in range(resamples):
        value = statistic([units[i] for i in rng.integers(0, len(units), len(units))])
        if value is not None:
            estimates.append(value)
    return _interval(estimates)


def paired_difference(pairs: Sequence[tuple[T, T]], statistic: Callable[[Sequence[T]], float | None],
                      resamples: int = RESAMPLES) -> tuple[float | None, tuple[float, float] | None]:
    """statistic(first) − statistic(second) on the same items, with its paired 95% bootstrap interval."""
    def difference(sample: Sequence[tuple[T, T]]) -> float | None:
        a, b = statistic([p[0] for p in sample]), statistic([p[1] for p in sample])
        return None if a is None or b is None else a - b

    return difference(pairs), bootstrap_interval(pairs, difference, resamples)
