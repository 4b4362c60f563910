"""The Workspace: a folder with ``parcours.yaml`` plus its warehouse; the one entry point of the API.

>>> import parcours, tempfile
>>> ws = parcours.init(tempfile.mkdtemp())
>>> ws.status()["tables"]["events"]
0
"""

from __future__ import annotations

import glob
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ibis
import pandas as pd
from ibis.backends import BaseBackend

from parcours.config import (
    CONFIG_FILE, Mapping, SourceConfig, WorkspaceConfig, load_config, load_mapping, mapping_from_dict,
    render_config,
)
from parcours.errors import ConfigError, IngestError, NotFoundError, WorkspaceError
from parcours.ingest.pipeline import IngestResult, ingest_file
from parcours.ingest.readers import detect_format
from parcours.schema import CANONICAL_COLUMNS, TABLE_SCHEMAS, TABLES, ensure_schema
from parcours.warehouse import connect

SCENARIOS = ("retail", "saas", "empty")
#: Glisse & Co's product categories: the SKU prefix → readable name (persona cards use them).
RETAIL_CATEGORIES = {
    "SKP": "piste skis", "SKF": "freeride skis", "CHS": "ski boots", "FXS": "ski bindings", "SNB": "snowboards",
    "BTS": "snowboard boots", "FXB": "snowboard bindings", "CAS": "helmets", "MSQ": "goggles", "VST": "ski jackets",
    "PNT": "ski pants", "GNT": "gloves", "SKE": "kids' skis", "CAE": "kids' helmets", "CBE": "kids' ski suits",
    "ENT": "care kits"}
#: Readable names of the saas scenario's product features (persona names use them).
SAAS_FEATURES = {"kanban": "kanban boards", "gantt": "Gantt charts", "time_tracking": "time tracking",
                 "reports": "reports", "calendar_sync": "calendar sync", "automations": "automations",
                 "client_portal": "client portal", "invoicing": "invoicing", "api": "API",
                 "mobile_app": "mobile app"}


