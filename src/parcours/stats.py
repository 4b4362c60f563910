"""Small interval formulas shared by the analyses (leaks, durations, survey metrics).

>>> [round(float(x), 3) for x in wilson(8, 20)]
[0.219, 0.613]
"""

from __future__ import annotations

import numpy as np

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054


def wilson(successes: np.ndarray | float, n: np.ndarray | float, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion (well-behaved for small n and rates near 0 or 1); NaN where n is 0.

    >>> [round(float(x), 3) for x in wilson(0, 0)]
    [nan, nan]
    """
    s = np.asarray(successes, dtype="float64")
    n = np.asarray(n, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = s / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return np.where(n > 0, centre - half, np.nan), np.where(n > 0, centre + half, np.nan)
