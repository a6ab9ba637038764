"""What the area uploads share: a refusal that carries every problem, and reading a CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l

from app.core.errors import DomainError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def allow_large_bodies(blueprint: Blueprint, endpoints: Iterable[str], limit: int) -> None:
    """Let these upload endpoints take bodies up to `limit`, above the app-wide limit.

    The CSRF check reads the form in an app-wide hook, so the limit is raised in a hook put
    before every other one.
    """
    allowed = frozenset(endpoints)

    def raise_limit() -> None:
        if request.endpoint in allowed:
            request.max_content_length = limit

    @blueprint.record_once
    def _first_of_all(state) -> None:
        state.app.before_request_funcs.setdefault(None, []).insert(0, raise_limit)


class UploadRejected(DomainError):
    """The file was refused as a whole; `problems` lists everything wrong with it."""

    def __init__(self, problems: list) -> None:
        super().__init__(_l("Nothing was imported: the file has problems."))
        self.problems = problems


@dataclass(frozen=True)
class CsvRow:
    line: int  # the line in the file, as a spreadsheet shows it (the header is line 1)
    values: dict[str, str]


def decode_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UploadRejected([_l("The file is not UTF-8 text.")]) from error


def read_csv(data: bytes, columns: tuple[str, ...]) -> list[CsvRow]:
    """Rows of a CSV file with the given header (`;` or `,`), values stripped of spaces."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected([_l("The file is larger than 5 MB.")])
    text = decode_text(data)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise UploadRejected([_l("The file is empty.")])
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
        missing = [name for name in columns if name not in header]
        if missing:
            raise UploadRejected(
                [
                    _l(
                        "The first line must name the columns %(columns)s; missing: %(missing)s.",
                        columns=", ".join(columns),
                        missing=", ".join(missing),
                    )
                ]
            )
        rows = []
        for record in reader:
            if not any(value.strip() for value in record):
                continue  # blank lines, often at the end of a spreadsheet export
            values = {
                name: (record[i].strip() if i < len(record) else "")
                for i, name in enumerate(header)
            }
            rows.append(CsvRow(reader.line_num, values))
    except csv.Error as error:
        raise UploadRejected([_l("The file cannot be read as CSV.")]) from error
    if not rows:
        raise UploadRejected([_l("The file has a header but no rows.")])
    return rows
