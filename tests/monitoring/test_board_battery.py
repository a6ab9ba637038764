"""SB-D1 for the board role: every board output, crawled, holds no person and no small number.

Concerns are recorded through the real service (with a canary young person), counted into
the rollups, published through the real release builder, and then every route a board
member may open (HTML, CSV, XLSX, GeoJSON, PDF, API) is fetched.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import yaml
from sqlalchemy import select

from app.auth.roles import Role
from app.cases.concerns import record_concern
from app.monitoring.models import BoardMembership, ReleaseCell
from app.monitoring.periods import last_complete
from app.monitoring.releases import publish_release
from tests.cases.helpers import actor_for, concern_input, new_person
from tests.factories import make_user
from tests.monitoring.release_world import three_parishes
from tests.support import login
from tests.web.helpers import api_token_for

CANARY = {"first": "Zorbatronix", "last": "Mikkelsen", "cpr": "010203-1234"}
NARRATIVE = "Kastede sten mod bussen ved Ejbygade-kanarie."
MATRIX = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "policy_matrix.yaml").read_text(encoding="utf-8")
)["routes"]


def board_world(db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    district, areas = three_parishes(db_session)
    quarter = last_complete("quarter", dt.date.today())
    on = quarter.start + dt.timedelta(days=10)
    record_concern(db_session, actor_for(coordinator), concern_input(
        areas[0].id, occurred_on=on, narrative=NARRATIVE, categories=["weapons"],
        new_persons=[new_person(first=CANARY["first"], last=CANARY["last"], cpr=CANARY["cpr"],
                                gender="female")]))
    for number in range(9):
        record_concern(db_session, actor_for(coordinator), concern_input(
            areas[1].id, occurred_on=on, new_persons=[new_person(first=f"Ung{number}",
                                                                  last="Hansen")]))
    db_session.commit()
    release = publish_release(db_session, actor_for(coordinator), quarter.label, dt.date.today())
    member = make_user(db_session, Role.BOARD)
    db_session.add(BoardMembership(user_id=member.id, district_id=district.id))
    db_session.commit()
    return release, district, areas, member


def board_paths(app, release, district, unit_code: str) -> list[str]:
    values = {"release_id": release.id, "district_id": district.id, "unit_code": unit_code}
    adapter = app.url_map.bind("localhost", url_scheme="https")
    paths = []
    for rule in app.url_map.iter_rules():
        allowed = MATRIX.get(rule.endpoint, {}).get("GET", [])
        if "board" not in allowed or not rule.rule.startswith("/monitoring"):
            continue
        if not set(rule.arguments) <= set(values):
            continue  # plans, goals, indicators: no aggregates of concerns
        paths.append(adapter.build(rule.endpoint, {k: values[k] for k in rule.arguments}))
    return paths


def readable(response) -> str:
    body = response.get_data()
    if body[:2] == b"PK":  # XLSX: the text of every part
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())
    if body[:4] == b"%PDF":
        from pypdf import PdfReader

        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


def assert_no_person(text: str, where: str) -> None:
    for secret in (*CANARY.values(), CANARY["cpr"].replace("-", ""), NARRATIVE, "Ung3"):
        assert secret not in text, (where, secret)


def test_every_board_output_is_free_of_persons(app, client, db_session):
    release, district, areas, member = board_world(db_session)
    login(client, db_session, member)
    unit_code = next(u.code for u in release.units if u.level == "area")
    paths = board_paths(app, release, district, unit_code)
    assert len(paths) >= 10, paths
    for path in [*paths, f"/monitoring/?release={release.id}&layer=count&scope=whole"]:
        response = client.get(path)
        assert response.status_code in (200, 302), (path, response.status_code)
        assert_no_person(readable(response), path)
    token = api_token_for(db_session, member)
    headers = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/monitoring/releases",
                 f"/api/v1/monitoring/releases/{release.id}/areas.geojson",
                 f"/api/v1/monitoring/releases/{release.id}/table?rows=area",
                 f"/api/v1/monitoring/releases/{release.id}/table?rows=category&cols=gender"
                 f"&unit={district.code}"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        assert_no_person(response.get_data(as_text=True), path)


def test_a_hidden_figure_is_stored_without_any_number(db_session):
    release, *_ = board_world(db_session)
    cells = db_session.scalars(select(ReleaseCell).where(ReleaseCell.release_id == release.id))
    hidden = [c for c in cells if c.status != "shown"]
    assert hidden, "the canary's single concern must be hidden"
    for cell in hidden:
        assert (cell.value, cell.rate, cell.amount) == (None, None, None)


def test_the_weapons_concern_of_one_girl_is_not_on_any_board_page(app, client, db_session):
    release, district, _areas, member = board_world(db_session)
    login(client, db_session, member)
    page = client.get(f"/monitoring/district/{district.id}?release={release.id}")
    text = page.get_data(as_text=True)
    # One concern about weapons (one girl): the figure shows as "<5", never as 1.
    weapons_rows = re.findall(r"V[åa]ben[^<]*</t[hd]>\s*<td[^>]*>([^<]*)<", text)
    assert weapons_rows and all(value.strip() in ("&lt;5", "<5", "–", "0")
                                for value in weapons_rows), weapons_rows
