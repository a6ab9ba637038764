"""The list of releases for the people who publish them."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.monitoring.models import Release


@dataclass(frozen=True)
class ReleaseRow:
    release: Release
    shown: int
    primary: int
    secondary: int
    current: bool


def release_rows(session: Session) -> list[ReleaseRow]:
    releases = session.scalars(
        select(Release).order_by(
            Release.period_end.desc(), Release.period_kind, Release.version.desc()
        )
    ).all()
    seen: set = set()
    rows = []
    for release in releases:
        counts = json.loads(release.summary or "{}").get("cells", {})
        key = (release.period_kind, release.period_start)
        rows.append(
            ReleaseRow(
                release,
                counts.get("shown", 0),
                counts.get("primary", 0),
                counts.get("secondary", 0),
                key not in seen,
            )
        )
        seen.add(key)
    return rows
