"""Workspace configuration (``parcours.yaml``) and source mappings, as pydantic models.

A workspace is a folder a team keeps in git, like a dbt project: ``parcours.yaml`` says where the
warehouse is, which source exports to ingest and how their columns map to the canonical schema.
Every setting has a documented default; a wrong key or type raises :class:`ConfigError` naming the
file, the key path and what is allowed.

>>> m = Mapping.model_validate({"table": "events", "columns": {"timestamp": "ts", "activity": "a"},
...                             "identifiers": {"email": "mail"}})
>>> m.table, m.columns["timestamp"]
('events', 'ts')
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from parcours.errors import ConfigError
from parcours.schema import CANONICAL_COLUMNS, REQUIRED_COLUMNS, TABLES

CONFIG_FILE = "parcours.yaml"
DEFAULT_WAREHOUSE_URL = "duckdb:///.parcours/warehouse.duckdb"
Format = Literal["csv", "parquet", "jsonl", "xes", "sql"]
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def _check_timezone(value: str | None) -> str | None:
    if value is None:
        return value
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as 'UTC' or 'Europe/Paris'"
        ) from None
    return value


class CsvOptions(_Model):
    """How to read a delimited text file (every option is detected when left unset)."""

    delimiter: str | None = Field(None, description="Field separator, e.g ',' or ';' (detected when unset).")
    header: bool = Field(True, description="Whether the first line holds the column names.")
    quote: str | None = Field(None, description="Quote character (detected when unset).")
    escape: str | None = Field(None, description="Escape character inside quotes (detected when unset).")
    encoding: Literal["utf-8", "utf-16", "latin-1"] = Field("utf-8", description="Text encoding of the file.")
    skip: int = Field(0, ge=0, description="Lines to skip before the header.")


class SqlOptions(_Model):
    """Where to read a source that is a table of another database reachable by Ibis."""

    url: str = Field(..., description="Ibis connection URL, e.g. 'postgres://user@host/db' or 'duckdb:///crm.duckdb'.")
    table: str = Field(..., description="Table (or view) to read.")
    order_by: list[str] = Field(default_factory=list, description="Columns giving the source's row order (the `seq` tie-breaker).")


class Mapping(_Model):
    """How one source export maps onto a canonical table (see DESIGN.md section 2)."""

    table: Literal["events", "customers", "feedback", "cases"] = Field(
        ..., description="Canonical table the rows go to."
    )
    format: Format | None = Field(None, description="File format; taken from the file extension when unset.")
    source: str | None = Field(None, description="Source name recorded with every row (default: the file name without extension).")
    csv: CsvOptions = Field(default_factory=CsvOptions, description="Reader options for CSV files.")
    sql: SqlOptions | None = Field(None, description="For format 'sql': the database table to read.")
    timezone: str | None = Field(None, description="IANA zone of timestamps written without offset (default: the workspace's).")
    timestamp_format: str | None = Field(
        None,
        description="strptime format of the timestamp columns (e.g. '%d/%m/%Y %H:%M'), or 'epoch_s' / 'epoch_ms'; unset = ISO 8601 (offsets honoured).",
    )
    columns: dict[str, str] = Field(default_factory=dict, description="Canonical column: source column.")
    constants: dict[str, str | int | float | bool] = Field(default_factory=dict, description="Canonical column: a constant value for every row.")
    identifiers: dict[str, str] = Field(
        default_factory=dict,
        description="Identifier kind (email, phone, cookie, crm_id, loyalty_card, …): source column. A row needs at least one.",
    )
    activities: list[str] | None = Field(None, description="Allowed activities; rows with another activity are quarantined.")
    properties: list[str] | None = Field(None, description="Source columns kept as JSON properties (default: every unmapped column); empty values are left out.")
    keep_identical_rows: bool = Field(
        False,
        description="Identical rows in one file are distinct events (event logs); by default they are export duplicates, stored once.",
    )

    _check_tz = field_validator("timezone")(classmethod(lambda cls, v: _check_timezone(v)))

    @model_validator(mode="after")
    def _check_columns(self) -> "Mapping":
        allowed = CANONICAL_COLUMNS[self.table]
        for where, keys in (("columns", self.columns), ("constants", self.constants)):
            for key in keys:
                if key not in allowed:
                    raise ValueError(
                        f"{where}.{key}: {key!r} is not a column of table {self.table!r}; "
                        f"allowed: {', '.join(allowed)}"
                    )
        for kind in self.identifiers:
            if not _KIND.match(kind):
                raise ValueError(f"identifiers.{kind}: an identifier kind is a lowercase name such as 'email'")
        missing = [c for c in REQUIRED_COLUMNS[self.table] if c not in self.columns and c not in self.constants]
        if missing:
            raise ValueError(
                f"table {self.table!r} needs {', '.join(missing)} mapped under 'columns' (or set under 'constants')"
            )
        if not self.identifiers:
            raise ValueError("'identifiers' is empty: map at least one customer identifier column, e.g. {email: mail}")
        if self.format == "sql" and self.sql is None:
            raise ValueError("format 'sql' needs a 'sql' section with 'url' and 'table'")
        return self


class SourceConfig(_Model):
    """A source export declared in the workspace: ingested by ``parcours ingest`` with no argument."""

    name: str = Field(..., description="Source name (used in ingestion records and row provenance).")
    path: str | None = Field(
        None, description="File path or glob, relative to the workspace folder (or absolute); not needed when the "
                          "mapping reads a database table (format 'sql').")
    mapping: str | None = Field(None, description="Path of the mapping YAML file, relative to the workspace folder.")
    map: Mapping | None = Field(None, description="The mapping inline, instead of a mapping file.")

    @model_validator(mode="after")
    def _one_mapping(self) -> "SourceConfig":
        if (self.mapping is None) == (self.map is None):
            raise ValueError(f"source {self.name!r}: give exactly one of 'mapping' (a file) or 'map' (inline)")
        if self.path is None and self.map is not None and self.map.format != "sql":
            raise ValueError(f"source {self.name!r}: give its 'path' (only a database table, format 'sql', has none)")
        return self


class WarehouseConfig(_Model):
    """Where the canonical tables live: any Ibis connection URL."""

    url: str = Field(
        DEFAULT_WAREHOUSE_URL,
        description="Ibis URL. Default: a DuckDB file in the workspace. Others: 'pyspark://' (or 'pyspark://DATABASE'), 'postgres://user@host/db', …",
    )
    threads: int | None = Field(None, ge=1, description="Threads for the embedded DuckDB engine (default: all cores).")
    memory_limit: str | None = Field(None, description="Memory cap for the embedded DuckDB engine, e.g. '4GB' (default: DuckDB's 80 % of RAM).")


class IdentityConfig(_Model):
    """How identifiers are normalised and stitched into one customer."""

    default_country_code: str = Field(
        "33", pattern=r"^[0-9]{1,3}$",
        description="Country calling code for national phone numbers starting with 0 (33 = France: 06… → +336…).",
    )


class ReportConfig(_Model):
    """The self-contained HTML report."""

    title: str = Field("Customer experience report", description="Title at the top of the report.")
    lang: Literal["en", "fr"] = Field("en", description="Language of the report: 'en' or 'fr'.")


_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_DURATION_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_DURATION_HINT = "write a number and a unit, s, m, h, d or w (e.g. '30d', '12h', '90m')"
_CHAR_CLASS = re.compile(r"\[[^\]]+\]")


def parse_duration(text: str | timedelta) -> timedelta:
    """A duration written as a number and a unit, ``s``, ``m``, ``h``, ``d`` or ``w``: ``"30d"``, ``"12h"``.

    Conversion windows and target durations are written this way in ``parcours.yaml``.

    >>> parse_duration("36h")
    datetime.timedelta(days=1, seconds=43200)
    >>> parse_duration("1.5w").days
    10
    """
    if isinstance(text, timedelta):
        return text
    match = _DURATION.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise ConfigError(f"{text!r} is not a duration: {_DURATION_HINT}")
    return timedelta(seconds=float(match.group(1)) * _DURATION_SECONDS[match.group(2)])


def _check_duration(value: Any) -> str | None:
    """A validator's view of :func:`parse_duration`: the value kept as written, if positive."""
    if value is None:
        return value
    try:
        parsed = parse_duration(value)
    except ConfigError:
        raise ValueError(f"not a duration: {_DURATION_HINT}") from None
    if parsed <= timedelta(0):
        raise ValueError("a duration must be longer than zero")
    return value.strip()


