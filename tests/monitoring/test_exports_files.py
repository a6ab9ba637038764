"""The export services without HTTP: CSV, workbook and GeoJSON carry the published labels,
never a hidden number or rate, never a formula, and only the reader's districts."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from flask_babel import gettext

from app.auth.roles import Role
from app.monitoring import exports
from app.monitoring.export_workbook import workbook_bytes
from app.monitoring.exports import CSV_COLUMNS, area_features, csv_bytes, csv_rows
from tests.factories import make_user
from tests.monitoring.export_world import (
    HOSTILE,
    SHOWN_VALUES,
    actor_of,
    board_member,
    build_export_world,
)

SHOWN_RATES = {48.2, 40.5, 67.5, 41.0}


@pytest.fixture
def world(db_session):
    return build_export_world(db_session)


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def scoped_for(db_session, user, release):
    return exports.scoped_release(db_session, actor_of(user), release)


def coordinator_view(db_session, world):
    return scoped_for(db_session, make_user(db_session, Role.COORDINATOR), world.release)


def by_key(rows: list[list[str]]) -> dict[tuple, list[str]]:
    header, *body = rows
    assert tuple(header) == CSV_COLUMNS
    return {(row[0], row[4], row[5], row[6], row[7]): row for row in body}


def test_csv_rows_show_labels_and_hide_every_suppressed_number(db_session, world, request_context):
    rows = csv_rows(db_session, coordinator_view(db_session, world))
    table = by_key(rows)
    total = gettext("All")

    assert table[("A1", "concerns", total, total, total)][8:] == ["41", "41,0"]
    assert table[("ALL", "concerns", total, total, total)][8:] == ["131", "48,2"]
    # A small count reads "<5", a protective gap "–"; neither has a rate.
    assert table[("A2", "concerns", total, total, total)][8:] == ["<5", ""]
    assert table[("A3", "concerns", total, total, total)][8:] == ["–", ""]
    assert table[("A1", "concerns", "Familie", total, total)][8:] == ["<5", ""]
    assert table[("A1", "concerns", total, "12-14 år", total)][8:] == ["–", ""]
    assert table[("A1", "persons", total, total, total)][8:] == ["<5", ""]
    assert table[("D1", "concerns", "Skole", "12-14 år", total)][8:] == ["<5", ""]
    assert table[("D1", "concerns", "Familie", total, "Dreng")][8:] == ["0", ""]
    # Nothing but shown numbers and the two labels in the value column; no planted rate.
    values = [row[8] for row in rows[1:]]
    assert set(values) - {"<5", "–"} <= {str(v) for v in SHOWN_VALUES}
    assert {int(v) for v in values if v.isdigit()} <= SHOWN_VALUES
    assert not any("3,3" in field or "3.3" in field for row in rows for field in row)
    assert table[("A1", "concerns", total, total, total)][3] == "Nord"


def test_csv_neutralises_formulas_and_opens_in_danish_excel(db_session, world, request_context):
    body = csv_bytes(csv_rows(db_session, coordinator_view(db_session, world)))

    assert body.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == list(CSV_COLUMNS)
    hostile = [row for row in parsed if row[0] == "A2"]
    assert hostile and all(row[1] == "'" + HOSTILE for row in hostile)
    # No field of the file starts like a formula.
    assert not [field for row in parsed for field in row if re.match(r"[=+\-@\t\r]", field)]


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_every_formula_start(text):
    assert exports.neutralise(text) == "'" + text
    assert exports.neutralise("Vollsmose") == "Vollsmose"
    assert exports.neutralise("–") == "–"


def test_the_board_member_exports_only_their_district(db_session, world, request_context):
    member = board_member(db_session, world.syd_id)
    scoped = scoped_for(db_session, member, world.release)

    codes = {row[0] for row in csv_rows(db_session, scoped)[1:]}
    collection = area_features(db_session, scoped)

    assert codes == {"ALL", "D2", "A3"}
    assert [feature["properties"]["code"] for feature in collection["features"]] == ["A3"]
    with pytest.raises(exports.UnitNotFound):
        scoped.unit("A1")


def test_geojson_has_one_feature_per_area_and_suppressed_stay_suppressed(
    db_session, world, request_context
):
    collection = area_features(db_session, coordinator_view(db_session, world))

    assert collection["type"] == "FeatureCollection"
    properties = {f["properties"]["code"]: f["properties"] for f in collection["features"]}
    assert set(properties) == {"A1", "A2", "A3"}
    assert all(f["geometry"]["type"] == "Polygon" for f in collection["features"])
    assert properties["A1"] == {
        "code": "A1", "name": "Vollsmose", "district_code": "D1", "district": "Nord",
        "concerns": "41", "value": 41, "rate": 41.0, "status": "shown",
    }  # fmt: skip
    assert (properties["A2"]["concerns"], properties["A2"]["value"]) == ("<5", None)
    assert (properties["A2"]["rate"], properties["A2"]["status"]) == (None, "primary")
    assert (properties["A3"]["concerns"], properties["A3"]["rate"]) == ("–", None)


def workbook(db_session, world):
    body = workbook_bytes(db_session, coordinator_view(db_session, world))
    return openpyxl.load_workbook(io.BytesIO(body))


def test_workbook_has_a_sheet_per_table_with_the_same_labels(db_session, world, request_context):
    book = workbook(db_session, world)

    names = book.sheetnames
    assert len(names) == 2 + 3 + 3  # about, areas, three dimensions, ALL + two districts
    assert {"Nord", "Syd", "Odense Kommune"} <= set(names)
    areas = {row[0].value: row for row in book[names[1]].iter_rows(min_row=2)}
    assert [c.value for c in areas["A1"][4:7]] == [41, 41.0, "<5"]
    assert areas["A1"][4].data_type == "n"
    assert [c.value for c in areas["A2"][4:6]] == ["<5", None]
    assert areas["A2"][4].data_type == "s"
    assert [c.value for c in areas["A3"][4:6]] == ["–", None]
    nord = [[c.value for c in row] for row in book["Nord"].iter_rows()]
    assert ["Skole", 36, "<5", 29] in [row[:4] for row in nord]
    about = " ".join(str(c.value) for row in book[names[0]].iter_rows() for c in row if c.value)
    assert '"<5"' in about and "2026-Q3" in about


def test_workbook_holds_no_formula_and_no_hidden_number(db_session, world, request_context):
    book = workbook(db_session, world)

    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    numbers = {c.value for c in cells if isinstance(c.value, int | float)}
    assert numbers <= SHOWN_VALUES | SHOWN_RATES
    hostile = [c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert hostile and all(c.value == "'" + HOSTILE and c.data_type == "s" for c in hostile)


def test_sheet_names_follow_excels_rules():
    from app.monitoring.export_workbook import SheetNames

    names = SheetNames()
    assert names("Nord/Syd: [x]*?") == "Nord Syd   x"
    assert names("A" * 40) == "A" * 31
    assert names("a" * 40) == "a" * 27 + " (2)"  # unique, case-insensitively
    assert len({names("Samme"), names("Samme")}) == 2


def test_file_names_hold_the_period_and_version_only(world):
    assert exports.export_filename(world.release, "csv") == "tidlig-2026-Q3-v1.csv"
    assert exports.export_filename(world.release, "xlsx") == "tidlig-2026-Q3-v1.xlsx"
