"""Agenda and minutes as PDF, rendered by WeasyPrint from the same read model as the page.

The renderer never goes on the network: the HTML holds no links to fetch, and the URL
fetcher refuses every URL anyway, so a stray reference can never reach out. The font is
DejaVu Sans, which the system packages provide (see .ci/run).
"""

from __future__ import annotations

from flask import render_template

from app.core.pdf import html_to_pdf
from app.meetings.minutes import VERSION_LABELS, MeetingDocument

PRINT_CSS = """
@page {
  size: A4;
  margin: 18mm 16mm 20mm 16mm;
  @bottom-left { content: string(doc-title); font-size: 8pt; color: #555; }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; }
}
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 16pt; margin: 0 0 2mm 0; string-set: doc-title content(); }
h2 { font-size: 12pt; margin: 6mm 0 2mm 0; border-bottom: 0.4pt solid #999; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm 0; }
h4 { font-size: 9.5pt; margin: 2mm 0 1mm 0; }
p { margin: 0 0 2mm 0; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm 0; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border: 0.4pt solid #bbb; }
th { background: #eee; }
dl { margin: 0 0 2mm 0; }
dt { display: inline; font-weight: bold; }
dt::after { content: ": "; }
dd { display: inline; margin: 0; }
dd::after { content: "\\A"; white-space: pre; }
.item { page-break-inside: avoid; }
.muted { color: #555; }
.classification { font-size: 8pt; color: #555; border: 0.4pt solid #999; padding: 1.5mm; }
.tidlig-doc-text { white-space: pre-wrap; }
"""


def render_pdf(doc: MeetingDocument) -> bytes:
    """The PDF of an agenda or minutes, in the language of the current request."""
    html = render_template("meeting_docs/print.html", doc=doc, version_labels=VERSION_LABELS)
    return html_to_pdf(html, PRINT_CSS)


def pdf_filename(doc: MeetingDocument) -> str:
    """Date and document only: the name a file gets on a desktop must not identify a child."""
    stem = "referat" if doc.document == "minutes" else "agenda"
    suffix = "" if doc.recipient.version == "committee" else f"-{doc.recipient.version}"
    return f"tidlig-{stem}-{doc.held_on.isoformat()}{suffix}.pdf"
