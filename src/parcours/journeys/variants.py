"""Path variants: the distinct full sequences of activities, with how many customers lived each.

A variant is a customer's (or case's) whole sequence of activities ordered by ``(timestamp,
seq)``, as pm4py's ``get_variants`` defines it on cases. Sequences are compared by a fingerprint
computed without sorting or concatenating anything: two polynomial hashes of the activity codes
by position, modulo two primes below 2^31 (exact integer arithmetic, so every engine gives the
same numbers), plus the length. Only the top variants' activity lists are then read back.

>>> import parcours, tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "log.csv").write_text("case:concept:name,concept:name,time:timestamp\\n"
...     "c1,a,2024-01-01T10:00:00Z\\nc1,b,2024-01-01T10:01:00Z\\nc2,a,2024-01-01T11:00:00Z\\n"
...     "c2,b,2024-01-01T11:05:00Z\\nc3,a,2024-01-02T09:00:00Z\\n")
>>> ws = parcours.init(d / "ws"); _ = ws.ingest("events", d / "log.csv")
>>> variants(ws.con).to_pyarrow().to_pylist()
[{'variant': ['a', 'b'], 'count': 2, 'share': 0.6666666666666666}, {'variant': ['a'], 'count': 1, 'share': 0.3333333333333333}]
"""

from __future__ import annotations

import ibis
import numpy as np
import pyarrow as pa
from ibis.backends import BaseBackend

from parcours.journeys.index import activity_codes, sequence_index, unit_keys, units

_P = (2_147_483_647, 2_147_483_629)  # primes below 2^31: products of two residues fit in int64
_B = (1_000_003, 998_244_353 % 2_147_483_629)


def _powers(n: int) -> pa.Table:
    """B^pos mod P for pos in [0, n), both hashes, by vectorised square-and-multiply."""
    pos = np.arange(n, dtype=np.int64)
    out = {"pos": pos}
    for i, (b, p) in enumerate(zip(_B, _P, strict=True)):
        result = np.ones(n, dtype=np.int64)
        base = np.full(n, b % p, dtype=np.int64)
        e = pos.copy()
        while e.any():
            odd = (e & 1).astype(bool)
            result[odd] = (result[odd] * base[odd]) % p
            base = (base * base) % p
            e >>= 1
        out[f"w{i}"] = result
    return pa.table(out)


def variants(con: BaseBackend, *, by: str = "customer", top: int | None = 20,
             collapse_repeats: bool = False) -> ibis.Table:
    """The ``top`` most frequent variants: ``variant`` (list of activities), ``count``, ``share``.

    ``share`` is the part of all customers (or cases) living that variant. ``collapse_repeats``
    merges consecutive repeats of an activity (``a a b`` counts as ``a b``). Ties in count are
    ordered by the variant's activities, so the result is the same on every engine and run.
    """
    index = sequence_index(con)
    rows, _unit, pos, _next_code, _next_us = units(index, by)
    uid, key = unit_keys(by)
    # Positions within the unit (a session starts mid-way in its customer's sequence).
    rel = (rows[key] - rows[uid]) if by == "session" else rows[pos].cast("int64")
    rows = rows.select(u=rows[uid], pos=rel, code=rows.code)
    if collapse_repeats:
        w = ibis.window(group_by=rows.u, order_by=rows.pos)
        rows = rows.mutate(prev=rows.code.lag().over(w))
        rows = rows.filter(rows.prev.isnull() | (rows.prev != rows.code)).drop("prev")
        rows = rows.mutate(pos=ibis.row_number().over(ibis.window(group_by=rows.u, order_by=rows.pos)))
    longest = rows.pos.max().execute()
    if longest is None:
        return ibis.memtable(pa.table({"variant": pa.array([], pa.list_(pa.string())),
                                       "count": pa.array([], pa.int64()), "share": pa.array([], pa.float64())}))
    pw = ibis.memtable(_powers(int(longest) + 1))
    j = rows.join(pw, rows.pos == pw.pos)
    term0 = ((j.code.cast("int64") + 1) * j.w0) % _P[0]
    term1 = ((j.code.cast("int64") + 1) * j.w1) % _P[1]
    prints = j.group_by(j.u).aggregate(n=j.count(), f0=term0.sum() % _P[0], f1=term1.sum() % _P[1])
    total = prints.count().execute()
    counted = prints.group_by("n", "f0", "f1").aggregate(count=prints.count(), rep=prints.u.min())
    # Keep every variant tied with the last one kept, then order exactly on the activity lists.
    if top is not None:
        cut = counted.order_by(ibis.desc("count")).limit(1, offset=top - 1)["count"].as_scalar() \
            if top > 0 else None
        chosen = counted.filter(counted["count"] >= cut.fill_null(0)) if cut is not None else counted.limit(0)
    else:
        chosen = counted
    chosen_pd = chosen.to_pyarrow()
    reps = ibis.memtable(chosen_pd.select(["rep"]))
    seqs = rows.join(reps, rows.u == reps.rep).join(activity_codes(con), "code")
    seq_rows = seqs.select("rep", "pos", "activity").to_pandas().sort_values(["rep", "pos"], kind="stable")
    lists = seq_rows.groupby("rep", sort=False)["activity"].agg(list)
    df = chosen_pd.to_pandas()
    df["variant"] = df["rep"].map(lists)
    df["key"] = df["variant"].map(tuple)
    df = df.sort_values(["count", "key"], ascending=[False, True], kind="stable")
    if top is not None:
        df = df.head(top)
    df["share"] = df["count"] / total
    out = pa.table({"variant": pa.array(df["variant"].tolist(), pa.list_(pa.string())),
                    "count": pa.array(df["count"].astype("int64")), "share": pa.array(df["share"], pa.float64())})
    return ibis.memtable(out)
