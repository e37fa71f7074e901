"""The chair's brief for one meeting as HTML (on screen and for print) and as an A4 PDF.

One template (``brief_body.html``) renders the brief's content; the app's ``/meeting/{id}`` page embeds
it with links and graphs, and ``brief_print.html`` wraps it in a self-contained A4 page (page size,
margins, running title, date, generated-on and "Page n of N" in the margins) that prints cleanly
from a browser and that WeasyPrint turns into the PDF. Nothing is fetched from anywhere: the print
page has no external resource, and the PDF renderer refuses any URL.

PDF: WeasyPrint (a CSS paged-media engine in Python on Pango) rather than headless Chromium, because
it honours ``@page`` margin boxes and ``counter(pages)``, needs no browser process or temporary files,
and runs in-process for both the CLI and the API. It is imported only when a PDF is asked for; when
its system library is missing the error says what to install, in one line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from orggraph.engine.models import MeetingBrief
from orggraph.errors import OrgGraphError

HERE = Path(__file__).parent
_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))

STATUS_TEXT = {"planned": "Planned: still to be taken", "decided": "Decided", "deferred": "Deferred",
               "referred": "Referred"}
ACTION_TEXT = {"exclude": "Exclude: leaves the room (no discussion, no vote)",
               "no_vote": "No vote: may stay for the discussion, does not vote"}
ACTION_SHORT = {"exclude": "Exclude: leaves the room", "no_vote": "No vote: may stay for the discussion"}
RULING_TEXT = {"left_room": "left the room", "stayed_no_vote": "stayed, did not vote",
               "participated": "took part", "papers_withheld": "papers withheld"}
BREACH_TEXT = {"voted_while_conflicted": "Breach: voted while conflicted",
               "not_declared_at_meeting": "Breach: not declared at the meeting",
               "acted_against_ruling": "Breach: acted against the chair's ruling"}
DECLARATION_TEXT = {"declared": "Declared", "partial": "Partly declared", "undeclared": "Undeclared"}
TEXTS = {"STATUS_TEXT": STATUS_TEXT, "ACTION_TEXT": ACTION_TEXT, "ACTION_SHORT": ACTION_SHORT, "RULING_TEXT": RULING_TEXT,
         "BREACH_TEXT": BREACH_TEXT, "DECLARATION_TEXT": DECLARATION_TEXT}


class PdfUnavailable(OrgGraphError):
    """The PDF renderer (WeasyPrint, or the Pango library under it) is not installed."""


def brief_title(brief: MeetingBrief) -> str:
    """The brief's heading: "Chair's brief: <committee>, <date>"."""
    return f"Chair's brief: {brief.committee_name or brief.committee_id or brief.meeting_id}, {brief.date}"


def render_brief_body(brief: MeetingBrief, names: Mapping[str, str], url: Callable[[str], str] | None = None,
                      graphs: Mapping[str, Markup] | None = None) -> Markup:
    """The brief's content as an HTML fragment: links through ``url`` (none in print), and each
    item's graph from ``graphs`` (by decision id) on screen."""
    html = _env.get_template("brief_body.html").render(brief=brief, names=names, url=url, graphs=graphs or {},
                                                         **TEXTS)
    return Markup(html)


def _css_text(value: str) -> str:
    # Dates and timestamps only, safe inside a CSS string in a <style> element.
    return re.sub(r"[^0-9A-Za-z:+ ._-]", "", value)


def render_brief_html(brief: MeetingBrief, names: Mapping[str, str]) -> str:
    """A self-contained A4 page of the brief (no links, no graphs, no external resource)."""
    plain = brief.model_copy(update={"date": _css_text(brief.date), "generated_on": _css_text(brief.generated_on)})
    return _env.get_template("brief_print.html").render(
        brief=plain, title=brief_title(brief), body=render_brief_body(brief, names))


def _refuse_urls(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"the brief loads nothing from outside, refused {url!r}")


def _weasyprint() -> Any:
    try:
        import weasyprint
    except ImportError:
        raise PdfUnavailable("PDF output needs WeasyPrint: pip install weasyprint (or reinstall orggraph)") from None
    except OSError as exc:  # WeasyPrint is there, its system library (Pango) is not
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise PdfUnavailable("PDF output needs the Pango library (Debian/Ubuntu: apt-get install libpango-1.0-0 "
                             f"libpangoft2-1.0-0): {first}") from None
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    """A4 PDF bytes of a self-contained HTML page (WeasyPrint)."""
    weasyprint = _weasyprint()
    pdf: bytes = weasyprint.HTML(string=html, url_fetcher=_refuse_urls).write_pdf()
    return pdf


def render_brief_pdf(brief: MeetingBrief, names: Mapping[str, str]) -> bytes:
    """The brief as an A4 PDF: the print page, rendered by WeasyPrint."""
    return html_to_pdf(render_brief_html(brief, names))


__all__ = ["PdfUnavailable", "brief_title", "html_to_pdf", "render_brief_body", "render_brief_html",
           "render_brief_pdf"]