def _check_pattern(value: str | None) -> str | None:
    if value is None:
        return value
    if not value:
        raise ValueError("empty pattern: write a name, or a glob such as 'checkout_*'")
    if _CHAR_CLASS.search(value):
        raise ValueError("character classes such as '[abc]' are not supported: use * (any text) and ? (one character)")
    return value


class TouchpointConfig(_Model):
    """A touchpoint: the events whose activity, and channel if given, match a name or a glob pattern.

    In YAML a touchpoint is a plain string (an activity pattern, on any channel) or a mapping
    ``{activity: …, channel: …}``. Patterns know ``*`` (any text) and ``?`` (one character); every
    other character, ``%`` and ``_`` included, stands for itself.
    """

    activity: str = Field("*", description="Activity name or glob pattern (* any text, ? one character), e.g. 'checkout_*'.")
    channel: str | None = Field(None, description="Channel name or glob pattern; unset: any channel, also events without one.")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"activity": data} if isinstance(data, str) else data

    _check_patterns = field_validator("activity", "channel")(classmethod(lambda cls, v: _check_pattern(v)))

    @model_serializer(mode="wrap")
    def _as_string(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Written back as a plain string when it has no channel (the YAML shorthand)."""
        return self.activity if self.channel is None else handler(self)


class StageConfig(_Model):
    """A journey stage ("étape"): the touchpoints whose events put a customer in it."""

    name: str = Field(..., min_length=1, description="Stage name, unique in its journey (e.g. 'discovery').")
    touchpoints: list[TouchpointConfig] = Field(
        ..., min_length=1, description="Touchpoints of the stage: activity patterns, or {activity, channel} patterns."
    )
    target_duration: str | None = Field(
        None, description="How long a customer should stay in the stage (until the next stage), e.g. '2d'; unset: no target."
    )

    _check_target = field_validator("target_duration", mode="before")(classmethod(lambda cls, v: _check_duration(v)))

    @property
    def target(self) -> timedelta | None:
        """``target_duration`` as a timedelta (None when unset)."""
        return None if self.target_duration is None else parse_duration(self.target_duration)


class SuccessCriterion(_Model):
    """One thing a customer must have done within the journey's success window."""

    name: str = Field(..., min_length=1, description="Criterion name shown in reports, e.g. 'Logins'.")
    activities: list[str] = Field(
        ..., min_length=1, description="Activities that count (names or globs such as 'feature_*').")
    at_least: float = Field(..., gt=0, description="How many are needed: events, distinct values, or the share of seats (0-1).")
    count: Literal["events", "distinct", "share_of_seats"] = Field(
        "events", description="'events': matching events; 'distinct': distinct values of `property` (features "
                              "adopted); 'share_of_seats': matching events (e.g. users activated) over the seats bought.")
    property: str | None = Field(None, description="Key of the events' properties whose distinct values count ('distinct').")

    @model_validator(mode="after")
    def _consistent(self) -> "SuccessCriterion":
        if self.count == "distinct" and not self.property:
            raise ValueError(f"criterion {self.name!r}: count 'distinct' needs property: the key whose values count")
        if self.count == "share_of_seats" and self.at_least > 1:
            raise ValueError(f"criterion {self.name!r}: a share of seats is at most 1 (0.5 = half the seats)")
        return self


class SuccessConfig(_Model):
    """Success from the customer's side: what they must have done within a time of entering the journey."""

    within: str = Field(..., description="Time from entering the journey to meet every criterion, e.g. '30d'.")
    criteria: list[SuccessCriterion] = Field(..., min_length=1, description="All must be met in time.")

    _check_within = field_validator("within", mode="before")(classmethod(lambda cls, v: _check_duration(v)))


class JourneyConfig(_Model):
    """A customer journey ("parcours"): stages of touchpoints, their ideal order, a conversion window.

    Customers do not follow it in line: they go back, skip, loop and enter late; the ideal order is
    what the journey was designed to be, and what real sequences are compared with.
    """

    name: str = Field(..., min_length=1, description="Journey name, unique in the workspace (e.g. 'purchase').")
    description: str = Field("", description="What the journey covers, for the people who read the reports.")
    stages: list[StageConfig] = Field(
        ..., min_length=1,
        description="Stages; an event that matches touchpoints of several stages belongs to the first one listed.",
    )
    ideal_order: list[str] | None = Field(
        None,
        description="The designed order of the stages (default: as listed); stages left out are off the ideal path.",
    )
    conversion_window: str | None = Field(
        None, description="Time from entering the first stage to reach the last of the ideal order, e.g. '30d'; unset: no limit."
    )
    success: SuccessConfig | None = Field(
        None, description="Success criteria from the customer's side (e.g. within 30 days: half the seats used, "
                          "3 features adopted, 10 logins); each customer is met, at risk or missed.")

    _check_window = field_validator("conversion_window", mode="before")(classmethod(lambda cls, v: _check_duration(v)))

    @field_validator("stages")
    @classmethod
    def _unique_stages(cls, stages: list[StageConfig]) -> list[StageConfig]:
        names = [s.name for s in stages]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"stage names must be unique; listed more than once: {', '.join(twice)}")
        return stages

    @field_validator("ideal_order")
    @classmethod
    def _known_stages(cls, order: list[str] | None, info: ValidationInfo) -> list[str] | None:
        stages = info.data.get("stages")
        if order is None or stages is None:  # no order, or stages already invalid (reported there)
            return order
        names = [s.name for s in stages]
        if not order:
            raise ValueError("empty: list stage names, or leave it unset for the order the stages are listed in")
        unknown = [n for n in order if n not in names]
        if unknown:
            raise ValueError(f"unknown stage {', '.join(map(repr, unknown))}; the journey's stages: {', '.join(names)}")
        twice = sorted({n for n in order if order.count(n) > 1})
        if twice:
            raise ValueError(f"each stage appears once; listed more than once: {', '.join(twice)}")
        return order

    @property
    def order(self) -> list[str]:
        """Every stage name: the ideal order, then the stages off the ideal path as listed.

        A stage's ``stage_index`` in sequences is its position here.
        """
        ideal = self.ideal_order or [s.name for s in self.stages]
        return ideal + [s.name for s in self.stages if s.name not in ideal]

    @property
    def window(self) -> timedelta | None:
        """``conversion_window`` as a timedelta (None when unset)."""
        return None if self.conversion_window is None else parse_duration(self.conversion_window)


