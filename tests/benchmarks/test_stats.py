"""benchmarks.stats: the arithmetic behind every reported figure."""

from __future__ import annotations

import math

import pytest

from benchmarks.stats import growth_exponent, per_additional, percentile, ratio, summary


def test_percentile_interpolates_between_ranks() -> None:
    values = [float(v) for v in range(1, 11)]  # 1..10
    assert percentile(values, 0.0) == 1
    assert percentile(values, 1.0) == 10
    assert percentile(values, 0.5) == pytest.approx(5.5)
    assert percentile(values, 0.9) == pytest.approx(9.1)
    assert percentile([3.0], 0.9) == 3


def test_percentile_refuses_nonsense() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="outside"):
        percentile([1.0], 1.5)


def test_summary_is_order_independent() -> None:
    figures = summary([5.0, 1.0, 3.0, 2.0, 4.0])
    assert figures == {"count": 5, "median": 3.0, "p90": pytest.approx(4.6), "min": 1.0, "max": 5.0}


def test_ratio_handles_missing_and_zero() -> None:
    assert ratio(7, 10) == pytest.approx(0.7)
    assert ratio(None, 10) is None
    assert ratio(1, None) is None
    assert ratio(1, 0) is None


@pytest.mark.parametrize("power", [0.5, 1.0, 2.0])
def test_growth_exponent_recovers_a_power_law(power: float) -> None:
    points = [(n, 0.003 * n**power) for n in (10.0, 100.0, 500.0)]
    assert growth_exponent(points) == pytest.approx(power)


def test_growth_exponent_fits_noisy_points_by_least_squares() -> None:
    points = [(10.0, 1.0), (100.0, 12.0), (500.0, 45.0)]
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mean_x, mean_y = sum(xs) / 3, sum(ys) / 3
    expected = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    assert growth_exponent(points) == pytest.approx(expected)


def test_growth_exponent_needs_distinct_positive_points() -> None:
    with pytest.raises(ValueError, match="two points"):
        growth_exponent([(10.0, 1.0)])
    with pytest.raises(ValueError, match="positive"):
        growth_exponent([(10.0, 0.0), (100.0, 1.0)])
    with pytest.raises(ValueError, match="equal"):
        growth_exponent([(10.0, 1.0), (10.0, 2.0)])


def test_per_additional_is_the_slope_between_two_sizes() -> None:
    assert per_additional((100, 415), (500, 2050)) == pytest.approx(4.0875)
    assert per_additional((500, 2050), (100, 415)) == pytest.approx(4.0875)
    with pytest.raises(ValueError, match="differ"):
        per_additional((100, 1), (100, 2))
