"""The board dashboard: a hatched map, the same numbers in the table, no hidden value leaks."""

from __future__ import annotations

import re
from html import unescape

import pytest

from app.auth.roles import Role
from app.monitoring.models import BoardMembership
from tests.factories import make_user
from tests.monitoring.board_world import AREAS, LATEST, PLANTED_RATE, board_world
from tests.support import login

PATH = re.compile(
    r'<path d="[^"]*" fill-rule="evenodd" class="map-area ([\w-]+)"\s+'
    r'data-code="([^"]+)"[^>]*><title>([^<]*)</title>'
)


def shapes(html: str) -> dict[str, tuple[str, str]]:
    """{area code: (map class, title)} of the map's paths."""
    return {code: (css_class, title) for css_class, code, title in PATH.findall(html)}


def cell(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{re.escape(testid)}">([^<]*)<', html)
    assert match, testid
    return unescape(match.group(1)).strip()


def number(text: str) -> float:
    return float(text.replace("\xa0", "").replace(".", "").replace(",", "."))


@pytest.fixture
def coordinator(client, db_session):
    login(client, db_session, make_user(db_session, Role.COORDINATOR))
    return client


def test_the_map_has_one_shape_per_area_and_hatches_every_hidden_one(coordinator, db_session):
    world = board_world(db_session)
    response = coordinator.get("/monitoring/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'role="img"' in html and "aria-label=" in html
    drawn = shapes(html)
    assert sorted(drawn) == sorted(code for code, *_rest in AREAS)
    assert list(drawn) == sorted(drawn), "shapes are drawn by code, never by value"
    # The merged unit is two polygons, one with a hole: three rings in one path.
    merged = re.search(r'<path d="([^"]*)"[^>]*data-code="7003\+7004"', html).group(1)
    assert merged.count("M") == 3
    for code in ("7002", "7003+7004"):  # primary and secondary: the same class, no number
        css_class, title = drawn[code]
        assert css_class == "map-hidden"
        assert not re.search(r"\d", title), title
    assert drawn["7105"][0] == "map-norate"
    assert html.count('id="map-hatch"') == 1 and 'fill="url(#map-hatch)"' in html
    assert world["latest"].label in html


def test_the_table_shows_labels_and_never_a_hidden_or_derived_number(coordinator, db_session):
    board_world(db_session)
    html = coordinator.get("/monitoring/").get_data(as_text=True)
    assert cell(html, "concerns-7001") == "41"
    assert cell(html, "concerns-7002") == "<5"
    assert cell(html, "concerns-7003+7004") == "–"
    assert cell(html, "concerns-D01") == "55" and cell(html, "concerns-ALL") == "160"
    assert number(cell(html, "rate-7001")) == 20.5
    # The planted rate of a suppressed cell appears nowhere, in no notation.
    for planted in (str(PLANTED_RATE), str(PLANTED_RATE).replace(".", ",")):
        assert planted not in html
    assert not re.search(r"\d", cell(html, "rate-7002"))
    assert not re.search(r"\d", cell(html, "rate-7105"))  # shown count, no rate
    note = re.search(r'data-testid="suppression-note">(.*?)</div>', html, re.S).group(1)
    assert "“&lt;5”" in note and "“–”" in note  # both marks explained, in any language


def test_legend_and_table_agree(coordinator, db_session):
    board_world(db_session)
    html = coordinator.get("/monitoring/").get_data(as_text=True)
    legend = dict(
        re.findall(r'data-legend-class="(map-class-\d)">.*?</svg>\s*([^<]+)</li>', html, re.S)
    )
    assert 2 <= len(legend) <= 5
    drawn = shapes(html)
    for code, (_value, status, rate) in LATEST.items():
        if code not in drawn or status != "shown" or rate is None:
            continue
        css_class, title = drawn[code]
        shown = number(cell(html, f"rate-{code}"))
        assert shown == rate and title.endswith(cell(html, f"rate-{code}"))
        row = re.search(rf'data-testid="row-{re.escape(code)}" data-map-class="([\w-]+)"', html)
        assert row.group(1) == css_class
        bounds = unescape(legend[css_class]).strip()
        if bounds.startswith("≤"):
            assert shown <= number(bounds[1:])
        elif bounds.startswith(">"):
            assert shown > number(bounds[1:])
        else:
            low, high = (number(part) for part in bounds.split("–"))
            assert low < shown <= high


def test_sorting_by_value_puts_every_hidden_row_last_in_name_order(coordinator, db_session):
    board_world(db_session)
    html = coordinator.get("/monitoring/?sort=value").get_data(as_text=True)
    order = re.findall(r'data-testid="row-([^"]+)"', html)
    assert order[:5] == ["7104", "7103", "7001", "7102", "7101"]
    # Without a rate or hidden: by name (Bolbro, Dalum og Fruens Bøge, Tarup) after the rest.
    assert order[-3:] == ["7002", "7003+7004", "7105"]
    count = coordinator.get("/monitoring/?sort=value&layer=count").get_data(as_text=True)
    order = re.findall(r'data-testid="row-([^"]+)"', count)
    assert order[-2:] == ["7002", "7003+7004"]
    assert shapes(count)["7105"][0].startswith("map-class-")


def test_early_warning_flags_the_clear_rise_only(coordinator, db_session):
    board_world(db_session)
    html = coordinator.get("/monitoring/").get_data(as_text=True)
    assert 'data-testid="warning-7001"' in html
    warning = re.search(r'data-testid="warning-7001">(.*?)</li>', html, re.S).group(1)
    assert "41" in warning and "10,5" in warning and "p &lt; 0,001" in warning
    for code in ("7101", "7103", "7002", "ALL"):
        assert f'data-testid="warning-{code}"' not in html


def test_invalid_choices_fall_back_to_the_defaults(coordinator, db_session):
    board_world(db_session)
    for query in (
        "release=99999",
        "release=abc&layer=../../etc",
        "scope=<script>",
        "sort=x",
        "layer=indicator:nope",
        "release=&layer=&scope=&sort=",
    ):
        response = coordinator.get(f"/monitoring/?{query}")
        html = response.get_data(as_text=True)
        assert response.status_code == 200, query
        assert 'data-testid="choices-corrected"' in html, query
        assert "2026-Q3" in html and len(shapes(html)) == len(AREAS)
    assert 'data-testid="choices-corrected"' not in coordinator.get("/monitoring/").text


def test_a_release_and_a_scope_can_be_chosen(coordinator, db_session):
    world = board_world(db_session)
    html = coordinator.get(f"/monitoring/?release={world['earlier'][0].id}&scope=D01").text
    assert "2025-Q3" in html
    assert sorted(shapes(html)) == ["7001", "7002", "7003+7004"]
    assert cell(html, "concerns-7001") == "10"
    assert 'data-testid="total-D02"' not in html and 'data-testid="total-ALL"' in html


def test_a_board_member_sees_the_areas_of_their_districts(client, db_session):
    world = board_world(db_session)
    member = make_user(db_session, Role.BOARD)
    db_session.add(BoardMembership(user_id=member.id, district_id=world["syd"].id))
    db_session.commit()
    login(client, db_session, member)
    html = client.get("/monitoring/?scope=D01").text  # not theirs: the default instead
    assert 'data-testid="choices-corrected"' in html
    assert sorted(shapes(html)) == sorted(c for c, _n, d, _s in AREAS if d == "D02")


def test_the_indicator_layer_is_offered_and_drawn(coordinator, db_session):
    pytest.importorskip("app.monitoring.indicators")
    from app.monitoring.models import IndicatorDefinition, IndicatorValue
    from tests.monitoring.factories import make_area

    world = board_world(db_session)
    definition = IndicatorDefinition(
        key="absence", name_da="Skolefravær", name_en="School absence", unit="share"
    )
    db_session.add(definition)
    db_session.flush()
    shown = make_area(db_session, world["syd"], "7101", "Hjallese")
    small = make_area(db_session, world["syd"], "7102", "Korsløkke")
    db_session.add_all(
        [
            IndicatorValue(
                indicator_id=definition.id,
                area_id=shown.id,
                period="2026",
                value=0.125,
                denominator=400,
            ),
            IndicatorValue(
                indicator_id=definition.id,
                area_id=small.id,
                period="2026",
                value=0.5,
                denominator=2,
            ),
        ]
    )
    db_session.commit()
    html = coordinator.get("/monitoring/?layer=indicator:absence").text
    assert 'data-testid="choices-corrected"' not in html
    assert "Skolefravær" in html
    assert "12,5" in cell(html, "indicator-7101")
    drawn = shapes(html)
    assert drawn["7101"][0] == "map-class-1"
    assert drawn["7102"][0] == "map-hidden" and "50" not in cell(html, "indicator-7102")
    assert drawn["7001"][0] == "map-nodata"


def test_before_the_first_release_a_friendly_page(coordinator):
    response = coordinator.get("/monitoring/")
    assert response.status_code == 200
    assert 'data-testid="no-release"' in response.text
    assert 'data-testid="board-map"' not in response.text
    assert coordinator.get("/monitoring/crosstab").status_code == 200


def test_every_number_on_the_page_is_a_published_one(coordinator, db_session):
    """SB-D1.6: text, titles and attributes carry only published figures (or labels, years)."""
    board_world(db_session)
    html = coordinator.get("/monitoring/").text
    assert "css/monitoring.css" in html
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(
        r' (d|href|viewBox|x\d?|y\d?|width|height|value|patternTransform)="[^"]*"', "", main
    )
    main = re.sub(r'(data-code|data-testid|class|id|xmlns)="[^"]*"', "", main)
    published = set()
    for value, status, rate in LATEST.values():
        if status == "shown":
            published |= {str(value), str(max(value - 1, 0))}  # concerns, young people
            if rate is not None:
                published.add(f"{rate:.1f}".replace(".", ","))
    legend = {"8,1", "12,0", "20,0", "30,0"}  # class bounds of the shown rates
    labels = {
        "2025-Q3",
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
        "1,000",
        "1.000",
        "5",
        "0.05",
        "0,05",
        "10,5",
        "0,001",
    }  # periods, "per 1,000" (either language), k, the test's level, the warning
    # Numbers not glued to a word (h1, Q3 alone), ending in a digit ("5," is "5").
    found = set(re.findall(r"(?<![A-Za-z\d])\d(?:[\d,.]*\d)?(?:-Q\d)?", unescape(main)))
    assert found - published - legend - labels == set()


def test_the_table_shows_an_areas_class_and_why(coordinator, db_session):
    pytest.importorskip("app.monitoring.classification")
    import json

    from app.monitoring.models import AreaClassification, ClassificationRule, IndicatorDefinition
    from tests.monitoring.factories import make_area

    world = board_world(db_session)
    area = make_area(db_session, world["syd"], "7101", "Hjallese")
    db_session.add_all(
        [
            IndicatorDefinition(
                key="absence", name_da="Skolefravær", name_en="School absence", unit="share"
            ),
            ClassificationRule(
                class_key="risk_area",
                label_da="Risikoområde",
                label_en="Risk area",
                conditions="[]",
                min_conditions=1,
            ),
            AreaClassification(
                area_id=area.id,
                year=2026,
                class_key="risk_area",
                reasons=json.dumps(
                    [
                        {
                            "indicator": "absence",
                            "op": ">=",
                            "threshold": 0.1,
                            "value": 0.125,
                            "status": "shown",
                            "held": True,
                        },
                        {
                            "indicator": "absence",
                            "op": ">=",
                            "threshold": 0.2,
                            "value": None,
                            "status": "hidden",
                            "held": False,
                        },
                    ]
                ),
            ),
        ]
    )
    db_session.commit()
    html = coordinator.get("/monitoring/").text
    row = re.search(r'data-testid="row-7101".*?</tr>', html, re.S).group(0)
    assert "Risikoområde" in row and "Skolefravær ≥ 10,0 % (12,5 %)" in row
    assert "20,0" not in row
