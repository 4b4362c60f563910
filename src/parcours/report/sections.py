"""The report's sections: a registry of builders, each turning a workspace into an HTML fragment.

A section is an id (its anchor), the i18n key of its title, and ``build(ws, lang)`` returning
escaped HTML. The report renders :data:`SECTIONS` in order and builds its table of contents from
the same list, so a new analysis joins the report with one :func:`register` call::

    register(Section("journeys", "section.journeys", build_journeys), after="overview")

Fragments are rendered by Jinja2 templates with autoescape on, so customer text is always
escaped; the only raw HTML they take is a figure's, through :func:`figure`.

>>> [s.id for s in SECTIONS][:1], "customer360" in [s.id for s in SECTIONS]
(['overview'], True)
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jinja2
import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from parcours.report import charts
from parcours.report.i18n import fmt_date, fmt_int, fmt_month, fmt_num, fmt_pct, label, t
from parcours.report.overview import overview, pick_example_customer

if TYPE_CHECKING:
    from parcours.workspace import Workspace

#: Rows of the customer's timeline shown in the customer-360 table (the most recent ones).
TIMELINE_ROWS = 30


@dataclass(frozen=True)
class Section:
    """One section of the report: anchor ``id``, i18n key of its title, and its builder.

    ``build(ws, lang)`` returns the section's body as ``markupsafe.Markup`` (what :func:`render`
    gives); a plain ``str`` is escaped by the page, so a builder cannot inject raw HTML by mistake.
    """

    id: str
    title_key: str
    build: Callable[[Workspace, str], str]


#: The sections of the report, in order.
SECTIONS: list[Section] = []


def register(section: Section, *, after: str | None = None) -> Section:
    """Add (or replace, by id) a section, at the end or right after the section ``after``.

    >>> s = register(Section("overview", "section.overview", build_overview))
    >>> [x.id for x in SECTIONS].count("overview")
    1
    """
    ids = [s.id for s in SECTIONS]
    if section.id in ids:
        SECTIONS[ids.index(section.id)] = section
        return section
    if after is None:
        SECTIONS.append(section)
    else:
        if after not in ids:
            raise ValueError(f"no section {after!r}; sections: {', '.join(ids)}")
        SECTIONS.insert(ids.index(after) + 1, section)
    return section


# ------------------------------------------------------------------------------ rendering helpers
_SCRIPT_HASHES: ContextVar[set[str] | None] = ContextVar("parcours_report_script_hashes", default=None)
_SCRIPT = re.compile(r"<script[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def csp_hash(script: str) -> str:
    """The Content-Security-Policy source (``'sha256-…'``) that allows one inline script.

    >>> csp_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@contextmanager
def trusted_scripts() -> Iterator[set[str]]:
    """Collect the CSP hashes of the figures' scripts rendered inside the ``with`` block."""
    hashes: set[str] = set()
    token = _SCRIPT_HASHES.set(hashes)
    try:
        yield hashes
    finally:
        _SCRIPT_HASHES.reset(token)


def figure(fig: go.Figure, div_id: str, lang: str = "en") -> Markup:
    """A figure's HTML for a section template, its script trusted by the page's CSP.

    >>> "plotly-graph-div" in figure(go.Figure(), "fig-doc")
    True
    """
    html = charts.to_html(fig, div_id, lang)
    hashes = _SCRIPT_HASHES.get()
    if hashes is not None:
        hashes.update(csp_hash(body) for body in _SCRIPT.findall(html))
    return Markup(html)  # Plotly's own output: its JSON escapes "<" as \u003c


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report's templates (autoescape on, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("parcours.report", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.globals.update(t=t, label=label, num=fmt_int, dec=fmt_num, pct=fmt_pct, date=_date, month=fmt_month,
                       color=charts.channel_color, ink=lambda c: charts.ink_on(charts.channel_color(c)),
                       val=_value)
    env.filters["shorten"] = _shorten
    return env


def render(template: str, **context: Any) -> Markup:
    """Render a template of ``report/templates`` (autoescaped) into an HTML fragment.

    >>> str(render("sections/empty.html.j2", message="<b>"))
    '<div class="empty">&lt;b&gt;</div>'
    """
    return Markup(environment().get_template(template).render(**context))


def _date(d: Any, lang: str, time: bool = False) -> str:
    if d is None or _missing(d):
        return "–"
    return fmt_date(pd.Timestamp(d).to_pydatetime(), lang, time=time)


