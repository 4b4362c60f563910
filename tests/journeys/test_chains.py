"""The array funnel levels: the run-based counts equal the full chains on random logs."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.journeys import chains


@st.composite
def logs(draw):
    """Units with non-decreasing times (many ties), activity codes 0–3, and steps that may repeat."""
    sizes = draw(st.lists(st.integers(1, 12), min_size=1, max_size=25))
    u = np.repeat(np.arange(len(sizes)), sizes)
    steps_us = draw(st.lists(st.sampled_from([0, 0, 1, 5, 60, 3600]), min_size=len(u), max_size=len(u)))
    us = np.cumsum(steps_us).astype(np.int64)
    code = np.array(draw(st.lists(st.integers(0, 3), min_size=len(u), max_size=len(u))))
    steps = draw(st.lists(st.integers(0, 3), min_size=1, max_size=7))
    window = draw(st.sampled_from([None, 0, 1, 5, 61, 4000]))
    return u, us, code, steps, window


@settings(max_examples=400, deadline=None)
@given(logs(), st.sampled_from([None, True, False]))
def test_level_counts_equal_the_full_chains(log, from_candidates):
    u, us, code, steps, window = log
    masks_by_code = {c: code == c for c in set(steps)}  # a repeated step shares its mask, as in funnels
    masks = [masks_by_code[c] for c in steps]
    pos = np.zeros(len(u), dtype=np.int64)
    events = {"u": u, "pos": pos, "g": np.arange(len(u)), "us": us}
    full = chains.build(events, masks, window, "ordered").step_gaps()
    runs = chains.level_counts(u, us, masks, window, from_candidates)
    assert [n for n, _ in runs] == [n for n, _ in full]
    for (_, a), (_, b) in zip(runs, full, strict=True):
        np.testing.assert_array_equal(a, b)
