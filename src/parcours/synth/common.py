"""Vectorised helpers shared by the synthetic companies: time, calendars, identifiers, strings.

Everything works on whole NumPy / Arrow arrays (never a Python loop over rows), so that a
generator can produce tens of millions of rows in seconds. Times are ``int64`` milliseconds since
the Unix epoch in UTC; local wall-clock times are the same unit read on the zone's clock.
"""

from __future__ import annotations

import datetime as _dt
import zoneinfo
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

SECOND_MS = 1_000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS

_DEC = np.frombuffer(b"0123456789", dtype=np.uint8)
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_HEX_UPPER = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


# ----------------------------------------------------------------------------- time

def instant(text: str, tz: str = "UTC") -> int:
    """Milliseconds since the epoch of a wall-clock time ``text`` (ISO) in zone ``tz``.

    >>> instant("2024-01-01T00:00", "Europe/Paris")
    1704063600000
    """
    t = _dt.datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=zoneinfo.ZoneInfo(tz))
    return round(t.timestamp() * 1000)


def utc_to_local(ms: np.ndarray, tz: str) -> np.ndarray:
    """Wall-clock milliseconds in ``tz`` of UTC instants ``ms``."""
    ms = np.asarray(ms, dtype=np.int64)
    if tz == "UTC" or ms.size == 0:
        return ms.copy()
    idx = pd.DatetimeIndex(ms.astype("datetime64[ms]")).tz_localize("UTC").tz_convert(tz).tz_localize(None)
    return np.asarray(idx, dtype="datetime64[ms]").astype(np.int64)


def local_to_utc(local: np.ndarray, tz: str) -> np.ndarray:
    """UTC instants of wall-clock times ``local`` in ``tz`` (gaps shifted forward, folds: first)."""
    local = np.asarray(local, dtype=np.int64)
    if tz == "UTC" or local.size == 0:
        return local.copy()
    idx = pd.DatetimeIndex(local.astype("datetime64[ms]"))
    loc = idx.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    out = np.asarray(loc.tz_convert("UTC").tz_localize(None), dtype="datetime64[ms]").astype(np.int64)
    bad = np.asarray(loc.isna())
    if bad.any():  # an ambiguous wall-clock time: take the earlier instant (summer time)
        out[bad] = local_to_utc(local[bad] - HOUR_MS, tz) + HOUR_MS
    return out


def outside_fold(ms: np.ndarray, tz: str) -> np.ndarray:
    """Instants moved by two hours when their wall-clock time in ``tz`` is ambiguous.

    A file written in local time without offset cannot tell the two instants of the autumn
    fold apart; generators avoid them so that every local time maps back to one instant.
    """
    ms = np.asarray(ms, dtype=np.int64)
    if tz == "UTC" or ms.size == 0:
        return ms
    local = utc_to_local(ms, tz)
    idx = pd.DatetimeIndex(local.astype("datetime64[ms]")).tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    bad = np.asarray(idx.isna())
    if not bad.any():
        return ms
    out = ms.copy()
    out[bad] += 2 * HOUR_MS
    return out


def civil(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(year, month, day) of day numbers since 1970-01-01 (proleptic Gregorian, vectorised)."""
    z = np.asarray(days, dtype=np.int64) + 719_468
    era = np.floor_divide(z, 146_097)
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def weekday(days: np.ndarray) -> np.ndarray:
    """Day of week (0 = Monday) of day numbers since 1970-01-01 (a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def _put(mat: np.ndarray, pos: int, values: np.ndarray, width: int) -> None:
    v = values.astype(np.int64)
    for j in range(width):
        mat[:, pos + width - 1 - j] = _DEC[v % 10]
        v = v // 10


def _fixed_strings(mat: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """A string array from an (n, width) uint8 matrix of ASCII bytes (zero copy)."""
    n, width = mat.shape
    data = pa.py_buffer(np.ascontiguousarray(mat).tobytes())
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int64) * width).astype(np.int32)
                           if n * width < 2**31 - 1 else np.arange(n + 1, dtype=np.int64) * width)
    typ = pa.string() if n * width < 2**31 - 1 else pa.large_string()
    bitmap, nulls = None, 0
    if valid is not None and not valid.all():
        bitmap = pa.py_buffer(np.packbits(valid.astype(np.uint8), bitorder="little").tobytes())
        nulls = int(n - valid.sum())
    arr = pa.Array.from_buffers(typ, n, [bitmap, offsets, data], null_count=nulls)
    return arr.cast(pa.string()) if typ != pa.string() else arr


