"""The administrator's area pages over HTTP, as an administrator sees them (in English)."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.areas.models import Area
from app.audit.models import AuditEvent
from app.auth.roles import Role
from app.monitoring.boundaries import import_boundaries
from app.monitoring.models import BoardMembership
from app.monitoring.settings import thresholds
from tests.factories import make_user
from tests.monitoring.areas_helpers import grouping_csv, parishes_bytes
from tests.monitoring.factories import make_district
from tests.support import login
from tests.web.helpers import TEST_ACTOR


@pytest.fixture
def admin_client(client, db_session):
    login(client, db_session, make_user(db_session, Role.ADMIN))
    client.submit(
        "/language", {"locale": "en", "next": "/monitoring/admin/"}, page="/monitoring/admin/"
    )
    return client


def upload(client, path: str, **files: bytes):
    """A multipart POST encoded here: the test client would spool a large body to a temp file
    that it leaves open when the app refuses the body unread (413)."""
    fields = {"csrf_token": client.csrf_token(path)}
    fields |= {
        name: FileStorage(io.BytesIO(content), filename=f"{name}.txt")
        for name, content in files.items()
    }
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def area_count(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Area))


def actions(session, action: str) -> list[dict]:
    session.rollback()
    rows = session.scalars(select(AuditEvent.details).where(AuditEvent.action == action))
    return [json.loads(details) for details in rows]


def test_uploading_the_parishes_shows_the_counts_then_the_areas(admin_client, db_session):
    response = upload(
        admin_client,
        "/monitoring/admin/boundaries",
        boundaries=parishes_bytes(),
        districts=grouping_csv(),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    assert "Areas created: 35" in html and "Areas not in the file (kept): 0" in html
    assert "Districts created: 3" in html
    assert area_count(db_session) == 35
    page = admin_client.get("/monitoring/admin/").get_data(as_text=True)
    assert 'data-testid="district-N"' in page and "Vollsmose" in page
    assert "Threshold k: 5." in page


def test_a_broken_upload_answers_422_with_the_report_and_changes_nothing(admin_client, db_session):
    broken = json.loads(parishes_bytes())
    broken["features"][2]["geometry"] = {"type": "Point", "coordinates": [10.4, 55.4]}
    del broken["features"][4]["properties"]["name"]
    response = upload(
        admin_client,
        "/monitoring/admin/boundaries",
        boundaries=json.dumps(broken).encode(),
        districts=grouping_csv(),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported. The file has 2 problems:" in html
    assert "Feature 3 (code" in html and "is a Point; only Polygon and MultiPolygon" in html
    assert "Feature 5 (code" in html and "has no name" in html
    assert area_count(db_session) == 0


def test_a_missing_file_is_asked_for(admin_client):
    response = upload(admin_client, "/monitoring/admin/populations")
    assert response.status_code == 422
    assert "Choose a file." in response.get_data(as_text=True)


def test_a_file_over_5_mb_is_refused_with_a_clear_message(admin_client, db_session):
    big = b'{"type": "FeatureCollection", "features": []}' + b" " * (5 * 1024 * 1024)
    response = upload(admin_client, "/monitoring/admin/boundaries", boundaries=big)
    assert response.status_code == 422
    assert "The file is larger than 5 MB." in response.get_data(as_text=True)
    huge = b" " * (11 * 1024 * 1024)
    response = upload(admin_client, "/monitoring/admin/populations", populations=huge)
    assert response.status_code == 413
    assert "The file is larger than 5 MB." in response.get_data(as_text=True)


def test_populations_upload_and_the_under_minimum_warning(admin_client, db_session):
    import_boundaries(db_session, TEST_ACTOR, parishes_bytes(), grouping_csv())
    db_session.commit()
    vollsmose = db_session.scalar(select(Area).where(Area.name == "Vollsmose"))
    rows = [
        f"{code},2025,1000"
        for code in db_session.scalars(select(Area.code))
        if code != vollsmose.code
    ]
    csv = "area_code;year;youth_population\n" + "\n".join(rows).replace(",", ";")
    csv += f"\n{vollsmose.code};2025;120\n"
    response = upload(admin_client, "/monitoring/admin/populations", populations=csv.encode())
    assert response.status_code == 200
    assert "Figures added: 35" in response.get_data(as_text=True)
    page = admin_client.get("/monitoring/admin/").get_data(as_text=True)
    row = page.split(f'data-testid="area-{vollsmose.code}"')[1].split("</tr>")[0]
    assert "120" in row and "under the minimum" in row
    published_as = row.split('data-title="Published as">')[1].split("</td>")[0]
    assert " + " in published_as and "Vollsmose" in published_as
    bad = upload(
        admin_client,
        "/monitoring/admin/populations",
        populations=b"area_code,year,youth_population\nXX,2025,1\n",
    )
    assert bad.status_code == 422
    assert "Line 2: there is no area with code XX." in bad.get_data(as_text=True)


def test_naming_a_neighbour(admin_client, db_session):
    import_boundaries(db_session, TEST_ACTOR, parishes_bytes(), grouping_csv())
    db_session.commit()
    area = db_session.scalar(select(Area).where(Area.name == "Vollsmose"))
    same_district = db_session.scalar(
        select(Area)
        .where(Area.district_id == area.district_id, Area.id != area.id)
        .order_by(Area.code)
    )
    elsewhere = db_session.scalar(select(Area.id).where(Area.district_id != area.district_id))
    path = f"/monitoring/admin/areas/{area.id}/neighbour"
    assert "Automatic (now: " in admin_client.get(path).get_data(as_text=True)
    refused = admin_client.submit(path, {"publish_with_id": elsewhere})
    assert refused.status_code == 422
    response = admin_client.submit(path, {"publish_with_id": same_district.id})
    assert response.status_code == 302
    assert actions(db_session, "monitoring.area.neighbour") == [
        {"before": None, "after": same_district.code}
    ]
    assert db_session.get(Area, area.id).publish_with_id == same_district.id
    page = admin_client.get("/monitoring/admin/").get_data(as_text=True)
    row = page.split(f'data-testid="area-{area.code}"')[1].split("</tr>")[0]
    assert same_district.name in row


def test_k_below_3_is_refused_and_lowering_k_is_logged(admin_client, db_session):
    response = admin_client.submit("/monitoring/admin/settings", {"k": 2, "min_population": 200})
    assert response.status_code == 422
    assert "k must be at least 3: smaller counts could point at a person." in response.get_data(
        as_text=True
    )
    response = admin_client.submit("/monitoring/admin/settings", {"k": 4, "min_population": 150})
    assert response.status_code == 302
    db_session.rollback()
    assert (thresholds(db_session).k, thresholds(db_session).min_population) == (4, 150)
    assert actions(db_session, "monitoring.k_lowered") == [{"old_k": 5, "new_k": 4}]


def test_board_memberships_are_saved(admin_client, db_session):
    member = make_user(db_session, Role.BOARD, full_name="Birthe Bestyrelse")
    north, south = make_district(db_session, "N", "Nord"), make_district(db_session, "S", "Syd")
    db_session.commit()
    listing = admin_client.get("/monitoring/admin/memberships").get_data(as_text=True)
    assert "Birthe Bestyrelse" in listing and "The whole municipality" in listing
    path = f"/monitoring/admin/memberships/{member.id}"
    response = admin_client.submit(path, {"district_ids": [north.id, south.id]})
    assert response.status_code == 302
    db_session.rollback()
    assert sorted(db_session.scalars(select(BoardMembership.district_id))) == [north.id, south.id]
    listing = admin_client.get("/monitoring/admin/memberships").get_data(as_text=True)
    assert "Nord, Syd" in listing
    coordinator = make_user(db_session, Role.COORDINATOR)
    refused = admin_client.submit(
        f"/monitoring/admin/memberships/{coordinator.id}", {"district_ids": [north.id]}, page=path
    )
    assert refused.status_code == 422
    assert "Only local board members are given districts." in refused.get_data(as_text=True)


def test_a_board_member_cannot_open_the_area_administration(client, db_session):
    login(client, db_session, make_user(db_session, Role.BOARD))
    assert client.get("/monitoring/admin/").status_code == 403
    assert client.get("/monitoring/admin/memberships").status_code == 403
