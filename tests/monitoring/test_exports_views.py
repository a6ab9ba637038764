"""The download routes: what a board member gets, in their scope, audited, and 404s."""

from __future__ import annotations

import io
import json

import openpyxl
import pypdf
import pytest

from tests.monitoring.export_world import board_member, build_export_world, export_events
from tests.support import login


@pytest.fixture
def world(db_session):
    return build_export_world(db_session)


@pytest.fixture
def nord_member(client, db_session, world):
    """A board member of Nord, reading in English."""
    user = board_member(db_session, world.nord_id)
    login(client, db_session, user)
    assert client.submit("/language", {"locale": "en", "next": "/"}, page="/").status_code == 302
    return user


def url(world, tail: str) -> str:
    return f"/monitoring/releases/{world.release.id}/{tail}"


def attachment_name(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split('filename="')[1].rstrip('"')


def test_the_csv_download_is_scoped_named_for_the_period_and_audited(
    client, db_session, world, nord_member
):
    response = client.get(url(world, "export.csv"))

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Type"].count("charset") == 1
    assert attachment_name(response) == "tidlig-2026-Q3-v1.csv"
    text = response.get_data().decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].split(";") == [
        "unit_code", "unit_name", "level", "district", "measure",
        "category", "age_band", "gender", "value", "rate",
    ]  # fmt: skip
    assert "A2;\"'=HYPERLINK(" in text
    assert any(line.startswith("A2;") and line.endswith(";<5;") for line in lines)
    assert not any(line.startswith(("A3;", "D2;")) for line in lines)  # Syd is not theirs
    [event] = export_events(db_session)
    assert (event.user_id, event.object_type, event.object_id) == (
        nord_member.id, "release", str(world.release.id)
    )  # fmt: skip
    assert json.loads(event.details) == {"format": "csv", "unit": None}


def test_the_workbook_download(client, db_session, world, nord_member):
    response = client.get(url(world, "export.xlsx"))

    assert response.status_code == 200
    assert attachment_name(response) == "tidlig-2026-Q3-v1.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert book.sheetnames == [
        "About", "Areas", "By category", "By age band", "By gender", "Odense Kommune", "Nord",
    ]  # fmt: skip
    assert json.loads(export_events(db_session)[0].details)["format"] == "xlsx"


def test_the_geojson_download(client, db_session, world, nord_member):
    response = client.get(url(world, "areas.geojson"))

    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert attachment_name(response) == "tidlig-2026-Q3-v1.geojson"
    collection = json.loads(response.get_data())
    assert [f["properties"]["code"] for f in collection["features"]] == ["A2", "A1"]
    assert json.loads(export_events(db_session)[0].details)["format"] == "geojson"


def test_the_area_profile_pdf_shows_the_area_its_small_counts_and_trend(
    client, db_session, world, nord_member
):
    response = client.get(url(world, "areas/A1.pdf"))

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert attachment_name(response) == "tidlig-2026-Q3-v1-A1.pdf"
    pdf = pypdf.PdfReader(io.BytesIO(response.get_data()))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Area profile: Vollsmose" in text
    assert "<5" in text and "–" in text
    assert "2026-Q2" in text and "Family" in text and "By gender" in text
    assert "Counts from 1 to 4" in text
    assert json.loads(export_events(db_session)[0].details) == {"format": "pdf", "unit": "A1"}


@pytest.mark.parametrize("tail", ["export.csv", "export.xlsx", "areas.geojson", "areas/A1.pdf"])
def test_a_release_that_does_not_exist_is_a_404(client, db_session, world, nord_member, tail):
    response = client.get(f"/monitoring/releases/{world.release.id + 1000}/{tail}")

    assert response.status_code == 404
    assert export_events(db_session) == []


@pytest.mark.parametrize("code", ["A3", "D2", "NOPE"])
def test_an_area_outside_the_release_or_scope_is_a_404(
    client, db_session, world, nord_member, code
):
    response = client.get(url(world, f"areas/{code}.pdf"))

    assert response.status_code == 404
    assert "Bolbro" not in response.get_data(as_text=True)
    assert export_events(db_session) == []
