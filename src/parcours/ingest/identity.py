"""Identity stitching: identifiers seen together in a row belong to one customer.

Identifiers of every kind (e-mail, phone, cookie, CRM id, loyalty card, …) are nodes; two
identifiers in the same source row are an edge; a customer is a connected component. The engine
extracts the distinct nodes and edges of a file (a small graph, however many events), and SciPy's
``connected_components`` labels it, together with the customers already known for those nodes.

Customer ids are deterministic: a new customer is ``C`` + the smallest 16-hex md5 of its
identifiers (``kind:value``); when a file links customers that were apart, they merge into the
smallest existing id, the others are recorded in ``identity_merges``, and every table follows.
A file whose identifiers are all known and tie no two customers (the usual incremental export)
skips the labelling: each identifier keeps its customer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from parcours.ingest.sql import ident, lit
from parcours.warehouse import temp_name


@dataclass
class Stitched:
    """Result of stitching one file: identifier → customer map and the merges it caused."""

    idmap: str  # scratch table of the DuckDB connection: kind, identifier, customer_id, first, is_new
    # (every identifier of the file), left to the caller to drop: it is joined there, so it never
    # leaves the engine; the queries below read it
    merges: pa.Table  # merged_id, into_id

    @property
    def new_identities(self) -> str:
        """SQL: kind, identifier, customer_id of the identifiers not seen before, in that order."""
        return (f"SELECT kind, identifier, customer_id FROM {ident(self.idmap)} WHERE is_new "
                f"ORDER BY kind, identifier")

    @property
    def first_seen(self) -> str:
        """SQL: customer_id, created_at (earliest time in the file) of each customer of the file."""
        return (f"SELECT customer_id, min(first) AS created_at FROM {ident(self.idmap)} "
                f"GROUP BY customer_id ORDER BY customer_id")


def stitch(raw: duckdb.DuckDBPyConnection, combos: str, kinds: list[str],
           lookup: Callable[[str], str | pa.Table]) -> Stitched:
    """Stitch a file's identifiers against the identities already known.

    ``combos`` is a scratch table of the file's distinct identifier combinations (``__ak``,
    ``__av``: the row's anchor; ``id__<kind>`` for each kind; ``first``: earliest time), one
    aggregate over the file, so everything here works on a small graph. ``lookup`` takes the name
    of the scratch table of the file's (kind, identifier) nodes and returns the known identities
    among them as (kind, identifier, customer_id): SQL this connection can read (the warehouse is
    this DuckDB), or an Arrow table fetched from another engine. The engine does the joins and the
    per-component minima; only the edge list goes to SciPy, and only the labels come back.
    The identifier map stays in the engine as a scratch table (``Stitched.idmap``, the caller's to
    drop): the rows are attached to their customers by a join there.
    """
    pairs, nodes, known0, known, labels, comp, idmap = (
        temp_name(x) for x in ("pairs", "nodes", "known0", "known", "labels", "comp", "idmap"))
    union = " UNION ALL ".join(
        f"SELECT __ak AS ak, __av AS av, {lit(k)} AS bk, {ident('id__' + k)} AS bv, min(first) AS first "
        f"FROM {ident(combos)} WHERE {ident('id__' + k)} IS NOT NULL GROUP BY ALL"
        for k in kinds
    )
    P, N, K0, K = ident(pairs), ident(nodes), ident(known0), ident(known)
    L, C, M = ident(labels), ident(comp), ident(idmap)
    view = temp_name("arrow")
    raw.execute(f"CREATE TEMP TABLE {P} AS {union}")
    try:
        raw.execute(
            # Node numbers in no particular order (a sort here cost a third of the stitching);
            # nothing below depends on them but the graph, and the result is sorted by identifier.
            # A node's first time is that of the rows it anchors: every row pairs its anchor with
            # itself, so one aggregate finds both the nodes and their first times.
            f"CREATE TEMP TABLE {N} AS SELECT row_number() OVER () - 1 AS nid, kind, identifier, first "
            f"FROM (SELECT bk AS kind, bv AS identifier, min(first) FILTER (ak = bk AND av = bv) AS first "
            f"FROM {P} GROUP BY bk, bv)")
        n = raw.execute(f"SELECT count(*) FROM {N}").fetchone()[0]
        if n == 0:
            raw.execute(f"CREATE TEMP TABLE {M} (kind VARCHAR, identifier VARCHAR, customer_id VARCHAR, "
                        f"first TIMESTAMP, is_new BOOLEAN)")
            return Stitched(idmap, _MERGES.empty_table())
        # the known identities among the file's nodes, each known customer an extra node n, n+1, …
        known_ids = lookup(nodes)
        if isinstance(known_ids, pa.Table):
            raw.register(view, known_ids)
            known_ids = ident(view)
        raw.execute(f"CREATE TEMP TABLE {K0} AS SELECT n.nid, k.customer_id FROM {known_ids} k "
                    f"JOIN {N} n USING (kind, identifier)")
        raw.unregister(view)
        if KNOWN_FAST_PATH and _all_known_and_consistent(raw, P, N, K0, n):
            # The usual incremental file: every identifier is known already and no row ties two
            # customers together. Each identifier keeps its customer; nothing to label or merge.
            raw.execute(f"CREATE TEMP TABLE {M} AS SELECT n.kind, n.identifier, k.customer_id, n.first, "
                        f"false AS is_new FROM {N} n JOIN {K0} k USING (nid)")
            return Stitched(idmap, _MERGES.empty_table())
        raw.execute(f"CREATE TEMP TABLE {K} AS SELECT nid, customer_id, {n} + dense_rank() OVER "
                    f"(ORDER BY customer_id) - 1 AS cid FROM {K0}")
        a, b = (np.asarray(c) for c in raw.execute(
            f"{_edges(P, N)} UNION ALL SELECT nid, cid FROM {K}").fetchnumpy().values())
        total = n + raw.execute(f"SELECT count(DISTINCT cid) FROM {K}").fetchone()[0]
        graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(total, total))
        _, lab = connected_components(graph, directed=False)
        raw.register(view, pa.table({"nid": pa.array(np.arange(total, dtype=np.int64)),
                                     "label": pa.array(lab.astype(np.int64))}))
        raw.execute(f"CREATE TEMP TABLE {L} AS SELECT * FROM {ident(view)}")
        raw.unregister(view)
        # each component: the smallest known customer id, else "C" + the smallest identifier hash
        raw.execute(f"CREATE TEMP TABLE {C} AS SELECT l.label, min(k.customer_id) AS into_id "
                    f"FROM (SELECT DISTINCT cid, customer_id FROM {K}) k JOIN {L} l ON l.nid = k.cid GROUP BY l.label")
        raw.execute(
            f"CREATE TEMP TABLE {M} AS WITH node AS (SELECT n.*, l.label FROM {N} n JOIN {L} l USING (nid)), "
            f"fresh AS (SELECT label, 'C' || min(substr(md5(kind || ':' || identifier), 1, 16)) AS fresh_id "
            f"FROM node WHERE label NOT IN (SELECT label FROM {C}) GROUP BY label) "
            f"SELECT node.kind, node.identifier, coalesce(c.into_id, fresh.fresh_id) AS customer_id, "
            f"node.first, node.nid NOT IN (SELECT nid FROM {K}) AS is_new FROM node LEFT JOIN fresh USING (label) "
            f"LEFT JOIN {C} c USING (label)")
        merges = raw.execute(
            f"SELECT DISTINCT k.customer_id AS merged_id, c.into_id FROM {K} k JOIN {L} l ON l.nid = k.cid "
            f"JOIN {C} c USING (label) WHERE k.customer_id <> c.into_id ORDER BY merged_id").to_arrow_table()
    except BaseException:
        raw.execute(f"DROP TABLE IF EXISTS {M}")
        raise
    finally:
        raw.unregister(view)  # a no-op unless an error came between register and unregister
        for t in (P, N, K0, K, L, C):
            raw.execute(f"DROP TABLE IF EXISTS {t}")
    return Stitched(idmap, merges.cast(_MERGES))


#: Whether a file whose identifiers are all known, tying no two customers, skips the labelling.
KNOWN_FAST_PATH = True


def _all_known_and_consistent(raw: duckdb.DuckDBPyConnection, P: str, N: str, K: str, n: int) -> bool:
    """Every node of the file known, and no edge between two nodes of different customers."""
    if raw.execute(f"SELECT count(DISTINCT nid) FROM {K}").fetchone()[0] < n:
        return False
    return not raw.execute(
        f"SELECT 1 FROM ({_edges(P, N)}) e JOIN {K} ka ON ka.nid = e.a JOIN {K} kb ON kb.nid = e.b "
        f"WHERE ka.customer_id <> kb.customer_id LIMIT 1").fetchall()


def _edges(P: str, N: str) -> str:
    """SQL for the file's edges (a, b) as node numbers, from its identifier pairs.

    Equi-joins only: an inequality here let the planner pick a nested loop.
    """
    return (f"SELECT a.nid AS a, b.nid AS b FROM (SELECT * FROM {P} WHERE ak <> bk OR av <> bv) p "
            f"JOIN {N} a ON a.kind = p.ak AND a.identifier = p.av "
            f"JOIN {N} b ON b.kind = p.bk AND b.identifier = p.bv")


_MERGES = pa.schema([("merged_id", pa.string()), ("into_id", pa.string())])