class Workspace:
    """A parcours workspace: its config (``parcours.yaml``) and its warehouse connection."""

    def __init__(self, root: str | Path, config: WorkspaceConfig) -> None:
        self.root = Path(root).resolve()
        self.config = config
        self._con: BaseBackend | None = None

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r}, warehouse={self.config.warehouse.url!r})"

    # ------------------------------------------------------------------ warehouse
    @property
    def con(self) -> BaseBackend:
        """The Ibis connection to the warehouse (opened, and the schema created, on first use)."""
        if self._con is None:
            wh = self.config.warehouse
            self._con = connect(wh.url, root=self.root, threads=wh.threads, memory_limit=wh.memory_limit)
            ensure_schema(self._con)
        return self._con

    def table(self, name: str) -> ibis.Table:
        """A warehouse table as an Ibis expression (``events``, ``customers``, ``quarantine``…)."""
        if name not in TABLE_SCHEMAS and name not in self.con.list_tables():
            raise NotFoundError(f"no table {name!r}; tables: {', '.join(TABLE_SCHEMAS)}")
        return self.con.table(name)

    @property
    def events(self) -> ibis.Table:
        """The ``events`` table."""
        return self.table("events")

    def close(self) -> None:
        """Close the warehouse connection (reopened on next use)."""
        if self._con is not None:
            self._con.disconnect()
            self._con = None

    def __enter__(self) -> "Workspace":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ ingestion
    def resolve(self, path: str | Path) -> Path:
        """A path from config or the command line, relative to the workspace folder."""
        p = Path(path)
        return p if p.is_absolute() else (self.root / p).resolve()

    def ingest(self, table: str, *paths: str | Path, mapping: str | Path | Mapping | dict | None = None,
               force: bool = False, progress: Callable[[str], None] | None = None) -> list[IngestResult]:
        """Ingest files (or, with a ``format: sql`` mapping and no path, a database table) into a canonical table.

        Each file is one transaction.
        Paths are as given (relative to the current folder). Without a mapping, columns named like canonical columns map to themselves, columns named
        like identifier kinds (email, phone, cookie, crm_id, customer_id…) are identifiers, and
        XES logs (or CSVs in the pm4py layout) map traces to customers.
        """
        if table not in TABLES:
            raise IngestError(f"unknown table {table!r}; tables that can be ingested: {', '.join(TABLES)}")
        if not paths:  # a database table (mapping format 'sql') has no file
            m = self._mapping_for(table, Path("."), mapping) if mapping is not None else None
            if m is None or m.format != "sql" or m.sql is None:
                raise IngestError(f"give the file(s) to ingest into {table!r}, or a mapping that reads a database "
                                  f"table (format: sql)")
            paths = (m.sql.table,)
        results = []
        for p in paths:
            path = Path(p)
            m = self._mapping_for(table, path, mapping)
            results.append(ingest_file(
                self.con, path, m, timezone=self.config.timezone,
                country_code=self.config.identity.default_country_code, force=force, progress=progress))
        self._keep_forgotten()
        return results

    def ingest_sources(self, *, force: bool = False,
                       progress: Callable[[str], None] | None = None) -> list[IngestResult]:
        """Ingest every source declared in ``parcours.yaml``, in order."""
        if not self.config.sources:
            raise ConfigError(f"{self.root / CONFIG_FILE}: no 'sources' declared; add some or pass files")
        results = []
        for src in self.config.sources:
            m = src.map if src.map is not None else load_mapping(self.resolve(src.mapping))
            if src.path is None:  # a database table: nothing to glob
                if m.format != "sql" or m.sql is None:
                    raise ConfigError(f"{self.root / CONFIG_FILE}: source {src.name!r} has no 'path' and its "
                                      f"mapping {src.mapping} does not read a database table (format: sql)")
                paths = [m.sql.table]
            else:
                paths = sorted(glob.glob(str(self.resolve(src.path)))) or [str(self.resolve(src.path))]
            for path in paths:
                results.append(ingest_file(
                    self.con, Path(path), m, timezone=self.config.timezone, source=m.source or src.name,
                    country_code=self.config.identity.default_country_code, force=force, progress=progress))
        self._keep_forgotten()
        return results

    def _keep_forgotten(self) -> None:
        """Erase again anyone an ingestion brought back with a forgotten identifier."""
        from parcours.customers.privacy import enforce_forgotten

        enforce_forgotten(self.con)

    def _mapping_for(self, table: str, path: Path, mapping: str | Path | Mapping | dict | None) -> Mapping:
        if isinstance(mapping, Mapping):
            m = mapping
        elif isinstance(mapping, dict):
            m = mapping_from_dict(mapping)
        elif mapping is not None:
            m = load_mapping(mapping)
        else:
            m = default_mapping(table, path)
        if m.table != table:
            raise IngestError(f"the mapping is for table {m.table!r}, not {table!r}")
        return m

    # ------------------------------------------------------------------ status and 360
    def status(self) -> dict[str, Any]:
        """Row counts, date range, events per channel, ingestions and quarantine by reason."""
        from parcours.customers.overview import status

        return status(self)

    def forget(self, key: str, *, dry_run: bool = False):
        """Erase a customer (id or any identifier) from every table and keep them erased (``ForgetResult``)."""
        from parcours.customers.privacy import forget

        return forget(self, key, dry_run=dry_run)

    def customer(self, key: str) -> "Customer360":
        """The customer 360 of a customer id or any of its identifiers (e-mail, phone, cookie…)."""
        from parcours.customers.profile import customer_360

        return customer_360(self, key)

    # Journey analytics (parcours.journeys): Ibis tables, `.to_pandas()` for a DataFrame.

    def transitions(self, *, by: str = "customer", times: bool = True) -> ibis.Table:
        """Directly-follows graph: source, target, count, customers, median_seconds, p90_seconds."""
        from parcours.journeys.transitions import transitions

        return transitions(self.con, by=by, times=times)

    def variants(self, *, by: str = "customer", top: int | None = 20, collapse_repeats: bool = False) -> ibis.Table:
        """The most frequent full sequences of activities: variant, count, share."""
        from parcours.journeys.variants import variants

        return variants(self.con, by=by, top=top, collapse_repeats=collapse_repeats)

    def funnel(self, steps: list[str], *, window: str | None = "14d", order: str = "ordered",
               by: str = "customer", exclusions: list | tuple = (), breakdown: str | None = None,
               tolerance: str | None = None) -> ibis.Table:
        """Conversion through ordered steps within a window (see parcours.journeys.funnels)."""
        from parcours.journeys.funnels import funnel

        return funnel(self.con, steps, window=window, order=order, by=by, exclusions=exclusions,
                      breakdown=breakdown, tolerance=tolerance)

    def flows(self, *, start: str | list | None = None, end: str | list | None = None, depth: int = 4,
              by: str = "customer", window: str | None = None, max_nodes: int = 8, min_share: float = 0.01,
              collapse_repeats: bool = False):
        """Paths after the first ``start`` (or before the last ``end``) event, for a Sankey (a ``Flow``)."""
        from parcours.journeys.flows import flows

        return flows(self.con, start=start, end=end, depth=depth, by=by, window=window, max_nodes=max_nodes,
                     min_share=min_share, collapse_repeats=collapse_repeats)

    def funnel_flows(self, steps: list, step: int, *, status: str = "dropped", depth: int = 4,
                     window: str | None = "14d", order: str = "ordered", by: str = "customer",
                     max_nodes: int = 8, min_share: float = 0.01):
        """Where the customers who dropped at (or converted after) a funnel step went next (a ``Flow``)."""
        from parcours.journeys.flows import funnel_flows

        return funnel_flows(self.con, steps, step, status=status, depth=depth, window=window, order=order, by=by,
                            max_nodes=max_nodes, min_share=min_share)

    def leaks(self, steps: list | None = None, *, journey: str | None = None, by: str = "customer",
              dims: list[str] | tuple[str, ...] = ("channel",), window: str | None = "14d",
              goal: int | None = None, min_entered: int = 30, rank: str = "customers") -> ibis.Table:
        """Where a funnel (given steps, or a declared journey's stages) loses customers, worst cell first."""
        from parcours.journeys.leaks import leaks

        target = steps if steps is not None else self.journey(journey)
        return leaks(self.con, target, by=by, dims=dims, window=window, goal=goal, min_entered=min_entered,
                     rank=rank)

    def drop_correlates(self, steps: list, step: int, *, by: str = "customer", window: str | None = "14d",
                        top: int | None = 20) -> ibis.Table:
        """What sets apart those who dropped after ``step`` from those who went on (odds ratios, plain words)."""
        from parcours.journeys.correlation import drop_correlates

        return drop_correlates(self.con, steps, step, by=by, window=window, top=top)

    def conformance(self, name: str | None = None, *, by: str = "customer", breakdown: str | None = None,
                    moves: bool = False) -> ibis.Table:
        """How lived journeys differ from a declared journey's ideal order (or, with ``moves``, every move)."""
        from parcours.journeys.conformance import conformance, conformance_moves

        if moves:
            return conformance_moves(self.events, self.journey(name), by=by)
        return conformance(self.events, self.journey(name), by=by, breakdown=breakdown)

    def journey(self, name: str | None = None):
        """A journey declared in parcours.yaml (the first one if no name is given)."""
        from parcours.errors import NotFoundError
        from parcours.journeys.definitions import find_journey

        if name is None:
            if not self.config.journeys:
                raise NotFoundError(f"{self.root / 'parcours.yaml'}: no journey declared (see 'journeys:' and "
                                    f"the templates in parcours.journeys.definitions)")
            return self.config.journeys[0]
        return find_journey(self.config.journeys, name)

    def journey_funnel(self, name: str | None = None, *, by: str = "customer", order: str = "ordered",
                       window: str | None = None, breakdown: str | None = None) -> ibis.Table:
        """The funnel through a declared journey's stages (see parcours.journeys.funnels.journey_funnel)."""
        from parcours.journeys.funnels import journey_funnel

        return journey_funnel(self.con, self.journey(name), by=by, order=order, window=window, breakdown=breakdown)

    def stage_durations(self, name: str | None = None, *, by: str = "customer") -> ibis.Table:
        """Per stage of a declared journey: time in stage against its target, rework, time to the next stage."""
        from parcours.journeys.durations import stage_durations

        return stage_durations(self.events, self.journey(name), by=by)

    def stage_sequences(self, name: str | None = None, *, by: str = "customer") -> ibis.Table:
        """Each customer's (or case's) visits to a declared journey's stages, in time order."""
        from parcours.journeys.definitions import stage_sequences

        return stage_sequences(self.events, self.journey(name), by=by)

    def funnel_customers(self, steps: list[str], step: int, *, status: str = "dropped", window: str | None = "14d",
                         order: str = "ordered", by: str = "customer", exclusions: list | tuple = ()) -> ibis.Table:
        """The customers who entered, converted after, or dropped at one step of a funnel."""
        from parcours.journeys.funnels import funnel_customers

        return funnel_customers(self.con, steps, step, status=status, window=window, order=order, by=by,
                                exclusions=exclusions)

    # Voice of the customer (parcours.voice)

    def survey_metrics(self, by: str | list[str] | None = None, *, period: str | None = None,
                       metrics: list[str] | tuple[str, ...] = ("nps", "csat", "ces", "ces_easy"),
                       settings=None, confidence: float = 0.95, min_responses: int = 30,
                       alpha: float = 0.05, journey: str | None = None) -> ibis.Table:
        """NPS, CSAT and CES with intervals and counts, by feedback/customer/case columns and period.

        See :func:`parcours.voice.surveys.survey_metrics`; ``by`` may name ``segment`` or ``region``
        (from customers), ``team``, ``category``… (from the case answered about), and ``stage``,
        ``event_activity``, ``event_channel`` or ``linked_by`` (from the touchpoint each answer is
        linked to, see :meth:`link_feedback`; ``stage`` in ``journey``, the first declared by default).
        """
        from parcours.voice.surveys import LINKED_DIMS, feedback_dimensions, survey_metrics

        keys = [by] if isinstance(by, str) else list(by or [])
        base = None
        if set(keys) & set(LINKED_DIMS):
            name = journey if journey is not None or "stage" not in keys else self.journey().name
            base = self.link_feedback(name)
        return survey_metrics(feedback_dimensions(self.con, by, base=base), by=by, period=period, metrics=metrics,
                              settings=settings, confidence=confidence, min_responses=min_responses, alpha=alpha)

    def link_feedback(self, journey: str | None = None, *, window: str = "7d", touchpoints: dict | None = None,
                      touchpoint_window: str | None = "90d") -> ibis.Table:
        """Each feedback row with the touchpoint it is about (by case, declared touchpoint or last event).

        With ``journey``, the touchpoint's stage in that declared journey. See
        :func:`parcours.voice.linking.link_feedback`; unlinked rows stay, with a reason.
        """
        from parcours.voice.linking import link_feedback

        return link_feedback(self.table("feedback"), self.events,
                             journey=self.journey(journey) if journey is not None else None, window=window,
                             touchpoints=touchpoints, touchpoint_window=touchpoint_window)

    def emotion_curve(self, journey: str | None = None, *, by: str | None = None, analyzer=None,
                      window: str = "7d", touchpoints: dict | None = None, cache: bool = True, **options: Any):
        """The emotion curve of a declared journey (the first one by default): an ``EmotionCurve``.

        Feedback is linked to its stage, its text scored by ``analyzer`` (built-in by default; cached
        under ``.parcours/voice_cache``), then summarised per stage; ``by`` breaks it down (a feedback
        or customers column, ``loyalty``, ``value_tier``, ``persona``). See :mod:`parcours.voice.curve`.
        """
        from parcours.voice.cache import DEFAULT_CACHE_DIR
        from parcours.voice.curve import emotion_curve, score_feedback, with_breakdown

        j = self.journey(journey)
        linked = self.link_feedback(j.name, window=window, touchpoints=touchpoints).to_pandas()
        if by is not None:
            linked = with_breakdown(self, linked, by)
        scored = score_feedback(linked, analyzer, cache=self.root / DEFAULT_CACHE_DIR if cache else None)
        return emotion_curve(scored, j, by=by, **options)

    # Customer intelligence (parcours.customers): features, tiers, retention, personas

    def features(self, *, as_of: Any = None) -> ibis.Table:
        """One row of features per customer, from rows strictly before ``as_of`` (see parcours.customers.features)."""
        from parcours.customers.features import customer_features

        return customer_features(self, as_of=as_of)

    def tiers(self, *, as_of: Any = None) -> ibis.Table:
        """Each customer's loyalty level and value tier as of a date (rules in ``customers.tiers``)."""
        from parcours.customers.tiers import customer_tiers

        return customer_tiers(self, as_of=as_of)

    def tier_movements(self, start: Any, end: Any, *, kind: str = "loyalty") -> ibis.Table:
        """Customers moving between tiers from ``start`` to ``end`` (upgrades, downgrades, new)."""
        from parcours.customers.tiers import tier_movements

        return tier_movements(self, start, end, kind=kind)

    def retention(self, *, period: str = "week", horizon: int = 12, kind: str = "first_time",
                  activity: Any = None, start_activity: Any = None, rolling: bool = False,
                  breakdown: str | None = None, labels: Any = None, confidence: float = 0.95) -> ibis.Table:
        """Cohort retention with a Wilson band (see parcours.customers.retention.cohort_retention)."""
        from parcours.customers.retention import cohort_retention

        return cohort_retention(self, period=period, horizon=horizon, kind=kind, activity=activity,
                                start_activity=start_activity, rolling=rolling, breakdown=breakdown, labels=labels,
                                confidence=confidence)

    def lifecycle(self, *, period: str = "month", activity: Any = None) -> ibis.Table:
        """New, returning, resurrecting and dormant customers per period."""
        from parcours.customers.retention import lifecycle

        return lifecycle(self, period=period, activity=activity)

    def personas(self, *, as_of: Any = None, k: int | None = None, seed: int | None = None,
                 churn_column: str | None = None, churn: pd.DataFrame | None = None, lang: str = "en"):
        """Personas from clustering the customer features, with one card each (a ``Personas``; names in ``lang``)."""
        from parcours.customers.personas import find_personas

        overrides: dict[str, Any] = {}
        if k is not None:
            overrides["k"] = k
        if seed is not None:
            overrides["seed"] = seed
        return find_personas(self, as_of=as_of, config=overrides or None, churn_column=churn_column, churn=churn,
                             lang=lang)

    def success(self, journey: str | None = None, *, as_of: Any = None) -> ibis.Table:
        """Each customer's success criteria status (met / at risk / missed) for a journey that declares them."""
        from parcours.customers.success import success_status

        return success_status(self, journey, as_of=as_of)

    # Health scores and churn risk (parcours.customers.health, parcours.customers.churn)

    def health(self, as_of: Any = None) -> pd.DataFrame:
        """Each customer's health (0-100), band, trend since ``health.period`` before and the measures that moved it."""
        from parcours.customers.health import health

        return health(self, as_of=as_of)

    def health_scores(self, *, as_of: Any = None) -> ibis.Table:
        """Health scores as of a date, lazily in the engine (no trend); see parcours.customers.health."""
        from parcours.customers.health import health_scores

        return health_scores(self, as_of=as_of)

    def at_risk(self, *, as_of: Any = None, top: int = 3) -> pd.DataFrame:
        """Customers who can still churn, by value at risk (calibrated probability × yearly value), with reasons."""
        from parcours.customers.health import at_risk

        return at_risk(self, as_of=as_of, top=top)

    def churn_history(self) -> pd.DataFrame:
        """Training rows of the churn model: features as of past dates, labelled by a churn within the horizon."""
        from parcours.customers.churn import churn_snapshots

        c = self.config.health.churn
        return churn_snapshots(self, activities=c.activities, horizon=c.horizon, step=c.step, snapshots=c.snapshots,
                               active_within=c.active_within, buyers_only=c.buyers_only, max_rows=c.max_rows,
                               definition=c.definition)

    def evaluate_churn(self, *, folds: int = 5, seed: int = 0, model: Any = None):
        """Cross-validate the churn model on the history (a customer's snapshots stay in one fold).

        Returns (``Evaluation``, info about the training rows).
        """
        from parcours.customers.churn import cross_validate, snapshot_matrix

        snap = self.churn_history()
        ev = cross_validate(snapshot_matrix(snap), snap.churned.to_numpy(), model=model, folds=folds, seed=seed,
                            groups=snap.customer_id.to_numpy())
        c = self.config.health.churn
        return ev, {"snapshots": int(snap.as_of.nunique()), "customers": int(snap.customer_id.nunique()),
                    "horizon": c.horizon, "activities": list(c.activities)}


