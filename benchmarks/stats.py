"""Pure arithmetic on measurements: medians, percentiles, ratios, growth exponents."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` quantile (0..1), interpolating linearly between the nearest ranks."""
    if not values:
        raise ValueError("no values")
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction {fraction} is outside 0..1")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    """count, median, p90, min and max of ``values``."""
    return {
        "count": len(values),
        "median": statistics.median(values),
        "p90": percentile(values, 0.9),
        "min": min(values),
        "max": max(values),
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def growth_exponent(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) against log(x): 1 is linear growth, 2 quadratic."""
    if len(points) < 2:
        raise ValueError("need at least two points")
    if any(x <= 0 or y <= 0 for x, y in points):
        raise ValueError("sizes and times must be positive")
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        raise ValueError("all sizes are equal")
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread


def per_additional(small: tuple[int, int], large: tuple[int, int]) -> float:
    """Resources each additional item adds, from (items, resources) at two sizes."""
    (n_small, r_small), (n_large, r_large) = small, large
    if n_large == n_small:
        raise ValueError("the two sizes must differ")
    return (r_large - r_small) / (n_large - n_small)
