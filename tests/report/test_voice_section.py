"""The voice section: survey table and trend, the emotion curve of a declared journey, irritants with
verbatims, in English and French; hostile verbatims escaped everywhere they are shown."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

import parcours
from parcours.report import write_report

HOSTILE = "<script>alert('voice')</script>"
JOURNEY = """journeys:
  - name: achat
    stages:
      - name: commande
        touchpoints: [order_placed]
      - name: livraison
        touchpoints: [order_delivered]
      - name: conseil
        touchpoints: [store_visit]
"""


def _ws(root: Path) -> parcours.Workspace:
    ws = parcours.init(root / "ws")
    cfg = ws.root / "parcours.yaml"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("journeys: []\n", JOURNEY), encoding="utf-8")
    ws = parcours.open(ws.root)
    ev, fb = ["customer_id,activity,channel,timestamp"], ["customer_id,timestamp,kind,score,text"]
    for i in range(12):
        c, day = f"c{i}", 1 + i
        ev += [f"{c},order_placed,web,2025-01-{day:02d}T10:00:00Z", f"{c},order_delivered,web,2025-01-{day + 3:02d}T10:00:00Z"]
        fb.append(f"{c},2025-01-{day:02d}T12:00:00Z,csat,5,Commande facile et site très clair: parfait !")
        late = i % 2 == 0
        text = (f"Livraison en retard: colis arrivé avec une semaine de retard. Inadmissible ! {HOSTILE}" if late
                else "Livraison rapide. Merci !")
        fb.append(f"{c},2025-01-{day + 4:02d}T09:00:00Z,nps,{2 if late else 9},{text}")  # no commas in texts
    (root / "ev.csv").write_text("\n".join(ev) + "\n", encoding="utf-8")
    (root / "fb.csv").write_text("\n".join(fb) + "\n", encoding="utf-8")
    ws.ingest("events", root / "ev.csv")
    ws.ingest("feedback", root / "fb.csv")
    return ws


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    ws = _ws(tmp_path_factory.mktemp("voice_report"))
    yield ws
    ws.close()


def _figure_json(html: str, div_id: str) -> list[dict]:
    """The data traces Plotly is given for one figure (decoded from the inline script)."""
    m = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*(\[.*?\]),\s*\{', html, re.DOTALL)
    assert m is not None, div_id
    return json.loads(m.group(1))


def _values(v: object) -> list:
    """A trace's array: a plain list, or Plotly's typed array ({"dtype", "bdata"}) decoded."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).tolist()
    return list(v)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_voice_section_draws_the_curve_and_escapes_verbatims(shop, tmp_path, lang):
    html = write_report(shop, tmp_path / f"r_{lang}.html", lang=lang, sections=["voice"]).read_text(encoding="utf-8")
    assert "<script>alert(" not in html  # never raw, in tables or in chart JSON
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)
    assert "&lt;script&gt;alert(&#39;voice&#39;)&lt;/script&gt;" in html or "&lt;script&gt;alert(" in text
    assert 'id="fig-voice-trend"' in html and 'id="fig-voice-curve-0"' in html
    heading = "Emotion curve: achat" if lang == "en" else "Courbe des émotions : achat"
    assert heading in html
    assert ("Delivery" if lang == "en" else "Livraison") in html and ("Irritant" in html)
    traces = _figure_json(html, "fig-voice-curve-0")
    curve = next(tr for tr in traces if tr.get("mode") == "lines+markers")
    assert curve["x"] == ["commande", "livraison", "conseil"]
    order, delivery, advice = _values(curve["y"])
    assert order > 0.3 and delivery < order and math.isnan(advice)  # nobody spoke about the store: a gap
    sizes = _values(curve["marker"]["size"])
    assert sizes[0] == sizes[1] > sizes[2]  # as many texts at both stages, none at the third
    nps = re.search(r"<td>NPS</td><td class=\"num\">([^<]+)</td>", html)
    assert nps is not None and nps.group(1).strip() in ("0.0", "0,0")  # 6 promoters (9) and 6 detractors (2)


def test_voice_section_without_feedback_says_so(tmp_path):
    ws = parcours.init(tmp_path / "empty")
    html = write_report(ws, tmp_path / "r.html", sections=["voice"]).read_text(encoding="utf-8")
    assert "No feedback yet" in html
