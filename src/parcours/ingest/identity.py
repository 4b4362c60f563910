"""Identity stitching: identifiers seen together in a row belong to one customer.

Identifiers of every kind (e-mail, phone, cookie, CRM id, loyalty card, …) are nodes; two
identifiers in the same source row are an edge; a customer is a connected component. The engine
extracts the distinct nodes and edges of a file (a small graph, however many events), and SciPy's
``connected_components`` labels it, together with the customers already known for those nodes.

Customer ids are deterministic: a new customer is ``C`` + the smallest 16-hex md5 of its
identifiers (``kind:value``); when a file links customers that were apart, they merge into the
smallest existing id, the others are recorded in ``identity_merges``, and every table follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from parcours.ingest.sql import ident, lit
from parcours.warehouse import temp_name


@dataclass
class Stitched:
    """Result of stitching one file: identifier → customer map and the merges it caused."""

    idmap: pa.Table  # kind, identifier, customer_id (every identifier of the file)
    new_identities: pa.Table  # kind, identifier, customer_id (not seen before)
    merges: pa.Table  # merged_id, into_id
    first_seen: pa.Table  # customer_id, created_at (earliest time in the file, per customer)


def stitch(raw: duckdb.DuckDBPyConnection, combos: str, kinds: list[str],
           lookup: Callable[[pa.Table], pa.Table]) -> Stitched:
    """Stitch a file's identifiers against the identities already known.

    ``combos`` is a scratch table of the file's distinct identifier combinations (``__ak``,
    ``__av``: the row's anchor; ``id__<kind>`` for each kind; ``first``: earliest time), one
    aggregate over the file, so everything here works on a small graph. ``lookup`` takes the
    file's (kind, identifier) nodes and returns the known identities among them as (kind,
    identifier, customer_id), read from the warehouse.
    """
    pairs, nodes_name = temp_name("pairs"), temp_name("nodes")
    union = " UNION ALL ".join(
        f"SELECT __ak AS ak, __av AS av, {lit(k)} AS bk, {ident('id__' + k)} AS bv, min(first) AS first "
        f"FROM {ident(combos)} WHERE {ident('id__' + k)} IS NOT NULL GROUP BY ALL"
        for k in kinds
    )
    raw.execute(f"CREATE TEMP TABLE {ident(pairs)} AS {union}")
    try:
        raw.execute(
            f"CREATE TEMP TABLE {ident(nodes_name)} AS SELECT row_number() OVER (ORDER BY kind, identifier) - 1 "
            f"AS nid, kind, identifier, substr(md5(kind || ':' || identifier), 1, 16) AS h "
            f"FROM (SELECT DISTINCT bk AS kind, bv AS identifier FROM {ident(pairs)})"
        )
        nodes = raw.execute(
            f"SELECT n.nid, n.kind, n.identifier, n.h, f.first FROM {ident(nodes_name)} n LEFT JOIN "
            f"(SELECT ak, av, min(first) AS first FROM {ident(pairs)} GROUP BY ALL) f "
            f"ON f.ak = n.kind AND f.av = n.identifier ORDER BY n.nid"
        ).to_arrow_table()
        edges = raw.execute(
            # Equi-joins only (an inequality here let the planner pick a nested loop).
            f"SELECT a.nid AS a, b.nid AS b FROM (SELECT * FROM {ident(pairs)} "
            f"WHERE ak <> bk OR av <> bv) p "
            f"JOIN {ident(nodes_name)} a ON a.kind = p.ak AND a.identifier = p.av "
            f"JOIN {ident(nodes_name)} b ON b.kind = p.bk AND b.identifier = p.bv"
        ).to_arrow_table()
    finally:
        raw.execute(f"DROP TABLE IF EXISTS {ident(pairs)}")
        raw.execute(f"DROP TABLE IF EXISTS {ident(nodes_name)}")
    known = lookup(nodes.select(["kind", "identifier"])) if nodes.num_rows else None
    return _components(nodes, edges, known)


def _components(nodes: pa.Table, edges: pa.Table, known: pa.Table | None) -> Stitched:
    n = nodes.num_rows
    empty = pa.table({"kind": pa.array([], pa.string()), "identifier": pa.array([], pa.string()),
                      "customer_id": pa.array([], pa.string())})
    no_first = pa.table({"customer_id": pa.array([], pa.string()), "created_at": pa.array([], pa.timestamp("us"))})
    if n == 0:
        return Stitched(empty, empty, pa.table({"merged_id": pa.array([], pa.string()),
                                                 "into_id": pa.array([], pa.string())}), no_first)
    nd = nodes.to_pandas()
    a = edges.column("a").to_numpy() if edges.num_rows else np.array([], dtype=np.int64)
    b = edges.column("b").to_numpy() if edges.num_rows else np.array([], dtype=np.int64)
    known_df = known.to_pandas() if known is not None and known.num_rows else None
    existing = pd.Series([], dtype=object)
    if known_df is not None:
        keyed = nd.merge(known_df, on=["kind", "identifier"], how="inner")
        existing = pd.Series(pd.unique(keyed["customer_id"]))
        cust_index = pd.Series(np.arange(len(existing)) + n, index=existing.values)
        a = np.concatenate([a, keyed["nid"].to_numpy()])
        b = np.concatenate([b, cust_index.loc[keyed["customer_id"]].to_numpy()])
    total = n + len(existing)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(total, total))
    _, labels = connected_components(graph, directed=False)

    node_label = labels[:n]
    fresh = pd.DataFrame({"label": node_label, "h": nd["h"].to_numpy()}).groupby("label")["h"].min()
    ids = "C" + fresh  # label → new id, used when no existing customer is in the component
    if len(existing):
        ex = pd.DataFrame({"label": labels[n:], "customer_id": existing.to_numpy()})
        into = ex.groupby("label")["customer_id"].min()
        ids.loc[into.index] = into
        merged = ex[ex["customer_id"] != ex["label"].map(into)]
        merges = pa.table({"merged_id": merged["customer_id"].astype(str).tolist(),
                           "into_id": merged["label"].map(into).astype(str).tolist()})
    else:
        merges = pa.table({"merged_id": pa.array([], pa.string()), "into_id": pa.array([], pa.string())})
    nd["customer_id"] = ids.loc[node_label].to_numpy()
    idmap = pa.Table.from_pandas(nd[["kind", "identifier", "customer_id"]], preserve_index=False)
    if known_df is not None:
        isnew = ~nd.set_index(["kind", "identifier"]).index.isin(
            known_df.set_index(["kind", "identifier"]).index)
        new = nd[isnew]
    else:
        new = nd
    new_identities = pa.Table.from_pandas(new[["kind", "identifier", "customer_id"]], preserve_index=False)
    first = nd.groupby("customer_id", as_index=False)["first"].min().rename(columns={"first": "created_at"})
    first_seen = pa.Table.from_pandas(first, preserve_index=False).cast(no_first.schema)
    return Stitched(idmap.cast(empty.schema), new_identities.cast(empty.schema), merges, first_seen)
