"""The self-contained HTML report: one file, every chart inside, readable offline in English or French.

The page inlines Plotly's JavaScript once and draws each figure from :mod:`parcours.report.charts`;
it loads nothing from the network (no CDN, no web font), and its Content-Security-Policy allows
only its own scripts, so it can be mailed, archived or opened on a plane. Sections come from the
registry in :mod:`parcours.report.sections`, and so does the table of contents.

>>> import parcours, tempfile, pathlib
>>> ws = parcours.init(tempfile.mkdtemp())
>>> path = write_report(ws, pathlib.Path(ws.root) / "report.html", lang="fr")
>>> "Sommaire" in path.read_text(encoding="utf-8")
True
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from parcours.report.charts import plotly_locale_js
from parcours.report.i18n import check_lang, fmt_date, t

if TYPE_CHECKING:
    from parcours.workspace import Workspace

#: Where the default report title lives, to translate it when the user kept it.
_DEFAULT_TITLE = "Customer experience report"


#: Redraws every chart at its container's final width once the page is laid out (charts drawn
#: while the page was still loading measured a narrower or wider box), and on later resizes.
RESIZE_JS = """(function () {
  function resizeAll() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) { Plotly.Plots.resize(el); });
  }
  window.addEventListener("load", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
})();"""


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """Plotly's JavaScript library (inlined once in each report's ``<head>``)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def write_report(ws: Workspace, out: str | Path, *, lang: str | None = None,
                 progress: Callable[[str], None] | None = None,
                 sections: Sequence[str] | None = None) -> Path:
    """Write the HTML report of a workspace to ``out`` and return its path.

    ``lang`` is ``"en"`` or ``"fr"`` (default: ``report.lang`` of ``parcours.yaml``); ``progress``
    receives a message as each section starts; ``sections`` picks section ids (default: all, in
    registry order).

    >>> import parcours, tempfile
    >>> ws = parcours.init(tempfile.mkdtemp())
    >>> write_report(ws, ws.root / "r.html", sections=["overview"]).name
    'r.html'
    """
    from parcours import __version__
    from parcours.report import journeys as _journeys  # noqa: F401 - registers its section
    from parcours.report import customers as _customers  # noqa: F401 - registers its section
    from parcours.report import health as _health  # noqa: F401 - registers its section
    from parcours.report import voice as _voice  # noqa: F401 - registers right after journeys (so, last)
    from parcours.report.sections import SECTIONS, csp_hash, environment, trusted_scripts

    lang = check_lang(lang if lang is not None else ws.config.report.lang)
    say = progress or (lambda _msg: None)
    chosen = list(SECTIONS)
    if sections is not None:
        known = {s.id: s for s in SECTIONS}
        unknown = [s for s in sections if s not in known]
        if unknown:
            raise ValueError(f"unknown report section(s) {', '.join(unknown)}; sections: {', '.join(known)}")
        chosen = [known[s] for s in sections]

    built = []
    with trusted_scripts() as hashes:
        for section in chosen:
            title = t(section.title_key, lang)
            say(t("progress.section", lang, title=title))
            built.append({"id": section.id, "title": title, "html": section.build(ws, lang)})
    js = plotly_js()
    locale_js = plotly_locale_js(lang)
    script_src = " ".join([csp_hash(js), csp_hash(locale_js), csp_hash(RESIZE_JS), *sorted(hashes)])
    csp = (f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
           "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")
    title = ws.config.report.title
    if title == _DEFAULT_TITLE:
        title = t("report.default_title", lang)
    now = datetime.now(UTC).replace(tzinfo=None)
    html = environment().get_template("report.html.j2").render(
        lang=lang, title=title, csp=csp, version=__version__, sections=built,
        plotly_js=js, locale_js=locale_js, resize_js=RESIZE_JS,
        tagline=t("report.tagline", lang), toc_title=t("report.toc", lang),
        generated=t("report.generated", lang, date=fmt_date(now, lang, time=True), name=ws.config.name),
        footer=t("report.footer", lang, version=__version__),
    )
    out = Path(out)
    say(t("progress.writing", lang, path=out))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8", newline="\n")
    return out


__all__ = ["plotly_js", "write_report"]
