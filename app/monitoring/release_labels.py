"""Keys and labels of a release's dimensions (category, age band, gender), in its own order.

Labels are frozen into the release's summary in both languages; a key the summary does not
name is shown by its key, after the named ones.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from app.monitoring.models import ALL, Release
from app.monitoring.release_reader import DIMENSIONS, dimension_values

Combination = tuple[str, str, str]  # (category, age_band, gender), ALL for "any"


def dimension_choices(release: Release, dimension: str) -> list[tuple[str, str]]:
    """(key, label) of a dimension: the total first, then the release's order."""
    return [(ALL, _("All")), *dimension_values(release, dimension)]


class DimensionLabels:
    """Labels of every dimension of a release, read once per export or response."""

    def __init__(self, release: Release) -> None:
        self.choices = {
            dimension: dimension_choices(release, dimension) for dimension in DIMENSIONS
        }
        self.names = {dimension: dict(choices) for dimension, choices in self.choices.items()}
        self.positions = {
            dimension: {key: index for index, (key, _label) in enumerate(choices)}
            for dimension, choices in self.choices.items()
        }

    def choices_for(self, dimension: str, found: Iterable[str]) -> list[tuple[str, str]]:
        """The release's choices, and after them any key the cells hold that it does not name."""
        extra = sorted(set(found) - set(self.names[dimension]))
        return self.choices[dimension] + [(key, key) for key in extra]

    def label(self, dimension: str, key: str) -> str:
        return self.names[dimension].get(key, key)

    def labels(self, combination: Combination) -> list[str]:
        return [self.label(d, key) for d, key in zip(DIMENSIONS, combination, strict=True)]

    def sort_key(self, combination: Combination) -> tuple:
        """The release's order; keys it does not name come last, by key."""
        return tuple(
            (self.positions[d].get(key, len(self.positions[d])), key)
            for d, key in zip(DIMENSIONS, combination, strict=True)
        )
