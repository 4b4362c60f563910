"""Charts build on empty and non-empty twins, keep one colour per channel, and escape data text."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from parcours.report import charts
from parcours.report.overview import overview

EMPTY = {
    "volumes_by_channel_month": pd.DataFrame(columns=["month", "channel", "events"]),
    "new_customers_by_month": pd.DataFrame(columns=["month", "customers"]),
    "identities_by_kind": pd.DataFrame(columns=["kind", "identifiers", "customers"]),
    "quarantine_by_reason": pd.DataFrame(columns=["reason", "rows"]),
    "customer_timeline": pd.DataFrame(columns=["timestamp", "kind", "what", "channel", "detail", "value"]),
}


@pytest.mark.parametrize("name", sorted(EMPTY))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_empty_data_says_so(name, lang):
    fig = getattr(charts, name)(EMPTY[name], lang)
    assert isinstance(fig, go.Figure) and len(fig.data) == 0
    assert fig.layout.annotations[0].text == {"en": "No data yet", "fr": "Pas encore de données"}[lang]
    fig.to_json()  # serialisable


def test_charts_from_the_tiny_workspace(tiny):
    o = overview(tiny)
    vol = charts.volumes_by_channel_month(o.volumes)
    assert vol.layout.barmode == "stack"
    # one trace per channel, biggest first, months on x with no gap, totals preserved
    assert [tr.name for tr in vol.data] == ["Web", "Store", "E-mail", "Phone"]
    assert list(vol.data[0].x) == ["Jan 2025", "Feb 2025", "Mar 2025"]
    assert {tr.name: list(tr.y) for tr in vol.data} == {
        "Web": [2, 2, 1], "Store": [1, 0, 1], "E-mail": [0, 0, 1], "Phone": [0, 0, 1]}
    assert [tr.marker.color for tr in vol.data] == [charts.channel_color(c) for c in ("web", "store", "email", "phone")]

    ids = charts.identities_by_kind(o.identities, "fr")
    assert dict(zip(ids.data[0].y, ids.data[0].x)) == {"Cookie": 3, "E-mail": 2}
    q = charts.quarantine_by_reason(o.quarantine_reasons, "fr")
    assert set(q.data[0].y) == {"Date illisible", "Aucun identifiant client"}
    assert q.layout.separators == ",\u202f"
    assert charts.new_customers_by_month(o.new_customers).data[0].y[-1] >= 1

    c = tiny.customer("b@x.fr")
    tl = charts.customer_timeline(c.timeline, "en", customer_id=c.customer_id)
    names = [tr.name for tr in tl.data]
    assert names[:2] == ["Phone", "Web"] and "Feedback" in names  # feedback has no channel: its own row
    assert sum(len(tr.x) for tr in tl.data) == len(c.timeline)


def test_missing_months_are_shown_as_zero():
    df = pd.DataFrame({"month": pd.to_datetime(["2024-11-01", "2025-02-01"]), "channel": ["app", "app"],
                       "events": [3, 4]})
    fig = charts.volumes_by_channel_month(df, "fr")
    assert list(fig.data[0].x) == ["nov. 2024", "déc. 2024", "janv. 2025", "févr. 2025"]
    assert list(fig.data[0].y) == [3, 0, 0, 4]


def test_channel_colours_are_stable_and_distinct_for_known_channels():
    known = ["web", "app", "store", "phone", "email"]
    assert len({charts.channel_color(c) for c in known}) == len(known)
    assert charts.channel_color("kiosk") == charts.channel_color("kiosk")
    assert charts.channel_color(None) == charts.CHANNEL_COLORS["(none)"]


def test_data_text_is_escaped_for_plotly():
    tl = pd.DataFrame({"timestamp": pd.to_datetime(["2025-01-01"]), "kind": ["feedback"], "what": ["<b>nps</b>"],
                       "channel": ["<i>web</i>"], "detail": ["<script>alert(1)</script>"], "value": [1.0]})
    fig = charts.customer_timeline(tl)
    tr = fig.data[0]
    assert tr.name == "&lt;i&gt;web&lt;/i&gt;"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tr.hovertext[0] and "<script>" not in tr.hovertext[0]
    html = charts.to_html(fig, "fig-test")
    assert "<script>alert" not in html and "</script><script>" not in html.replace("\n", "")


def test_no_share_to_cloud_button():
    html = charts.to_html(go.Figure(), "f")
    assert '"showSendToCloud": false' in html and "sendChartToCloud" in html


def test_french_figures_use_the_french_locale():
    html = charts.to_html(go.Figure(), "f", "fr")
    assert '"locale": "fr"' in html
    js = charts.plotly_locale_js("fr")
    assert js.startswith("Plotly.register(") and json.loads(js[len("Plotly.register("):-2])["name"] == "fr"
    assert charts.plotly_locale_js("en") == ""