@dataclass
class Customer360:
    """One customer seen whole: profile, identities, and the cross-channel timeline."""

    customer_id: str
    profile: dict[str, Any]
    identities: pd.DataFrame
    timeline: pd.DataFrame


_PM4PY = {"case:concept:name", "concept:name", "time:timestamp"}


def default_mapping(table: str, path: Path) -> Mapping:
    """The mapping used when none is given: canonical names, identifier kinds, or an event log."""
    fmt = detect_format(path)
    if fmt == "xes":
        cols = None
    else:
        from parcours.ingest.columns import source_columns

        cols = source_columns(path, fmt)
    if table == "events" and (cols is None or _PM4PY <= set(cols)):
        columns = {"activity": "concept:name", "timestamp": "time:timestamp", "case_id": "case:concept:name"}
        if cols is None or "org:resource" in cols:
            columns["agent"] = "org:resource"
        return mapping_from_dict({"table": "events", "source": path.name.split(".")[0], "columns": columns,
                                  "identifiers": {"case": "case:concept:name"}, "keep_identical_rows": True},
                                 where=path)
    assert cols is not None
    kinds = {"customer_id": "customer_id", "email": "email", "phone": "phone", "cookie": "cookie",
             "crm_id": "crm_id", "loyalty_card": "loyalty_card", "device_id": "device_id",
             "account_id": "account_id"}
    identifiers = {k: c for c, k in kinds.items() if c in cols}
    columns = {c: c for c in CANONICAL_COLUMNS[table] if c in cols}
    if not identifiers:
        raise IngestError(
            f"{path}: no mapping given and no identifier column found (looked for "
            f"{', '.join(kinds)}); columns: {', '.join(cols)}. Pass --map mapping.yaml")
    try:
        return mapping_from_dict({"table": table, "columns": columns, "identifiers": identifiers},
                                 where=f"{path} (automatic mapping)")
    except ConfigError as exc:
        raise IngestError(f"{exc}. Pass --map mapping.yaml") from None


