"""Plotly figures drawn from the data twins; shared by the HTML report and the web dashboard.

Every builder takes a small DataFrame (see :mod:`parcours.report.overview`) and a language and
returns a ``plotly.graph_objects.Figure``; nothing else is kept between calls. A channel always
gets the same colour, every chart titles itself in the language asked, and empty data gives a
figure that says so instead of an error. Text from the data is HTML-escaped before it reaches
Plotly, whose labels understand a few HTML tags.

>>> import pandas as pd
>>> fig = volumes_by_channel_month(pd.DataFrame(columns=["month", "channel", "events"]))
>>> fig.layout.annotations[0].text
'No data yet'
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from parcours.report.i18n import (
    FR_THOUSANDS,
    check_lang,
    fmt_date,
    fmt_int,
    fmt_month,
    fmt_num,
    fmt_pct,
    label,
    plotly_separators,
    t,
)

#: Colours of the usual channels; any other channel gets one of ``EXTRA_COLORS`` from its name.
CHANNEL_COLORS: dict[str, str] = {
    "web": "#4C78A8", "app": "#F58518", "store": "#54A24B", "phone": "#E45756", "email": "#B279A2",
    "chat": "#72B7B2", "sms": "#EECA3B", "social": "#FF9DA6", "mail": "#9D755D", "delivery": "#8CD17D",
    "(none)": "#9CA3AF",
}
EXTRA_COLORS: tuple[str, ...] = ("#1F77B4", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#17BECF",
                                 "#BCBD22", "#7F7F7F", "#2CA02C", "#FF7F0E", "#393B79", "#637939")
#: Colour of single-series charts (identifiers, quarantine reasons, new customers).
ACCENT = "#3B5BDB"
WARNING = "#E8590C"

#: The font stack of the report (system fonts only: nothing is fetched).
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

#: Plotly's config for every figure: no logo, resizes with its container, and no "Share chart"
#: button (Plotly.js shows one by default; it would send the figure's data to a remote server).
PLOTLY_CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True, "showSendToCloud": False,
                                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "sendChartToCloud"]}

_SYMBOLS = {"event": "circle", "feedback": "star", "case opened": "diamond", "case closed": "x"}


def channel_color(channel: str | None) -> str:
    """The colour of a channel, the same in every chart and every run.

    >>> channel_color("web"), channel_color("kiosk") == channel_color("kiosk")
    ('#4C78A8', True)
    """
    key = "(none)" if channel is None else str(channel)
    if key in CHANNEL_COLORS:
        return CHANNEL_COLORS[key]
    digest = int(hashlib.md5(key.encode("utf-8")).hexdigest()[:8], 16)
    return EXTRA_COLORS[digest % len(EXTRA_COLORS)]


def ink_on(color: str) -> str:
    """A readable text colour on a ``#rrggbb`` background: white while its WCAG contrast is at
    least 3 (enough for short bold labels), else near-black.

    >>> ink_on("#4C78A8"), ink_on("#FF9DA6")
    ('#ffffff', '#1f2937')
    """
    def lin(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    lum = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    return "#ffffff" if 1.05 / (lum + 0.05) >= 3 else "#1f2937"


def esc(text: Any) -> str:
    """Data text made safe for Plotly labels and hover boxes (``<`` shown, never interpreted).

    >>> esc("<b>hi</b>")
    '&lt;b&gt;hi&lt;/b&gt;'
    """
    return html.escape("" if text is None else str(text), quote=False)


def to_html(fig: go.Figure, div_id: str, lang: str = "en") -> str:
    """The ``<div>`` and ``<script>`` of a figure, without Plotly's library (loaded once per page).

    For ``lang="fr"`` the page must also run :func:`plotly_locale_js` (dates and buttons in French).

    >>> "Plotly.newPlot" in to_html(go.Figure(), "fig-1")
    True
    """
    config = dict(PLOTLY_CONFIG, locale=check_lang(lang)) if lang != "en" else PLOTLY_CONFIG
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=config)


#: Plotly's French locale: month and day names of date axes and hover boxes, modebar tooltips.
_FR_LOCALE: dict[str, Any] = {
    "moduleType": "locale",
    "name": "fr",
    "dictionary": {
        "Autoscale": "Échelle automatique", "Reset axes": "Réinitialiser les axes", "Zoom": "Zoom",
        "Zoom in": "Zoom avant", "Zoom out": "Zoom arrière", "Pan": "Déplacer",
        "Box Select": "Sélection rectangulaire", "Lasso Select": "Sélection au lasso",
        "Download plot as a PNG": "Télécharger le graphique en PNG", "Download plot": "Télécharger le graphique",
        "Show closest data on hover": "Afficher la donnée la plus proche au survol",
        "Compare data on hover": "Comparer les données au survol", "Toggle Spike Lines": "Lignes de repère",
        "Double-click on legend to isolate one trace": "Double-cliquez sur la légende pour isoler une série",
        "Double-click to zoom back out": "Double-cliquez pour revenir au zoom initial",
    },
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
        "date": "%d/%m/%Y", "decimal": ",", "thousands": FR_THOUSANDS,
    },
}


def plotly_locale_js(lang: str) -> str:
    """JavaScript registering Plotly's locale for ``lang`` (run after Plotly, before the figures);
    empty for English, Plotly's own language.

    >>> plotly_locale_js("en"), plotly_locale_js("fr").startswith("Plotly.register(")
    ('', True)
    """
    if check_lang(lang) == "en":
        return ""
    return f"Plotly.register({json.dumps(_FR_LOCALE, ensure_ascii=True)});"


# ---------------------------------------------------------------------------------------- builders
def volumes_by_channel_month(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Stacked bars of events per month, one colour per channel (the biggest channel at the bottom).

    ``df`` has columns ``month``, ``channel``, ``events``; months without events show as empty.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"month": pd.to_datetime(["2025-01-01", "2025-03-01"]),
    ...                    "channel": ["web", "store"], "events": [5, 2]})
    >>> fig = volumes_by_channel_month(df)
    >>> [tr.name for tr in fig.data], list(fig.data[0].x)
    (['Web', 'Store'], ['Jan 2025', 'Feb 2025', 'Mar 2025'])
    """
    title = t("chart.volumes.title", lang)
    if df is None or df.empty:
        return _empty(title, lang)
    months = _month_range(df["month"])
    labels = [fmt_month(m, lang) for m in months]
    wide = (df.pivot_table(index="month", columns="channel", values="events", aggfunc="sum", fill_value=0)
            .reindex(months, fill_value=0))
    order = wide.sum().sort_values(ascending=False, kind="stable").index
    fig = go.Figure()
    for ch in order:
        name = esc(label("channel", ch, lang))
        fig.add_bar(x=labels, y=wide[ch].tolist(), name=name, marker_color=channel_color(ch),
                    hovertemplate=f"%{{x}}<br>{name}: %{{y:,}}<extra></extra>")
    fig.update_layout(barmode="stack", hovermode="x unified" if len(order) > 1 else "closest")
    fig.update_xaxes(title_text=t("axis.month", lang), type="category")
    fig.update_yaxes(title_text=t("axis.events", lang), **_count_axis(wide.sum(axis=1).max()))
    return _style(fig, title, lang, legend=True)