class FeaturesConfig(_Model):
    """Which events count as what when parcours builds one row of features per customer."""

    purchase_activities: list[str] | None = Field(
        None, description="Activities counted as purchases (frequency, spend); unset: every event with a positive "
                          "value whose activity does not say it failed, was refunded, cancelled or returned.")
    login_activities: list[str] = Field(["login", "app_open"], description="Activities counted as logins (product use).")
    feature_activities: list[str] = Field(
        ["feature_used"], description="Activities that record the use of a product feature (features adopted).")
    feature_property: str = Field("feature", description="Key of the events' properties naming the feature used.")
    user_activities: list[str] = Field(
        ["user_activated"], description="Activities that record a new active user of an account (seat use).")
    seats_key: str = Field(
        "seats", description="Key holding the licences bought, in the customers' attributes or the events' "
                             "properties (the latest value counts).")
    repeat_contact_activities: list[str] = Field(
        ["customer_recontact", "reopened"], description="Activities that are a customer coming back on the same need.")
    max_channels: int = Field(8, ge=1, description="Channel shares are computed for the busiest channels, at most this many.")
    failure_words: list[str] = Field(
        ["fail", "error", "declin", "reject"],
        description="Words (or word starts) in an activity name that say a step failed (`data_import_failed`, "
                    "`payment_declined`). The words before it name what failed; a later event whose name starts "
                    "with those words and says no failure (`data_import_completed`) resolves it.")
    bad_outcome_words: list[str] = Field(
        ["late", "retard", "delay", "fail", "echec", "error", "declin", "reject", "refus", "lost", "perdu",
         "damag", "endommag", "cancel", "annul"],
        description="Words found in an event's outcome when it went wrong for the customer (a delivery "
                    "`en_retard`, a payment `declined`); such events are counted per customer as `bad_outcomes`.")


