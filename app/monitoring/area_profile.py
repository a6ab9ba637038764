"""A printable profile of one area (or district) of a release, as PDF.

The same published figures as the board pages and the other exports: totals, breakdowns by
category, age band and gender, the trend over the releases of the same period kind, and the
note on what "<k" and "–" mean. WeasyPrint renders it without ever going on the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import render_template
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.audit.actor import Actor
from app.core.pdf import html_to_pdf
from app.monitoring.exports import (
    Published,
    ScopedRelease,
    audit_export,
    disclosure_note,
    published,
)
from app.monitoring.models import Release, ReleaseUnit
from app.monitoring.release_labels import DimensionLabels
from app.monitoring.release_reader import (
    DIMENSIONS,
    MISSING,
    breakdown,
    current_releases,
    figures,
    series,
)

TREND_LENGTH = 8
SAFE_CODE = re.compile(r"[^A-Za-z0-9_-]")

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
p { margin: 0 0 2mm 0; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm 0; page-break-inside: avoid; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border: 0.4pt solid #bbb; }
th { background: #eee; }
td.number { text-align: right; }
.muted { color: #555; }
.note { font-size: 8.5pt; border: 0.4pt solid #999; padding: 1.5mm; }
"""


@dataclass(frozen=True)
class ProfileRow:
    label: str
    shown: Published


@dataclass(frozen=True)
class Breakdown:
    title: str
    rows: list[ProfileRow]


@dataclass(frozen=True)
class AreaProfile:
    release: Release
    unit: ReleaseUnit
    district: str
    total: Published
    persons: Published
    breakdowns: list[Breakdown]
    trend: list[ProfileRow]
    note: str


def _trend_releases(session: Session, release: Release) -> list[Release]:
    """This release and the current releases of the same kind before it (a profile of an
    older release does not show what came after)."""
    earlier = [
        other
        for other in current_releases(session, release.period_kind)
        if other.period_start < release.period_start
    ]
    return [release, *earlier][:TREND_LENGTH]


def build_profile(session: Session, scoped: ScopedRelease, unit_code: str) -> AreaProfile:
    """Raises UnitNotFound for a unit outside the release or the reader's scope."""
    release = scoped.release
    unit = scoped.unit(unit_code)
    labels = DimensionLabels(release)
    titles = {"category": _("By category"), "age_band": _("By age band"), "gender": _("By gender")}
    breakdowns = []
    for dimension in DIMENSIONS:
        cells = breakdown(session, release, unit.code, dimension)
        rows = [
            ProfileRow(label, published(cells.get(key, MISSING), release.k))
            for key, label in labels.choices_for(dimension, cells)
        ]
        breakdowns.append(Breakdown(titles[dimension], rows))
    trend = [
        ProfileRow(other.label, published(figure, other.k))
        for other, figure in series(session, _trend_releases(session, release), unit.code)
    ]
    total = figures(session, release, "concerns", [unit.code]).get(unit.code, MISSING)
    persons = figures(session, release, "persons", [unit.code]).get(unit.code, MISSING)
    return AreaProfile(
        release=release,
        unit=unit,
        district=scoped.district_name(unit) if unit.level == "area" else "",
        total=published(total, release.k),
        persons=published(persons, release.k),
        breakdowns=breakdowns,
        trend=trend,
        note=disclosure_note(release.k),
    )


def profile_filename(profile: AreaProfile) -> str:
    """Period, version and the area's code: a place, never a person."""
    code = SAFE_CODE.sub("", profile.unit.code)[:40] or "area"
    release = profile.release
    return f"tidlig-{release.label}-v{release.version}-{code}.pdf"


def rate_label(shown: Published) -> str:
    """A shown rate with one decimal in the reader's notation; nothing for a hidden one."""
    return "" if shown.rate is None else format_decimal(shown.rate, format="0.0")


def render_profile_pdf(profile: AreaProfile) -> bytes:
    """The profile as PDF, in the language of the current request."""
    html = render_template(
        "monitoring_exports/area_profile.html", profile=profile, rate_label=rate_label
    )
    return html_to_pdf(html, PRINT_CSS)


def export_profile(
    session: Session, actor: Actor, scoped: ScopedRelease, unit_code: str
) -> tuple[str, bytes]:
    """(file name, PDF) of a unit's profile; raises UnitNotFound outside the reader's scope."""
    profile = build_profile(session, scoped, unit_code)
    body = render_profile_pdf(profile)
    audit_export(session, actor, scoped.release, "pdf", profile.unit.code)
    return profile_filename(profile), body
