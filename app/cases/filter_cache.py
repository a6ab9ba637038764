"""The case list's filter form, rendered once per choice of filters, not once per request.

The form holds no personal data: statuses, areas, districts, age bands and categories, and
which of them the reader picked. Rendering its five selects (some 60 options) cost a fifth
of the list page; the options' query another tenth. Both are kept per application for a
minute, and forgotten at once when this process changes an area, district or category.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app
from markupsafe import Markup
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.areas.models import Area, District
from app.cases.models import ConcernCategory

OPTIONS_SECONDS = 60
RENDERED_ENTRIES = 256
_CATALOGUES = (Area, District, ConcernCategory)
_generation = [0]
_lock = threading.Lock()


@event.listens_for(Session, "after_flush")
def _forget_on_catalogue_change(session: Session, _context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(row, _CATALOGUES) for row in changed):
        with _lock:
            _generation[0] += 1


def _store() -> OrderedDict:
    return current_app.extensions.setdefault("tidlig_case_filters", OrderedDict())


def _remember(key: tuple, make: Callable, seconds: float | None = None):
    store, now = _store(), time.monotonic()
    with _lock:
        hit = store.get(key)
        if hit is not None and (seconds is None or now - hit[0] < seconds):
            store.move_to_end(key)
            return hit[1]
    value = make()
    with _lock:
        store[key] = (now, value)
        while len(store) > RENDERED_ENTRIES:
            store.popitem(last=False)
    return value


def options(locale: str, load: Callable[[], dict]) -> tuple[tuple, dict]:
    """The filter options (cached), and a key that changes whenever they do."""
    key = ("options", locale, _generation[0])
    found = _remember(key, load, OPTIONS_SECONDS)
    return (locale, _generation[0], id(found)), found


def rendered(options_key: tuple, picked: tuple, render: Callable[[], str]) -> Markup:
    return Markup(_remember(("form", options_key, picked), render))  # nosec B704  # noqa: S704