class LoyaltyLevel(_Model):
    """A loyalty level: purchases per period at least ``min_per_period`` (or more than ``more_than``)."""

    name: str = Field(..., min_length=1, description="Level name, e.g. 'Gold'.")
    min_per_period: float | None = Field(None, ge=0, description="Purchases per period needed (inclusive).")
    more_than: float | None = Field(None, ge=0, description="Purchases per period to exceed (exclusive), instead of min_per_period.")
    benefits: str = Field("", description="What the level gives, shown in reports.")

    @model_validator(mode="after")
    def _one_threshold(self) -> "LoyaltyLevel":
        if (self.min_per_period is None) == (self.more_than is None):
            raise ValueError(f"level {self.name!r}: give exactly one of min_per_period or more_than")
        return self

    @property
    def threshold(self) -> tuple[float, bool]:
        """(threshold, inclusive)."""
        return (self.min_per_period, True) if self.min_per_period is not None else (self.more_than, False)


class LoyaltyTiers(_Model):
    """Loyalty levels by purchase frequency over a recent window (the seeds' Silver / Gold / Platinum)."""

    period: str = Field("7d", description="The period frequencies are counted per (e.g. '7d': orders a week).")
    window: str = Field("28d", description="How far back purchases are counted; the rate is purchases / (window / period).")
    base: str = Field("Member", min_length=1, description="Level of customers below every threshold.")
    levels: list[LoyaltyLevel] = Field(
        default_factory=lambda: [
            {"name": "Silver", "min_per_period": 2, "benefits": "Free delivery"},
            {"name": "Gold", "min_per_period": 4, "benefits": "Free delivery, priority support"},
            {"name": "Platinum", "more_than": 4, "benefits": "Free delivery, priority support, a dedicated advisor"},
        ], validate_default=True,
        description="Levels from lowest to highest; a customer gets the highest level whose threshold is met.")

    _check_durations = field_validator("period", "window", mode="before")(classmethod(lambda cls, v: _check_duration(v)))

    @field_validator("levels")
    @classmethod
    def _unique_levels(cls, levels: list[LoyaltyLevel]) -> list[LoyaltyLevel]:
        names = [lv.name for lv in levels]
        if len(set(names)) != len(names):
            raise ValueError(f"level names must be unique: {', '.join(names)}")
        return levels