def open(path: str | Path = ".") -> Workspace:  # noqa: A001 - the API's verb, as in parcours.open(DIR)
    """Open the workspace in folder ``path`` (which holds ``parcours.yaml``)."""
    root = Path(path)
    cfg = root / CONFIG_FILE
    if not cfg.exists():
        raise WorkspaceError(f"{root.resolve()}: no {CONFIG_FILE} here; create one with `parcours init {path}`")
    return Workspace(root, load_config(cfg))


def init(path: str | Path, scenario: str = "empty", data: str | Path | None = None,
         overwrite: bool = False) -> Workspace:
    """Create a workspace in ``path`` with a documented ``parcours.yaml``.

    ``scenario`` is ``retail``, ``saas`` or ``empty``; ``retail`` and ``saas`` declare the demo
    companies' journeys. With ``data`` (a folder written by ``parcours synth``), its exports are
    declared as sources.
    """
    if scenario not in SCENARIOS:
        raise ConfigError(f"unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}")
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    cfg_path = root / CONFIG_FILE
    if cfg_path.exists() and not overwrite:
        raise ConfigError(f"{cfg_path}: already exists; use --force to overwrite it")
    config = WorkspaceConfig(name=root.resolve().name)
    if scenario == "retail":
        config.timezone = "Europe/Paris"
        config.report.title = "Glisse & Co: customer experience"
    from parcours.journeys.definitions import scenario_journeys

    config.journeys = scenario_journeys(scenario)  # the demo companies' journeys, on their activity names
    if scenario == "retail":  # what Glisse & Co's customers look at: product categories (SKU prefix) and searches
        config.customers.personas.interests = [
            {"property": "product_sku", "name": "category", "pattern": "^([A-Z]+)-", "labels": RETAIL_CATEGORIES},
            {"property": "search_term"},
            # what they bought (every SKU of an order's articles), pooled with what they viewed
            {"property": "articles", "name": "category", "pattern": "([A-Z]+)-[0-9]+", "all_matches": True,
             "labels": RETAIL_CATEGORIES}]
        config.customers.tiers.loyalty = {  # ski gear is bought a few times a year, not every week
            "period": "365d", "window": "365d", "levels": [
                {"name": "Silver", "min_per_period": 2, "benefits": "Free delivery"},
                {"name": "Gold", "min_per_period": 3, "benefits": "Free delivery, free ski servicing"},
                {"name": "Platinum", "more_than": 3, "benefits": "Free delivery, free servicing, a dedicated advisor"}]}
        # a shop's health is its buyers' recency and frequency (RFM) and what they lived (support contacts
        # are rare here: scored, they lifted nearly everyone out of red); a ski shop's buying cycle is a
        # year: a buyer without a purchase for a year has lapsed
        config.health.measures = [
            {"name": "Recent purchase", "feature": "recency_days", "weight": 2, "direction": "lower_is_better"},
            {"name": "Purchases", "feature": "frequency", "weight": 2},
            {"name": "Recent activity", "feature": "days_since_last_event", "weight": 1, "direction": "lower_is_better"},
            {"name": "Satisfaction", "feature": "feedback_score", "weight": 1, "method": "thresholds",
             "bounds": [0.3, 0.8]},
            {"name": "Things gone wrong", "feature": "bad_outcomes", "weight": 1, "method": "thresholds",
             "bounds": [0, 2], "direction": "lower_is_better"}]
        config.health.churn.horizon = "365d"
        config.health.churn.active_within = "365d"
    if scenario == "saas":  # what Planeo's accounts use it for: the features they use
        config.customers.personas.interests = [
            {"property": "feature", "activities": ["feature_used"], "labels": SAAS_FEATURES}]
    if data is not None:
        config.sources = _sources_from_manifest(root, Path(data))
    cfg_path.write_text(render_config(config), encoding="utf-8")
    return Workspace(root, config)


def _sources_from_manifest(root: Path, data: Path) -> list[SourceConfig]:
    import os

    import yaml

    manifest = data / "sources.yaml"
    if not manifest.exists():
        raise ConfigError(f"{manifest}: not found; --data expects a folder written by `parcours synth`")
    items = (yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}).get("sources", [])

    def rel(p: str) -> str:
        return os.path.relpath((data / p).resolve(), root.resolve())

    return [SourceConfig(name=i["name"], path=rel(i["path"]), mapping=rel(i["mapping"])) for i in items]
