"""The HTML report: one offline file, Plotly inlined once, data escaped, English and French, and a
real headless Chromium that renders every chart without touching the network."""

from __future__ import annotations

import html as htmllib
import re
import shutil
from pathlib import Path

import pytest
from tests.report.conftest import HOSTILE

from parcours.report import plotly_js, sections, write_report
from parcours.report.sections import Section, csp_hash, register, render

CHARTS = 15  # overview 4, journeys 3 (funnel, transition map, paths), voice 1 (survey trend: no journey declared), customers 5 (tiers x2, moves x2, retention), health 1, customer 360 1


@pytest.fixture(scope="module")
def report_en(tiny, tmp_path_factory) -> str:
    path = write_report(tiny, tmp_path_factory.mktemp("rep") / "report.html", lang="en")
    return path.read_text(encoding="utf-8")


def _text(html: str) -> str:
    """The page's text without tags, entities decoded (what a reader sees, roughly)."""
    return htmllib.unescape(re.sub(r"<script.*?</script>|<style.*?</style>|<[^>]+>", " ", html, flags=re.DOTALL))


def test_self_contained_no_remote_script_or_stylesheet(report_en):
    # the markup, script bodies left out (Plotly's bundle mentions map-tile URLs it never loads here)
    markup = re.sub(r"(<script[^>]*>).*?(</script>)", r"\1\2", report_en, flags=re.DOTALL | re.IGNORECASE)
    assert not re.search(r"<script[^>]*\bsrc\s*=", markup, re.IGNORECASE)
    assert not re.search(r"<link\b", markup, re.IGNORECASE)
    assert not re.search(r"""(?:src|href|action|srcset|poster)\s*=\s*["']?\s*(?:https?:)?//""", markup, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", markup, re.IGNORECASE)
    assert not re.search(r"https?://", markup)
    head = report_en.split("</head>")[0]
    assert "fonts.googleapis" not in report_en and "cdn.plot.ly/plotly" not in head


def test_plotly_inlined_once_and_every_chart_drawn(report_en):
    js = plotly_js()
    assert report_en.count(js[:300]) == 1
    assert report_en.index(js[:300]) < report_en.index("</head>")
    assert report_en.count('class="plotly-graph-div"') == CHARTS
    assert report_en.count("Plotly.newPlot(") == CHARTS + js.count("Plotly.newPlot(")
    ids = re.findall(r'<div id="([^"]+)" class="plotly-graph-div"', report_en)
    assert len(set(ids)) == CHARTS and all(i.startswith("fig-") for i in ids)


def test_csp_allows_exactly_the_reports_own_scripts(report_en):
    csp = htmllib.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', report_en).group(1))
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    bodies = re.findall(r"<script>(.*?)</script>", report_en, re.DOTALL)
    assert len(bodies) >= CHARTS + 2
    for body in bodies:
        assert csp_hash(body) in csp


def test_hostile_verbatims_are_escaped(report_en):
    assert HOSTILE not in report_en and "<img src=x" not in report_en
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report_en  # shown in the customer-360 timeline
    assert "&lt;img src=x onerror=alert(2)&gt;" in report_en
    assert HOSTILE in _text(report_en)


def test_key_figures_and_sections(report_en):
    text = _text(report_en)
    for heading in ("Overview", "Customer 360 example", "Customers", "Events", "Identifiers stitched",
                    "Quarantined rows", "Contents"):
        assert heading in text
    cards = dict(re.findall(r'id="kpi-(\w+)">\s*<div class="label">[^<]*</div>\s*<div class="value[^"]*">([^<]*)<',
                            report_en))
    assert cards == {"customers": "2", "events": "9", "channels": "4", "period": "5 Jan 2025 – 15 Mar 2025",
                     "identities": "5", "quarantined": "2", "feedback": "2", "cases": "1"}
    assert "web.csv" in text and "Unreadable date" in text and "not a date" in text
    toc = re.search(r'<nav class="toc".*?</nav>', report_en, re.DOTALL).group(0)
    assert re.findall(r'href="#([\w-]+)"', toc) == [s.id for s in sections.SECTIONS]


def test_customer_360_identifiers_are_masked(report_en):
    assert "b@x.fr" not in report_en and "b••••@x.fr" in report_en


def test_french_report(tiny, tmp_path):
    html = write_report(tiny, tmp_path / "rapport.html", lang="fr").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    text = _text(html)
    for heading in ("Vue d'ensemble", "Exemple de vue client 360°", "Sommaire", "Clients", "Événements",
                    "Identités rapprochées", "Lignes en quarantaine", "Parcours clients", "Rapport d'expérience client",
                    "Chronologie", "Date illisible", "5 janv. 2025 – 15 mars 2025"):
        assert heading in text, heading
    for english in ("Overview", "Contents", "Quarantined rows", "Identifiers stitched"):
        assert english not in text, english
    assert "Plotly.register(" in html and '"locale": "fr"' in html


def test_french_numbers(tmp_path):
    import parcours

    ws = parcours.init(tmp_path / "ws")
    rows = "\n".join(f"2025-01-01 10:{i % 60:02d},visit,web,c{i}@x.fr" for i in range(1234))
    (tmp_path / "e.csv").write_text("t,a,c,e\n" + rows + "\n", encoding="utf-8")
    ws.ingest("events", tmp_path / "e.csv", mapping={"table": "events", "columns": {"timestamp": "t", "activity": "a",
                                                                                       "channel": "c"},
                                                     "identifiers": {"email": "e"}})
    fr = write_report(ws, tmp_path / "fr.html", lang="fr", sections=["overview"]).read_text(encoding="utf-8")
    en = write_report(ws, tmp_path / "en.html", lang="en", sections=["overview"]).read_text(encoding="utf-8")
    assert '<div class="value">1\u202f234</div>' in fr and '<div class="value">1,234</div>' in en


def test_language_defaults_to_config_and_unknown_is_refused(empty, tmp_path):
    empty.config.report.lang = "fr"
    html = write_report(empty, tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    with pytest.raises(ValueError, match="en, fr"):
        write_report(empty, tmp_path / "r.html", lang="de")
    with pytest.raises(ValueError, match="overview"):
        write_report(empty, tmp_path / "r.html", sections=["nope"])


def test_empty_workspace_report(empty, tmp_path):
    html = write_report(empty, tmp_path / "sub" / "r.html", lang="en").read_text(encoding="utf-8")
    text = _text(html)
    assert "No data yet" in html and "No customer to show yet." in text and "parcours ingest" in text


def test_progress_reports_each_section(tiny, tmp_path):
    seen: list[str] = []
    write_report(tiny, tmp_path / "r.html", progress=seen.append)
    assert seen[:6] == ["report: Overview", "report: Journeys", "report: Voice of the customer: scores and emotions",
                        "report: Customers: personas, tiers, retention", "report: Health and churn risk",
                        "report: Customer 360 example"]
    assert "writing" in seen[-1]


def test_sections_come_from_the_registry(tiny, tmp_path, monkeypatch):
    import parcours.report.journeys  # noqa: F401 - its section registers on import

    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    register(Section("extra", "c360.profile", lambda ws, lang: render("sections/empty.html.j2", message=HOSTILE)),
             after="overview")
    html = write_report(tiny, tmp_path / "r.html", lang="fr").read_text(encoding="utf-8")
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.DOTALL).group(0)
    assert re.findall(r'href="#([\w-]+)"', toc) == ["overview", "extra", "journeys", "voice", "customers", "health",
                                                        "customer360"]
    assert '<section class="report-section" id="extra"' in html and ">Profil</h2>" in html
    assert HOSTILE not in html
    with pytest.raises(ValueError, match="no section"):
        register(Section("x", "c360.profile", lambda ws, lang: ""), after="missing")


def _chromium() -> str:
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(exe).exists(), "Debian's chromium is not installed: run `make chromium` (make test does)"
    return exe


@pytest.mark.browser
def test_report_renders_offline_in_headless_chromium(tiny, tmp_path):
    from playwright.sync_api import sync_playwright

    exe = _chromium()
    path = write_report(tiny, tmp_path / "report.html", lang="fr")
    remote, console_errors, page_errors, dialogs = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            def guard(route):
                if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
                    route.continue_()
                else:
                    remote.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "blob:", "about:"))
                    else remote.append(r.url))
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: page_errors.append(str(e)))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation',"
                                 " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {CHARTS}", timeout=20_000)
            page.wait_for_timeout(300)
            per_chart = page.eval_on_selector_all(
                ".plotly-graph-div", "els => els.map(e => [e.id, e.querySelectorAll('.main-svg').length])")
            bars = page.eval_on_selector_all("#fig-overview-volumes .bars path", "els => els.length")
            markers = page.eval_on_selector_all("#fig-c360-timeline .point", "els => els.length")
            hostile_cell = page.locator("#table-c360-timeline td", has_text="alert(1)").first.inner_text()
            scripts = page.eval_on_selector_all("script", "els => els.length")
            buttons = page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")
            injected = page.eval_on_selector_all("img, iframe, object, embed", "els => els.length")
            csp_violations = page.evaluate("window.__csp")
            widths = page.eval_on_selector_all(
                ".chart", "els => els.map(e => [e.clientWidth, e.querySelector('.main-svg') ?"
                          " e.querySelector('.main-svg').getBoundingClientRect().width : 0])")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()

    assert remote == [], f"remote requests attempted: {remote}"
    assert console_errors == [] and page_errors == [], (console_errors, page_errors)
    assert csp_violations == []
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert len(per_chart) == CHARTS and all(n >= 1 for _, n in per_chart), per_chart
    assert bars > 0 and markers > 0
    assert hostile_cell.strip() == HOSTILE and injected == 0
    assert scripts == CHARTS + 3  # Plotly, its French locale, the resize hook, one per chart
    # the modebar is there (in French), without Plotly's "Share chart" upload button
    assert "Réinitialiser les axes" in buttons or "Échelle automatique" in buttons, buttons
    assert not any("Share" in (b or "") or "cloud" in (b or "").lower() for b in buttons), buttons
    assert all(svg <= box + 1 for box, svg in widths), f"a chart overflows its box: {widths}"
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_docstring_examples_run():
    import doctest
    import importlib

    for mod in ("parcours.report", "parcours.report.i18n", "parcours.report.overview", "parcours.report.charts",
                "parcours.report.sections"):
        failures, _ = doctest.testmod(importlib.import_module(mod), optionflags=doctest.ELLIPSIS)
        assert failures == 0, mod