class ValueLevel(_Model):
    """A value tier: spend at least ``min_spend`` (thresholds), or among the top ``top_share`` (quantiles)."""

    name: str = Field(..., min_length=1, description="Tier name, e.g. 'High'.")
    min_spend: float | None = Field(None, description="Spend needed over the window (thresholds method).")
    top_share: float | None = Field(None, gt=0, le=1, description="Share of customers, best spenders first (quantiles method).")
    benefits: str = Field("", description="What the tier gives, shown in reports.")


class ValueTiers(_Model):
    """Value tiers by spend: thresholds (``min_spend``) or quantiles (``top_share``)."""

    window: str | None = Field("365d", description="How far back spend is summed; null: all history.")
    base: str = Field("Low", min_length=1, description="Tier of customers below every level (or outside every top share).")
    levels: list[ValueLevel] = Field(
        default_factory=lambda: [{"name": "High", "top_share": 0.2, "benefits": "Personal account manager"},
                                 {"name": "Medium", "top_share": 0.5, "benefits": "Early access to sales"}],
        validate_default=True,
        description="Levels from highest to lowest: all with min_spend, or all with top_share.")

    _check_window = field_validator("window", mode="before")(classmethod(lambda cls, v: _check_duration(v)))

    @field_validator("levels")
    @classmethod
    def _one_method(cls, levels: list[ValueLevel]) -> list[ValueLevel]:
        by_spend = [lv.min_spend is not None for lv in levels]
        by_share = [lv.top_share is not None for lv in levels]
        if not (all(by_spend) and not any(by_share)) and not (all(by_share) and not any(by_spend)):
            raise ValueError("every value level needs min_spend (thresholds), or every one top_share (quantiles), not both")
        names = [lv.name for lv in levels]
        if len(set(names)) != len(names):
            raise ValueError(f"level names must be unique: {', '.join(names)}")
        return levels

    @property
    def method(self) -> str:
        """'thresholds' or 'quantiles'."""
        return "quantiles" if self.levels and self.levels[0].top_share is not None else "thresholds"


class TiersConfig(_Model):
    """Rule-based tiers: loyalty levels by frequency and value tiers by spend."""

    loyalty: LoyaltyTiers = Field(default_factory=LoyaltyTiers, description="Loyalty levels by purchase frequency.")
    value: ValueTiers = Field(default_factory=ValueTiers, description="Value tiers by spend.")


