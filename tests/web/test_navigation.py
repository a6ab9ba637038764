"""The main menu: each role's own items, in the reader's language (kept per role and language)."""

from __future__ import annotations

import re

from app.auth.roles import Role
from tests.factories import make_user
from tests.support import login


def menu_of(html: str) -> list[tuple[str, str]]:
    menu = re.search(r'<ul class="mainmenu">(.*?)</ul>', html, re.S)
    assert menu, "no main menu"
    return re.findall(
        r'<a class="nav-link" href="([^"]+)"[^>]*><span>([^<]+)</span>', menu.group(1)
    )


def test_each_role_sees_its_own_menu_in_its_own_language(app, client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    board = make_user(db_session, Role.BOARD)
    db_session.commit()
    as_coordinator, as_board = client, app.test_client()  # both TestClient (the fixture's)
    login(as_coordinator, db_session, coordinator)
    login(as_board, db_session, board)

    for _round in range(2):  # the second round is served from what the first one kept
        coordinator_menu = menu_of(as_coordinator.get("/").get_data(as_text=True))
        board_menu = menu_of(as_board.get("/").get_data(as_text=True))
        assert ("/cases", "Sager") in coordinator_menu
        assert ("/meetings", "Møder") in coordinator_menu
        assert ("/monitoring/", "Områdestatistik") in board_menu
        assert not any(href.startswith(("/cases", "/meetings")) for href, _ in board_menu)

    as_coordinator.submit("/language", {"locale": "en", "next": "/"})
    english_menu = menu_of(as_coordinator.get("/").get_data(as_text=True))
    assert ("/cases", "Cases") in english_menu
    assert ("/meetings", "Meetings") in english_menu
    danish_board_menu = menu_of(as_board.get("/").get_data(as_text=True))
    assert ("/monitoring/", "Områdestatistik") in danish_board_menu


def test_the_current_page_is_marked_in_the_menu(app, client, db_session):
    coordinator = make_user(db_session, Role.COORDINATOR)
    db_session.commit()
    login(client, db_session, coordinator)
    html = client.get("/cases").get_data(as_text=True)
    assert re.search(r'<li class="active current"><a class="nav-link" href="/cases"', html)
    assert 'href="/cases" aria-current="page"' in html