def _value(x: Any, lang: str) -> str:
    if x is None or _missing(x):
        return ""
    return fmt_num(x, lang, 0 if float(x).is_integer() else 2)


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a small DataFrame as dicts, missing values (NaN, NaT, NA) as ``None``.

    >>> records(pd.DataFrame({"a": [1.0, float("nan")]}))
    [{'a': 1.0}, {'a': None}]
    """
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in df.to_dict("records")]


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # lists, dicts, arrays
        return False


def _shorten(text: Any, width: int = 160) -> str:
    if text is None or _missing(text):
        return ""
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"


def mask_identifier(kind: str, identifier: str | None) -> str:
    """An identifier partly hidden for a shareable report: ``a••••@x.fr``, ``+33•••••••78``.

    >>> mask_identifier("email", "alice@example.fr"), mask_identifier("phone", "+33612345678")
    ('a••••@example.fr', '+33•••••••78')
    """
    if identifier is None:
        return ""
    s = str(identifier)
    if kind == "email" and "@" in s:
        local, _, domain = s.partition("@")
        return f"{local[:1]}••••@{domain}"
    if len(s) <= 4:
        return "••••"
    head = min(4 if kind == "phone" else 2, len(s) // 4)
    tail = min(2, len(s) // 4)
    return s[:head] + "•" * (len(s) - head - tail) + s[len(s) - tail:]


# ------------------------------------------------------------------------------ built-in sections
def build_overview(ws: Workspace, lang: str) -> str:
    """Key figures, volumes per channel and month, identity stitching, quarantine, feedback and cases.

    >>> import parcours, tempfile
    >>> "kpi-customers" in build_overview(parcours.init(tempfile.mkdtemp()), "en")
    True
    """
    ov = overview(ws)
    f = ov.figures
    figs = {name: figure(fig, f"fig-overview-{name}", lang) for name, fig in (
        ("volumes", charts.volumes_by_channel_month(ov.volumes, lang)),
        ("customers", charts.new_customers_by_month(ov.new_customers, lang)),
        ("identities", charts.identities_by_kind(ov.identities, lang)),
        ("quarantine", charts.quarantine_by_reason(ov.quarantine_reasons, lang)),
    )}
    channels = (ov.volumes.groupby("channel")["events"].sum().sort_values(ascending=False, kind="stable")
                if not ov.volumes.empty else pd.Series(dtype="int64"))
    return render("sections/overview.html.j2", lang=lang, ov=ov, f=f, figs=figs,
                  channels=[(c, int(n)) for c, n in channels.items()],
                  events_per_customer=(f["events"] / f["customers"]) if f["customers"] else None,
                  quarantine_share=(f["quarantined"] / f["rows_read"]) if f["rows_read"] else None,
                  examples=records(ov.quarantine_examples),
                  files=records(ov.quarantine_files),
                  feedback=records(ov.feedback), cases=records(ov.cases),
                  identities=records(ov.identities))


def build_customer360(ws: Workspace, lang: str) -> str:
    """One example customer: profile, identities (masked), timeline chart and the latest entries.

    >>> import parcours, tempfile
    >>> "No customer to show yet." in build_customer360(parcours.init(tempfile.mkdtemp()), "en")
    True
    """
    cid = pick_example_customer(ws)
    if cid is None:
        return render("sections/empty.html.j2", message=t("c360.none", lang))
    c = ws.customer(cid)
    tl = c.timeline
    profile = dict(c.profile)
    attributes = profile.pop("attributes", None) or {}
    fields = [(t(f"field.{k}", lang), _date(profile[k], lang) if k in ("created_at", "updated_at") else profile[k])
              for k in ("customer_id", "created_at", "segment", "region", "updated_at")
              if profile.get(k) is not None]
    fields += [(str(k), v if not isinstance(v, (dict, list)) else str(v)) for k, v in sorted(attributes.items())]
    identities = [{"kind": r["kind"], "identifier": mask_identifier(r["kind"], r["identifier"]),
                   "first_seen": r["first_seen"], "source": r["source"]}
                  for r in records(c.identities)]
    ev = tl[tl["kind"] == "event"]
    summary = t("c360.summary", lang, events=fmt_int(len(ev), lang),
                channels=fmt_int(ev["channel"].dropna().nunique(), lang),
                feedback=fmt_int(int((tl["kind"] == "feedback").sum()), lang),
                cases=fmt_int(int((tl["kind"] == "case opened").sum()), lang))
    recent = records(tl.tail(TIMELINE_ROWS))
    chart = figure(charts.customer_timeline(tl, lang, customer_id=cid), "fig-c360-timeline", lang)
    return render("sections/customer360.html.j2", lang=lang, cid=cid, fields=fields, identities=identities,
                  summary=summary, rows=recent, total=len(tl), chart=chart)


register(Section("overview", "section.overview", build_overview))
register(Section("customer360", "section.customer360", build_customer360))


__all__ = [
    "SECTIONS",
    "TIMELINE_ROWS",
    "Section",
    "build_customer360",
    "build_overview",
    "csp_hash",
    "environment",
    "figure",
    "mask_identifier",
    "records",
    "register",
    "render",
    "trusted_scripts",
]