class InterestConfig(_Model):
    """A property of the events that says what customers look at or buy (a product, a category, a search)."""

    property: str = Field(..., min_length=1, description="Key in the events' properties, e.g. 'product_sku'.")
    pattern: str | None = Field(
        None, description="Regular expression whose first group is kept (e.g. '^([A-Z]+)-' for a SKU's category); unset: the whole value.")
    activities: list[str] | None = Field(None, description="Only events with these activities; unset: every event having the property.")
    name: str | None = Field(
        None, description="Name of the interest in persona features; interests with the same name are pooled (e.g. categories viewed and bought). Unset: the property.")
    all_matches: bool = Field(
        False, description="Keep every match of the pattern in the value, not only the first (e.g. each SKU of an order's list of articles).")
    labels: dict[str, str] = Field(
        default_factory=dict, description="Readable names of values, e.g. {SNB: snowboards}, used in persona names and cards.")

    @field_validator("pattern")
    @classmethod
    def _one_group(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                groups = re.compile(value).groups
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
            if groups < 1:
                raise ValueError("the pattern needs a group in parentheses: the part kept, e.g. '^([A-Z]+)-'")
        return value


class PersonasConfig(_Model):
    """Data-driven personas: clustering of the customer features."""

    k: int | None = Field(None, ge=2, description="Number of personas; unset: chosen within k_min..k_max by silhouette × stability (clusters both separated and found again on other customers).")
    k_min: int = Field(2, ge=2, description="Smallest number of personas tried.")
    k_max: int = Field(8, ge=2, description="Largest number of personas tried.")
    seed: int = Field(0, description="Random seed: the same seed gives the same personas.")
    features: list[str] | None = Field(
        None, description="Feature columns clustered, exactly; unset: every numeric feature, less the intensity and sparse ones (below).")
    intensity: bool = Field(
        False, description="Also cluster on how much customers do (events, orders, spend, contacts, tenure); off: personas say what customers do and how, activity and value describe them on the cards.")
    min_known: float = Field(
        0.5, ge=0, le=1, description="Features known for fewer than this share of customers (an NPS answer) are described, not clustered: filling the rest would make 'answered' a persona.")
    min_events: int = Field(
        20, ge=0, description="Personas are learned from the customers with at least this many events (if under 200 have that many: the more active half), then every customer is assigned; 0: learned from all.")
    interests: list[InterestConfig] = Field(
        default_factory=list, description="Properties whose values' shares describe what customers are interested in (clustered too).")
    max_interest_values: int = Field(30, ge=1, description="Per interest, the most frequent values kept as features.")
    interest_prior: float = Field(
        1.0, ge=0, description="Each customer's interest shares start from everyone's mix, counted as this many events: one view is not a 100 % interest (0: raw shares).")
    sample: int = Field(200_000, ge=1000, description="Customers the model is fitted on when there are more (all are assigned).")


class CustomersConfig(_Model):
    """Customer intelligence: features, tiers, personas."""

    features: FeaturesConfig = Field(default_factory=FeaturesConfig, description="What events count as purchases, logins, features, seats.")
    tiers: TiersConfig = Field(default_factory=TiersConfig, description="Loyalty levels and value tiers.")
    personas: PersonasConfig = Field(default_factory=PersonasConfig, description="Clustering of customers into personas.")


class HealthMeasure(_Model):
    """One measure of a health scorecard: a customer feature normalised to 0-100."""

    name: str = Field(..., min_length=1, description="Measure name shown in reports, e.g. 'Seat use'.")
    feature: str = Field(..., min_length=1, description="Column of the customer features (see `parcours.customers.features`).")
    weight: float = Field(1.0, gt=0, description="Relative weight in the overall score (re-weighted over the measures a customer has).")
    method: Literal["percentiles", "thresholds"] = Field(
        "percentiles", description="'percentiles': rank among the customers on that date; 'thresholds': linear between `bounds`.")
    direction: Literal["higher_is_better", "lower_is_better"] = Field(
        "higher_is_better", description="Whether a higher feature value is healthier.")
    bounds: tuple[float, float] | None = Field(
        None, description="[low, high] for 'thresholds': low scores 0 and high 100 (reversed when lower is better), clipped.")

    @model_validator(mode="after")
    def _bounds(self) -> "HealthMeasure":
        if self.method == "thresholds":
            if self.bounds is None:
                raise ValueError(f"measure {self.name!r}: method 'thresholds' needs bounds: [low, high]")
            if not self.bounds[0] < self.bounds[1]:
                raise ValueError(f"measure {self.name!r}: bounds must be [low, high] with low < high")
        return self


class HealthBands(_Model):
    """Colour bands of the overall health score."""

    red_below: float = Field(40.0, ge=0, le=100, description="Scores below this are red.")
    green_from: float = Field(70.0, ge=0, le=100, description="Scores from this up are green (yellow in between).")

    @model_validator(mode="after")
    def _order(self) -> "HealthBands":
        if self.red_below > self.green_from:
            raise ValueError("red_below must not exceed green_from")
        return self


class ChurnConfig(_Model):
    """How the churn model learns from the workspace's history."""

    activities: list[str] = Field(
        ["subscription.cancelled", "subscription_cancelled", "cancelled", "churned", "account_closed",
         "contract_terminated"], min_length=1,
        description="Activities that mean a customer left; the first one is the churn date.")
    definition: Literal["auto", "activity", "lapse"] = Field(
        "auto", description="What a churn is: 'activity' (one of the activities below: subscriptions), 'lapse' "
                            "(no purchase within the horizon: shops, no contract), 'auto' (activity if the history "
                            "has one, else lapse).")
    horizon: str = Field("180d", description="A customer counts as churning if a churn activity follows within this "
                                             "(or, for a lapse, if no purchase does).")
    step: str = Field("90d", description="Spacing of the past dates whose features the model learns from.")
    snapshots: int = Field(8, ge=1, description="How many past dates (each with its full horizon observed).")
    active_within: str = Field("180d", description="Customers without any event for this long are not scored (already gone).")
    buyers_only: bool = Field(True, description="Only customers who have bought (or paid) at least once can churn; "
                                                "false: every customer seen, e.g. free users.")
    max_rows: int = Field(200_000, ge=1000, description="Training rows kept at most (whole customers drawn at random, "
                                                        "seeded) so large histories train in minutes.")
    downstream: list[str] = Field(
        ["nps", "csat", "feedback_score", "sentiment"],
        description="Features that follow from what happened to a customer (how they feel about it). Churn reasons "
                    "credit what happened first (a failed import rather than the low NPS it caused) and these only "
                    "with what they add; probabilities are unchanged. Empty: plain contributions.")

    _check_durations = field_validator("horizon", "step", "active_within", mode="before")(
        classmethod(lambda cls, v: _check_duration(v)))


def _default_measures() -> list[dict[str, Any]]:
    return [
        {"name": "Recent activity", "feature": "days_since_last_event", "weight": 2, "direction": "lower_is_better"},
        {"name": "Engagement", "feature": "active_days", "weight": 1},
        {"name": "Seat use", "feature": "seats_used_share", "weight": 2, "method": "thresholds", "bounds": [0.3, 0.8]},
        {"name": "Feature adoption", "feature": "features_adopted", "weight": 1},
        {"name": "Support load", "feature": "support_contacts", "weight": 1, "method": "thresholds", "bounds": [0, 6],
         "direction": "lower_is_better"},
        {"name": "Satisfaction", "feature": "feedback_score", "weight": 1, "method": "thresholds", "bounds": [0.3, 0.8]},
    ]


class HealthConfig(_Model):
    """Health scores (a Gainsight-style scorecard) and the churn model."""

    measures: list[HealthMeasure] = Field(
        default_factory=_default_measures, validate_default=True, min_length=1,
        description="The scorecard: measures with weights; a customer's score is the weighted mean of the measures it has.")
    bands: HealthBands = Field(default_factory=HealthBands, description="Red / yellow / green cut-offs.")
    period: str = Field("30d", description="Trend: the score is compared with the one this long before.")
    churn: ChurnConfig = Field(default_factory=ChurnConfig, description="Learning churn from history.")

    _check_period = field_validator("period", mode="before")(classmethod(lambda cls, v: _check_duration(v)))

    @field_validator("measures")
    @classmethod
    def _unique_measures(cls, measures: list[HealthMeasure]) -> list[HealthMeasure]:
        names = [m.name for m in measures]
        if len(set(names)) != len(names):
            raise ValueError(f"measure names must be unique: {', '.join(names)}")
        return measures


class WorkspaceConfig(_Model):
    """Everything in ``parcours.yaml``."""

    version: Literal[1] = Field(1, description="Version of this file's format.")
    name: str = Field("parcours", description="Name of the workspace, shown in reports.")
    timezone: str = Field("UTC", description="Default IANA zone of source timestamps written without offset.")
    warehouse: WarehouseConfig = Field(default_factory=WarehouseConfig, description="Where the canonical tables live.")
    identity: IdentityConfig = Field(default_factory=IdentityConfig, description="Identity stitching.")
    report: ReportConfig = Field(default_factory=ReportConfig, description="The HTML report.")
    sources: list[SourceConfig] = Field(default_factory=list, description="Source exports ingested by `parcours ingest`.")
    journeys: list[JourneyConfig] = Field(
        default_factory=list,
        description="Customer journeys: named stages, each a list of touchpoints (activity and channel names or globs).",
    )
    customers: CustomersConfig = Field(default_factory=CustomersConfig,
                                       description="Customer intelligence: features, tiers.")
    health: HealthConfig = Field(default_factory=HealthConfig,
                                 description="Health scorecard, colour bands, trend period and the churn model.")

    _check_tz = field_validator("timezone")(classmethod(lambda cls, v: _check_timezone(v)))

    @field_validator("journeys")
    @classmethod
    def _unique_journeys(cls, journeys: list[JourneyConfig]) -> list[JourneyConfig]:
        names = [j.name for j in journeys]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"journey names must be unique; listed more than once: {', '.join(twice)}")
        return journeys