def new_customers_by_month(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Bars of new customers per month of their ``created_at`` (columns ``month``, ``customers``).

    >>> import pandas as pd
    >>> new_customers_by_month(pd.DataFrame({"month": [pd.Timestamp("2025-05-01")], "customers": [3]})).data[0].y
    (3,)
    """
    title = t("chart.new_customers.title", lang)
    if df is None or df.empty:
        return _empty(title, lang)
    months = _month_range(df["month"])
    counts = df.groupby("month")["customers"].sum().reindex(months, fill_value=0)
    fig = go.Figure(go.Bar(x=[fmt_month(m, lang) for m in months], y=counts.tolist(), marker_color=ACCENT,
                           hovertemplate="%{x}: %{y:,}<extra></extra>"))
    fig.update_xaxes(title_text=t("axis.month", lang), type="category")
    fig.update_yaxes(title_text=t("axis.customers", lang), **_count_axis(counts.max()))
    return _style(fig, title, lang, height=340)


def identities_by_kind(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Horizontal bars of stitched identifiers per kind (columns ``kind``, ``identifiers``).

    >>> import pandas as pd
    >>> identities_by_kind(pd.DataFrame({"kind": ["email"], "identifiers": [4]}), "fr").data[0].y
    ('E-mail',)
    """
    title = t("chart.identities.title", lang)
    if df is None or df.empty:
        return _empty(title, lang)
    d = df.sort_values("identifiers", ascending=True, kind="stable")
    names = [esc(label("idkind", k, lang)) for k in d["kind"]]
    fig = go.Figure(go.Bar(x=d["identifiers"].tolist(), y=names, orientation="h", marker_color=ACCENT,
                           text=d["identifiers"].tolist(), texttemplate="%{text:,}", textposition="auto",
                           hovertemplate="%{y}: %{x:,}<extra></extra>"))
    fig.update_xaxes(title_text=t("axis.identifiers", lang), **_count_axis(d["identifiers"].max()))
    fig.update_yaxes(automargin=True, type="category")
    return _style(fig, title, lang, height=max(340, 80 + 44 * len(d)))


def quarantine_by_reason(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Horizontal bars of quarantined rows per reason (columns ``reason``, ``rows``).

    >>> import pandas as pd
    >>> quarantine_by_reason(pd.DataFrame({"reason": ["bad_timestamp"], "rows": [2]})).data[0].y
    ('Unreadable date',)
    """
    title = t("chart.quarantine.title", lang)
    if df is None or df.empty:
        return _empty(title, lang)
    d = df.sort_values("rows", ascending=True, kind="stable")
    names = [esc(label("reason", r, lang)) for r in d["reason"]]
    codes = [esc(r) for r in d["reason"]]
    fig = go.Figure(go.Bar(x=d["rows"].tolist(), y=names, orientation="h", marker_color=WARNING,
                           customdata=codes, text=d["rows"].tolist(), texttemplate="%{text:,}",
                           textposition="auto", hovertemplate="%{y} (%{customdata}): %{x:,}<extra></extra>"))
    fig.update_xaxes(title_text=t("axis.rows", lang), **_count_axis(d["rows"].max()))
    fig.update_yaxes(automargin=True, type="category")
    return _style(fig, title, lang, height=max(260, 80 + 44 * len(d)))


def customer_timeline(timeline: pd.DataFrame, lang: str = "en", customer_id: str | None = None) -> go.Figure:
    """One customer's timeline: a marker per event, feedback or case, one row per channel.

    ``timeline`` is :attr:`parcours.Customer360.timeline` (``timestamp``, ``kind``, ``what``,
    ``channel``, ``detail``, ``value``); entries without a channel get a row named after their
    kind. Events are circles, feedback stars, opened cases diamonds and closed cases crosses.

    >>> import pandas as pd
    >>> tl = pd.DataFrame({"timestamp": pd.to_datetime(["2025-01-01", "2025-01-03"]), "kind": ["event", "feedback"],
    ...                    "what": ["visit", "nps"], "channel": ["web", None], "detail": [None, "Top"],
    ...                    "value": [None, 9.0]})
    >>> [tr.name for tr in customer_timeline(tl).data]
    ['Web', 'Feedback']
    """
    title = t("chart.timeline.title", lang, customer=esc(customer_id)) if customer_id else t("c360.timeline", lang)
    if timeline is None or timeline.empty:
        return _empty(title, lang)
    tl = timeline.reset_index(drop=True)
    kinds = tl["kind"].astype(object).where(tl["kind"].notna(), "event")
    channels = tl["channel"].astype(object).where(tl["channel"].notna(), None)
    rows = [c if c is not None else f"\x00{k.split()[0]}" for c, k in zip(channels, kinds)]
    order = list(dict.fromkeys(sorted(rows, key=lambda r: (r.startswith("\x00"), r))))
    fig = go.Figure()
    for row in order:
        idx = [i for i, r in enumerate(rows) if r == row]
        sub = tl.iloc[idx]
        if row.startswith("\x00"):
            name = label("entry", row[1:], lang)
            color = "#495057"
        else:
            name, color = esc(label("channel", row, lang)), channel_color(row)
        hover = [_hover(r, lang) for r in sub.itertuples(index=False)]
        fig.add_scatter(x=sub["timestamp"].tolist(), y=[name] * len(sub), mode="markers", name=name,
                        marker={"color": color, "size": 11,
                                "symbol": [_SYMBOLS.get(k, "circle") for k in kinds.iloc[idx]],
                                "line": {"width": 1, "color": "white"}},
                        hovertext=hover, hoverinfo="text")
    fig.update_yaxes(type="category", categoryorder="array",
                     categoryarray=[tr.name for tr in fig.data][::-1], automargin=True)
    fig.update_xaxes(title_text=t("axis.time", lang), type="date", **_date_axis(lang))
    return _style(fig, title, lang, height=max(260, 120 + 46 * len(order)), legend=False)


# ---------------------------------------------------------------------------------------- helpers
def transition_map(df: pd.DataFrame, lang: str = "en", top: int = 12) -> go.Figure:
    """Heat map of the directly-follows counts between the ``top`` busiest activities."""
    title = t("journeys.transitions", lang)
    if df.empty:
        return _empty(title, lang)
    busy = (df.groupby("source")["count"].sum().add(df.groupby("target")["count"].sum(), fill_value=0)
            .sort_values(ascending=False, kind="stable").head(top).index.tolist())
    sub = df[df.source.isin(busy) & df.target.isin(busy)]
    grid = sub.pivot_table(index="source", columns="target", values="count", aggfunc="sum", fill_value=0)
    grid = grid.reindex(index=busy, columns=busy, fill_value=0)
    med = sub.pivot_table(index="source", columns="target", values="median_seconds", aggfunc="first")
    med = med.reindex(index=busy, columns=busy)
    hover = [[t("journeys.transition_hover", lang, a=a, b=b, n=fmt_int(int(grid.loc[a, b]), lang),
                t=_duration(med.loc[a, b], lang)) for b in busy] for a in busy]
    fig = go.Figure(go.Heatmap(z=grid.to_numpy(), x=busy, y=busy, colorscale="Blues", hoverinfo="text",
                               text=hover, colorbar={"title": {"text": t("journeys.count", lang)}}))
    fig.update_yaxes(autorange="reversed", title=t("journeys.from", lang))
    fig.update_xaxes(title=t("journeys.to", lang), tickangle=-35)
    return _style(fig, title, lang, height=520)


def variants_bar(df: pd.DataFrame, lang: str = "en") -> go.Figure:
    """The most frequent paths as horizontal bars (share of customers), the path written out."""
    title = t("journeys.variants", lang)
    if df.empty:
        return _empty(title, lang)
    d = df.iloc[::-1]
    labels = [" → ".join(v) if len(v) <= 6 else " → ".join([*v[:3], "…", *v[-2:]]) for v in d["variant"]]
    full = [" → ".join(v) for v in d["variant"]]
    fig = go.Figure(go.Bar(x=d["share"], y=labels, orientation="h", marker_color=ACCENT,
                           text=[fmt_pct(x, lang) for x in d["share"]], textposition="outside",
                           customdata=list(zip(full, [fmt_int(int(c), lang) for c in d["count"]], strict=True)),
                           hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig.update_xaxes(tickformat=".1%" if d["share"].max() < 0.1 else ".0%", rangemode="tozero")
    return _style(fig, title, lang, height=max(300, 34 * len(d) + 90))


def funnel_chart(df: pd.DataFrame, lang: str = "en", title: str | None = None) -> go.Figure:
    """A funnel: customers reaching each step, with the conversion from the step before."""
    title = title or t("journeys.funnel", lang)
    if df.empty:
        return _empty(title, lang)
    fig = go.Figure(go.Funnel(y=df["step"], x=df["entered"], marker={"color": ACCENT},
                              textinfo="value+percent previous+percent initial"))
    return _style(fig, title, lang, height=max(300, 60 * len(df) + 90))


def journey_map(df: pd.DataFrame, lang: str = "en", title: str | None = None) -> go.Figure:
    """The journey map: stages as columns, and per stage its touchpoints, who reached it, conversion
    to the next stage, time in stage against its target, rework, and the top leak."""
    title = title or t("journeys.map", lang)
    if df.empty:
        return _empty(title, lang)
    rows = ["map.touchpoints", "map.reached", "map.next", "map.time", "map.over", "map.rework", "map.leak"]

    def pct(x: Any) -> str:
        return "–" if x is None or pd.isna(x) else fmt_pct(float(x), lang)

    cells = []
    for r in df.itertuples(index=False):  # one column per stage (a handful), not per customer
        target = "" if pd.isna(r.target_seconds) else f" / {_duration(r.target_seconds, lang)}"
        cells.append([
            "<br>".join(esc(x) for x in r.touchpoints[:4]) + ("<br>…" if len(r.touchpoints) > 4 else ""),
            f"{fmt_int(int(r.entered), lang)} ({pct(r.overall_conversion)})",
            pct(r.conversion),
            f"{_duration(r.median_seconds, lang)}{target}",
            pct(r.over_target_share),
            pct(r.rework_share),
            esc(r.top_leak) if isinstance(r.top_leak, str) else "–",
        ])
    over = [("#fee2e2" if (not pd.isna(r.over_target_share) and r.over_target_share > 0.25) else "white")
            for r in df.itertuples(index=False)]
    fill = [["#f9fafb"] * len(rows)] + [["white", "white", "white", o, o, "white", "white"] for o in over]
    fig = go.Figure(go.Table(
        columnwidth=[1.1] + [1.4] * len(df),
        header={"values": [""] + [f"<b>{esc(s)}</b>" for s in df["stage"]], "fill_color": ACCENT,
                "font": {"color": "white", "size": 14}, "align": "center", "height": 34},
        cells={"values": [[t(k, lang) for k in rows], *cells], "align": ["right"] + ["center"] * len(df),
               "fill_color": fill, "height": 30, "font": {"size": 12}}))
    return _style(fig, title, lang, height=420)


def flow_sankey(flow: Any, lang: str = "en", title: str | None = None) -> go.Figure:
    """A Sankey of a ``Flow`` (parcours.journeys.flows): one column per depth, time running left to right."""
    title = title or t("journeys.flow", lang)
    if flow.total == 0 or flow.links.empty:
        return _empty(title, lang)
    nodes = flow.nodes.reset_index(drop=True)  # by depth outwards, then size: the flow's order
    key = {(int(d), lab): i for i, (d, lab) in enumerate(zip(nodes.depth, nodes.label, strict=True))}
    depths = sorted({d for d, _ in key})
    span = max(len(depths) - 1, 1)
    xs = [0.001 + 0.998 * depths.index(int(d)) / span for d in nodes.depth]
    # Plotly honours node positions only when both x and y are given: stack each column's nodes
    # from the top in the flow's order (largest first, other and end last), centred on their size
    col = nodes.groupby("depth").units
    before = col.cumsum() - nodes.units
    ys = (0.02 + 0.86 * (before + nodes.units / 2) / col.transform("sum")).tolist()  # room for the pads
    grey = {"(end)": "#d1d5db", "(start)": "#d1d5db", "(other)": "#9ca3af"}
    colors = [grey.get(lab, ACCENT) for lab in nodes.label]
    # a link's depth is its source's; its target sits one column to the right, in either direction
    src = [key[(int(d), s)] for d, s in zip(flow.links.depth, flow.links.source, strict=True)]
    dst = [key[(int(d) + 1, s)] for d, s in zip(flow.links.depth, flow.links.target, strict=True)]
    shown = {"(end)": t("journeys.flow_end", lang), "(start)": t("journeys.flow_start", lang),
             "(other)": t("journeys.flow_other", lang)}
    labels = [f"{shown.get(lab, lab)} · {fmt_pct(sh, lang)}" for lab, sh in zip(nodes.label, nodes.share, strict=True)]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node={"label": labels, "x": xs, "y": ys, "pad": 10, "thickness": 14, "color": colors,
              "hovertemplate": "%{label}<br>%{value:,d}<extra></extra>"},
        link={"source": src, "target": dst, "value": flow.links.units.tolist(), "color": "rgba(37,99,235,0.18)",
              "hovertemplate": "%{source.label} → %{target.label}<br>%{value:,d}<extra></extra>"}))
    return _style(fig, title, lang, height=max(420, 62 * int(nodes.groupby("depth").size().max()) + 140))


def _duration(seconds: Any, lang: str) -> str:
    """A duration in words: '45 s', '12 min', '3.5 h', '2.1 d'."""
    if seconds is None or pd.isna(seconds):
        return "–"
    s = float(seconds)
    for limit, unit, div in ((120, "s", 1), (7200, "min", 60), (172800, "h", 3600)):
        if s < limit:
            return f"{fmt_num(s / div, lang, 0 if div == 1 else 1)} {unit}"
    return f"{fmt_num(s / 86400, lang, 1)} {'d' if lang == 'en' else 'j'}"


def _hover(r: Any, lang: str) -> str:
    parts = [f"<b>{esc(r.what)}</b>", esc(fmt_date(pd.Timestamp(r.timestamp).to_pydatetime(), lang, time=True))]
    if getattr(r, "detail", None) is not None and r.detail == r.detail:
        detail = str(r.detail)
        parts.append(esc(detail if len(detail) <= 100 else detail[:99] + "…"))
    if getattr(r, "value", None) is not None and r.value == r.value:
        parts.append(esc(f"{r.value:g}"))
    return "<br>".join(parts)


def _date_axis(lang: str) -> dict[str, Any]:
    """Date ticks in the language's order (French: ``7 sept. 2025``; English keeps Plotly's)."""
    if lang == "en":
        return {}
    day = 86_400_000
    return {"tickformatstops": [
        {"dtickrange": [None, day], "value": "%-d %b %H:%M"},
        {"dtickrange": [day, "M1"], "value": "%-d %b %Y"},
        {"dtickrange": ["M1", "M12"], "value": "%b %Y"},
        {"dtickrange": ["M12", None], "value": "%Y"},
    ]}


def _count_axis(top: float) -> dict[str, Any]:
    """Axis settings for counts: whole-number ticks (one per unit when the counts are small)."""
    out: dict[str, Any] = {"tickformat": ",d", "rangemode": "tozero"}
    if top <= 8:
        out["dtick"] = 1
    return out


def _month_range(months: Iterable[Any]) -> list[pd.Timestamp]:
    s = pd.to_datetime(pd.Series(list(months)))
    return list(pd.date_range(s.min().to_period("M").start_time, s.max().to_period("M").start_time, freq="MS"))


def _style(fig: go.Figure, title: str, lang: str, *, height: int = 380, legend: bool = False) -> go.Figure:
    fig.update_layout(
        template="plotly_white", height=height, separators=plotly_separators(lang),
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        font={"family": FONT_FAMILY, "size": 13, "color": "#1f2937"},
        margin={"l": 10, "r": 10, "t": 56, "b": 10}, showlegend=legend,
        legend={"orientation": "v", "x": 1.01, "y": 1, "yanchor": "top", "bgcolor": "rgba(0,0,0,0)"},
        hoverlabel={"font": {"family": FONT_FAMILY}}, bargap=0.25,
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _empty(title: str, lang: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=t("report.no_data", lang), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font={"size": 16, "color": "#6b7280"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, title, lang, height=260)


__all__ = [
    "ACCENT",
    "CHANNEL_COLORS",
    "PLOTLY_CONFIG",
    "channel_color",
    "customer_timeline",
    "esc",
    "identities_by_kind",
    "ink_on",
    "new_customers_by_month",
    "plotly_locale_js",
    "quarantine_by_reason",
    "to_html",
    "volumes_by_channel_month",
]