def format_time(ms: np.ndarray, fmt: str, tz: str = "UTC", valid: np.ndarray | None = None) -> pa.Array:
    """Render UTC instants as text in zone ``tz`` with a strftime-like format, vectorised.

    Codes: ``%Y %m %d %H %M %S``, ``%g`` (milliseconds, 3 digits), ``%z`` (offset ``+01:00``);
    ``epoch_ms`` / ``epoch_s`` give Unix numbers. ``valid`` False gives a null.

    >>> format_time(np.array([0]), "%d/%m/%Y %H:%M", "Europe/Paris").to_pylist()
    ['01/01/1970 01:00']
    """
    ms = np.asarray(ms, dtype=np.int64)
    if valid is not None:
        ms = np.where(valid, ms, 0)
    if fmt in ("epoch_ms", "epoch_s"):
        v = ms if fmt == "epoch_ms" else ms // 1000
        arr = pc.cast(pa.array(v), pa.string())
        return arr if valid is None else pc.if_else(pa.array(valid), arr, pa.scalar(None, pa.string()))
    local = utc_to_local(ms, tz)
    days = np.floor_divide(local, DAY_MS)
    rest = local - days * DAY_MS
    y, m, d = civil(days)
    widths = {"Y": 4, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2, "g": 3, "z": 6}
    tokens: list[tuple[str, str]] = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%":
            tokens.append(("code", fmt[i + 1]))
            i += 2
        else:
            tokens.append(("lit", fmt[i]))
            i += 1
    width = sum(widths[t] if k == "code" else len(t.encode()) for k, t in tokens)
    mat = np.empty((ms.size, width), dtype=np.uint8)
    pos = 0
    for kind, t in tokens:
        if kind == "lit":
            b = t.encode()
            for j, byte in enumerate(b):
                mat[:, pos + j] = byte
            pos += len(b)
            continue
        if t == "z":
            off = (local - ms) // MINUTE_MS
            mat[:, pos] = np.where(off < 0, ord("-"), ord("+"))
            a = np.abs(off)
            _put(mat, pos + 1, a // 60, 2)
            mat[:, pos + 3] = ord(":")
            _put(mat, pos + 4, a % 60, 2)
        else:
            value = {"Y": y, "m": m, "d": d, "H": rest // HOUR_MS, "M": rest // MINUTE_MS % 60,
                     "S": rest // SECOND_MS % 60, "g": rest % SECOND_MS}[t]
            _put(mat, pos, value, widths[t])
        pos += widths[t]
    return _fixed_strings(mat, valid)


class Calendar:
    """A study window with a seasonal intensity: draws dates where activity really is.

    Time is warped so that one unit of "seasonal time" always holds the same expected activity;
    a customer's successive visits are drawn as gaps in seasonal time, so that every process
    inherits the seasons (peaks in winter for a ski shop) without any per-row loop.
    """

    def __init__(self, start: str, days: int, tz: str, monthly: dict[int, float],
                 weekly: tuple[float, ...] = (1, 1, 1, 1, 1, 1, 1), trend: float = 0.0) -> None:
        self.tz = tz
        self.days = days
        self.start_ms = instant(start, tz)
        self.end_ms = instant((_dt.datetime.fromisoformat(start) + _dt.timedelta(days=days)).isoformat(), tz)
        self.day0 = utc_to_local(np.array([self.start_ms]), tz)[0] // DAY_MS
        d = self.day0 + np.arange(days)
        _, month, _ = civil(d)
        w = np.array([monthly[int(k)] for k in range(1, 13)])[month - 1] * np.asarray(weekly)[weekday(d)]
        w = w * (1 + trend * np.arange(days) / days)
        self.weights = w
        self.cum = np.concatenate([[0.0], np.cumsum(w)]) / w.sum()
        self.total = 1.0

    def day_of(self, u: np.ndarray) -> np.ndarray:
        """Day index (0-based in the window) at seasonal time ``u`` in [0, 1)."""
        return np.clip(np.interp(u, self.cum, np.arange(self.days + 1)).astype(np.int64), 0, self.days - 1)

    def seasonal(self, ms: np.ndarray) -> np.ndarray:
        """Seasonal time of instants (inverse of :meth:`day_of`, at day resolution)."""
        day = (np.asarray(ms) - self.start_ms) / DAY_MS
        return np.interp(day, np.arange(self.days + 1), self.cum)

    def at(self, rng: np.random.Generator, day: np.ndarray, hours: np.ndarray,
           closed_sunday: bool = False) -> np.ndarray:
        """UTC instants on window days ``day`` at a local hour drawn from profile ``hours`` (24)."""
        day = np.asarray(day, dtype=np.int64)
        if closed_sunday:
            day = np.where(weekday(self.day0 + day) == 6, np.maximum(day - 1, 0), day)
        p = np.asarray(hours, dtype=float) / np.sum(hours)
        hour = rng.choice(24, size=day.size, p=p)
        local = (self.day0 + day) * DAY_MS + hour * HOUR_MS + rng.integers(0, HOUR_MS, day.size)
        return local_to_utc(local, self.tz)

    def month_index(self, ms: np.ndarray) -> np.ndarray:
        """Month number (1-12) of instants in the calendar's zone."""
        _, m, _ = civil(utc_to_local(ms, self.tz) // DAY_MS)
        return m


# ----------------------------------------------------------------------------- identifiers and strings

@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count``: the identifier namespace of one part of a company made in parts.

    A large company is generated as ``count`` independent smaller ones written into the same files;
    every integer behind an identifier is then taken in the residue class ``index`` modulo
    ``count``, so the parts never share an identifier (and keep their realistic format). The
    whole company (``count`` 1) draws exactly what it always drew.
    """

    index: int = 0
    count: int = 1

    def draw(self, rng: np.random.Generator, n: int, space: int) -> np.ndarray:
        """``n`` distinct integers in [0, space), none of them drawn by another shard."""
        return distinct(rng, n, space // self.count) * self.count + self.index

    def spread(self, ids: np.ndarray, start: int) -> np.ndarray:
        """A counter's ``ids`` (above ``start``) moved to this shard's residue: unique across shards."""
        if self.count == 1:
            return ids
        return start + (np.asarray(ids, dtype=np.int64) - start) * self.count + self.index


WHOLE = Shard()


def distinct(rng: np.random.Generator, n: int, space: int) -> np.ndarray:
    """``n`` distinct random integers in [0, space), so identifiers built from them never collide."""
    if n > space:
        raise ValueError(f"cannot draw {n} distinct values from {space}")
    return rng.choice(space, size=n, replace=False).astype(np.int64)


def digits(values: np.ndarray, width: int, alphabet: str = "dec") -> pa.Array:
    """Zero-padded decimal (or ``hex`` / ``HEX``) strings of non-negative integers, vectorised.

    ``width`` grows when a value needs more digits (a large sharded company): never truncated,
    so distinct values always give distinct strings.
    """
    table = {"dec": _DEC, "hex": _HEX, "HEX": _HEX_UPPER}[alphabet]
    base = len(table)
    v = np.asarray(values, dtype=np.int64).copy()
    top = int(v.max()) if v.size else 0
    while top >= base**width:
        width += 1
    mat = np.empty((v.size, width), dtype=np.uint8)
    for j in range(width):
        mat[:, width - 1 - j] = table[v % base]
        v //= base
    return _fixed_strings(mat)


def concat(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation of string arrays and literals (nulls propagate)."""
    return pc.binary_join_element_wise(*parts, "")


def take(vocab: list[str] | pa.Array, codes: np.ndarray) -> pa.Array:
    """``vocab[codes]`` as an Arrow string array."""
    arr = vocab if isinstance(vocab, (pa.Array, pa.ChunkedArray)) else pa.array(vocab, pa.string())
    return arr.take(pa.array(np.asarray(codes, dtype=np.int64)))


def choose(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One categorical draw per row, with the probabilities of row ``table[rows]`` (vectorised).

    The cumulative table is flattened (row ``r`` shifted by ``2 r``) so that every draw is one
    binary search, whatever the number of rows.
    """
    p = np.asarray(table, dtype=float)
    cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    n_rows, k = cum.shape
    flat = (2.0 * np.arange(n_rows)[:, None] + cum).ravel()
    rows = np.asarray(rows, dtype=np.int64)
    u = rng.random(rows.size)
    idx = np.searchsorted(flat, 2.0 * rows + u, side="right") - rows * k
    return np.minimum(idx, k - 1)


def positions(counts: np.ndarray) -> np.ndarray:
    """Position of each element within its group when groups of ``counts`` are laid end to end."""
    counts = np.asarray(counts, dtype=np.int64)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(starts.size, dtype=np.int64) - starts


def group_starts(counts: np.ndarray) -> np.ndarray:
    """Offset of each group when groups of ``counts`` are laid end to end."""
    counts = np.asarray(counts, dtype=np.int64)
    return np.cumsum(counts) - counts


def first_of_groups(keys: np.ndarray, order_by: np.ndarray) -> np.ndarray:
    """Boolean mask: the element with the smallest ``order_by`` within each ``keys`` group."""
    idx = np.lexsort((order_by, keys))
    first = np.ones(idx.size, dtype=bool)
    first[1:] = keys[idx][1:] != keys[idx][:-1]
    out = np.zeros(idx.size, dtype=bool)
    out[idx[first]] = True
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def fill_pattern(values: np.ndarray, pattern: str) -> pa.Array:
    """Text from ``pattern`` whose ``#`` are the zero-padded decimal digits of ``values``.

    >>> fill_pattern(np.array([612345678]), "+33 # ## ## ## ##").to_pylist()
    ['+33 6 12 34 56 78']
    """
    b = pattern.encode()
    holes = [i for i, ch in enumerate(b) if ch == ord("#")]
    v = np.asarray(values, dtype=np.int64).copy()
    mat = np.empty((v.size, len(b)), dtype=np.uint8)
    for i, ch in enumerate(b):
        mat[:, i] = ch
    for pos in reversed(holes):
        mat[:, pos] = _DEC[v % 10]
        v //= 10
    return _fixed_strings(mat)


def capitalise_first(arr: pa.Array) -> pa.Array:
    """Upper-case the first character only ("camille@x.fr" -> "Camille@x.fr")."""
    return pc.binary_join_element_wise(pc.utf8_upper(pc.utf8_slice_codeunits(arr, 0, 1)),
                                       pc.utf8_slice_codeunits(arr, 1), "")


def increasing_ids(rng: np.random.Generator, times: np.ndarray, start: int, shard: Shard | None = None) -> np.ndarray:
    """Ids that grow with ``times`` (gaps of 1-3), like a sequence of the source system.

    In a sharded company each shard's sequence is spread over its own residue (see :class:`Shard`).
    """
    order = np.argsort(times, kind="stable")
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = (shard or WHOLE).spread(start + np.cumsum(rng.integers(1, 4, len(order))), start)
    return ids


def email_as_typed(rng: np.random.Generator, emails: pa.Array, share_odd: float) -> pa.Array:
    """E-mails as people type them: mostly as is, sometimes capitalised, padded or upper case."""
    r = rng.random(len(emails))
    k = np.where(r < share_odd * 0.5, 1, np.where(r < share_odd * 0.8, 2, np.where(r < share_odd, 3, 0)))
    return pc.choose(pa.array(k, pa.int8()), emails, capitalise_first(emails), concat(" ", emails, " "),
                     pc.utf8_upper(emails))


def ascii_slug(s: str) -> str:
    """Lower-case ASCII form of a name ("Hélène" -> "helene"), for e-mails and domains."""
    import unicodedata
    return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch)).lower()


def take_or_null(values: pa.Array | list[str], codes: np.ndarray) -> pa.Array:
    """``values[codes]`` as an Arrow array, null where a code is negative (e.g. no ticket)."""
    codes = np.asarray(codes, dtype=np.int64)
    arr = values if isinstance(values, pa.Array) else pa.array(values, pa.string())
    return arr.take(pa.array(np.where(codes >= 0, codes, 0), mask=codes < 0))


def fit_company(events: int, rng, build, *, per_unit: float, minimum: int, name: str):
    """Call ``build(events, n_units, rng)`` with fewer, bigger units until it fits ``events`` rows.

    ``build`` returns None when that many customers (or accounts) cannot produce the requested
    events; each retry gives every unit 40 % more events.
    """
    for _ in range(8):
        company = build(events, max(minimum, round(events / per_unit)), rng)
        if company is not None:
            return company
        per_unit *= 1.4
    raise ValueError(f"cannot generate the {name} company with only {events} events; ask for more")