def _format_errors(error: ValidationError, path: Path | str, model: type[BaseModel]) -> str:
    lines = []
    for err in error.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            parent = _model_at(model, err["loc"][:-1])
            allowed = ", ".join(parent.model_fields) if parent is not None else "?"
            lines.append(f"{loc}: unknown key; allowed here: {allowed}")
        else:
            msg = err["msg"].removeprefix("Value error, ")
            got = err.get("input")
            shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
            lines.append(f"{loc}: {msg}{shown}")
    return f"{path}: " + "; ".join(lines)


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The pydantic model found at a key path, to list the keys allowed there."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if isinstance(current, type) else None
        if field is None:
            return None
        ann = field.annotation
        candidates = [ann, *getattr(ann, "__args__", ())]
        nxt = None
        for c in candidates:
            for inner in [c, *getattr(c, "__args__", ())]:
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    nxt = inner
        if nxt is None:
            return None
        current = nxt
    return current


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None


def load_config(path: str | Path) -> WorkspaceConfig:
    """Read and validate a ``parcours.yaml``; errors name the file and the key path."""
    path = Path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    try:
        return WorkspaceConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, path, WorkspaceConfig)) from None


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping file; errors name the file and the key path."""
    path = Path(path)
    data = _read_yaml(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings at the top level")
    return mapping_from_dict(data, where=path)


def mapping_from_dict(data: dict, where: str | Path = "<mapping>") -> Mapping:
    """Validate a mapping given as a dict (inline in config or built in code)."""
    try:
        return Mapping.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_format_errors(exc, where, Mapping)) from None


# --------------------------------------------------------------------------- rendering


def _yaml_scalar(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True,
                          width=10_000).strip().removesuffix("\n...").strip()


def _render(model: BaseModel, indent: int = 0) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if field.description:
            out.append(f"{pad}# {field.description}")
        if isinstance(value, BaseModel):
            out.append(f"{pad}{name}:")
            out.extend(_render(value, indent + 2))
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            out.append(f"{pad}{name}:")
            for item in value:
                dumped = item.model_dump(exclude_defaults=True, exclude_none=True)
                # one line (`- {name: Gold, …}`) unless a value nests a mapping or a list of them
                dumped = {k: list(v) if isinstance(v, tuple) else v for k, v in dumped.items()}
                flat = not any(isinstance(v, dict) or (isinstance(v, list) and any(isinstance(x, dict | list) for x in v))
                               for v in dumped.values())
                if flat:
                    block = ["- " + yaml.safe_dump(dumped, sort_keys=False, allow_unicode=True, default_flow_style=True,
                                                   width=10_000).strip()]
                else:
                    block = yaml.safe_dump([dumped], sort_keys=False, allow_unicode=True).rstrip().splitlines()
                out.extend(f"{pad}  {line}" for line in block)
        else:
            out.append(f"{pad}{name}: {_yaml_scalar(value)}")
    return out


def render_config(config: WorkspaceConfig) -> str:
    """``parcours.yaml`` text with every setting written out and documented by a comment."""
    head = [
        "# parcours workspace configuration. Every setting is shown with its default;",
        "# see the README's configuration reference. Relative paths are relative to this folder.",
    ]
    return "\n".join(head + _render(config)) + "\n"


def config_reference() -> str:
    """Markdown reference of every setting, generated from the models so it cannot drift."""
    lines: list[str] = []

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = f"{prefix}{name}"
            ann = field.annotation
            inner = [a for a in (ann, *getattr(ann, "__args__", ())) if isinstance(a, type) and issubclass(a, BaseModel)]
            default = field.get_default(call_default_factory=True)
            shown = "required" if field.is_required() else (
                "(see below)" if isinstance(default, BaseModel) else f"`{_yaml_scalar(default)}`"
            )
            lines.append(f"| `{key}` | {shown} | {field.description or ''} |")
            if inner:
                sub = inner[0]
                walk(sub, f"{key}[].") if "list" in str(ann) else walk(sub, f"{key}.")

    lines += ["### parcours.yaml", "", "| key | default | meaning |", "|---|---|---|"]
    walk(WorkspaceConfig, "")
    lines += ["", "### Mapping files (one per source export)", "", "| key | default | meaning |", "|---|---|---|"]
    walk(Mapping, "")
    lines += ["", "Canonical columns a mapping can fill, per table (required ones in bold):", ""]
    for table in TABLES:
        cols = [f"**{c}**" if c in REQUIRED_COLUMNS[table] else c for c in CANONICAL_COLUMNS[table]]
        lines.append(f"- `{table}`: {', '.join(cols)}")
    return "\n".join(lines) + "\n"


__all__ = [
    "CONFIG_FILE",
    "CsvOptions",
    "CustomersConfig",
    "FeaturesConfig",
    "IdentityConfig",
    "InterestConfig",
    "JourneyConfig",
    "LoyaltyLevel",
    "LoyaltyTiers",
    "Mapping",
    "PersonasConfig",
    "ReportConfig",
    "SourceConfig",
    "SqlOptions",
    "StageConfig",
    "TiersConfig",
    "TouchpointConfig",
    "ValueLevel",
    "ValueTiers",
    "WarehouseConfig",
    "WorkspaceConfig",
    "config_reference",
    "load_config",
    "load_mapping",
    "mapping_from_dict",
    "parse_duration",
    "render_config",
]
