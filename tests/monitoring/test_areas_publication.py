"""Areas under the minimum population are published with a neighbour (real parish shapes)."""

from __future__ import annotations

import pytest
from shapely.geometry import shape

from app.monitoring.models import AreaPopulation
from app.monitoring.publication_units import publication_groups, suggested_neighbour
from tests.monitoring.factories import make_area, make_district, parish_features

MINIMUM = 200


@pytest.fixture
def parishes(db_session):
    """All 35 parishes in one district, 1,000 young people each unless a test says otherwise."""
    district = make_district(db_session, "ALL", "Hele Odense")
    return {
        feature["properties"]["name"]: make_area(
            db_session,
            district,
            feature["properties"]["code"],
            feature["properties"]["name"],
            feature["geometry"],
            youth_population=1000,
        )
        for feature in parish_features()
    }


def group_of(groups, area):
    found = [group for group in groups if area.id in group.area_ids]
    assert len(found) == 1
    return found[0]


def assert_partition(groups, parishes):
    members = sorted(area_id for group in groups for area_id in group.area_ids)
    assert members == sorted(area.id for area in parishes.values())


def test_no_area_under_the_minimum_means_one_group_per_area(db_session, parishes):
    groups = publication_groups(db_session, 2026, MINIMUM)
    assert len(groups) == 35
    vollsmose = group_of(groups, parishes["Vollsmose"])
    assert (vollsmose.code, vollsmose.name, vollsmose.population) == (
        parishes["Vollsmose"].code,
        "Vollsmose",
        1000,
    )
    assert vollsmose.geometry["type"] in ("Polygon", "MultiPolygon")


def test_a_small_area_joins_the_neighbour_with_the_longest_border(db_session, parishes):
    # Vollsmose borders Fredens (~3.3 km), Korsløkke (~2.5 km), Åsum and Seden.
    parishes["Vollsmose"].youth_population = 120
    groups = publication_groups(db_session, 2026, MINIMUM)
    assert_partition(groups, parishes)
    merged = group_of(groups, parishes["Vollsmose"])
    codes = sorted([parishes["Vollsmose"].code, parishes["Fredens"].code])
    assert merged.code == "+".join(codes)
    assert merged.area_codes == tuple(codes)
    assert set(merged.name.split(" + ")) == {"Vollsmose", "Fredens"}
    assert merged.population == 1120
    expected = shape(
        next(f for f in parish_features() if f["properties"]["name"] == "Vollsmose")["geometry"]
    )
    assert shape(merged.geometry).contains(expected.representative_point())
    assert len(groups) == 34


def test_a_named_neighbour_wins_over_the_longest_border(db_session, parishes):
    parishes["Vollsmose"].youth_population = 120
    parishes["Vollsmose"].publish_with_id = parishes["Seden"].id
    merged = group_of(publication_groups(db_session, 2026, MINIMUM), parishes["Vollsmose"])
    assert set(merged.area_ids) == {parishes["Vollsmose"].id, parishes["Seden"].id}


def test_merging_chains_until_the_minimum_is_reached(db_session, parishes):
    parishes["Vollsmose"].youth_population = 50
    parishes["Fredens"].youth_population = 60
    parishes["Stige"].youth_population = 70
    groups = publication_groups(db_session, 2026, 1000)
    assert_partition(groups, parishes)
    merged = group_of(groups, parishes["Vollsmose"])
    # Vollsmose + Fredens (110); the pair's longest border (~5.8 km) is with Stige (180);
    # then the neighbour of the three sharing the longest border (1,000 more).
    assert {parishes["Fredens"].id, parishes["Stige"].id} <= set(merged.area_ids)
    assert len(merged.area_ids) == 4 and merged.population == 1180
    assert all(group.population >= 1000 for group in groups)
    assert groups == publication_groups(db_session, 2026, 1000)  # deterministic


def test_only_neighbours_in_the_same_district_are_chosen(db_session, parishes):
    east = make_district(db_session, "OST", "Øst")
    for name in ("Vollsmose", "Korsløkke"):
        parishes[name].district_id = east.id
    parishes["Vollsmose"].youth_population = 120
    db_session.flush()
    merged = group_of(publication_groups(db_session, 2026, MINIMUM), parishes["Vollsmose"])
    assert set(merged.area_ids) == {parishes["Vollsmose"].id, parishes["Korsløkke"].id}
    assert merged.district_id == east.id
    assert suggested_neighbour(db_session, parishes["Vollsmose"]).name == "Korsløkke"


def test_an_area_alone_in_its_district_stays_whole_under_the_minimum(db_session, parishes):
    alone = make_district(db_session, "ENE", "Alene")
    parishes["Højby"].district_id = alone.id
    parishes["Højby"].youth_population = 20
    db_session.flush()
    groups = publication_groups(db_session, 2026, MINIMUM)
    assert group_of(groups, parishes["Højby"]).area_ids == (parishes["Højby"].id,)
    assert group_of(groups, parishes["Højby"]).population == 20
    assert suggested_neighbour(db_session, parishes["Højby"]) is None


def test_areas_of_unknown_population_are_never_merged(db_session, parishes):
    parishes["Fredens"].youth_population = None
    parishes["Vollsmose"].youth_population = 120
    groups = publication_groups(db_session, 2026, MINIMUM)
    fredens = group_of(groups, parishes["Fredens"])
    assert fredens.area_ids == (parishes["Fredens"].id,) and fredens.population is None
    merged = group_of(groups, parishes["Vollsmose"])
    assert parishes["Korsløkke"].id in merged.area_ids  # the next-longest border


def test_the_years_population_decides(db_session, parishes):
    db_session.add(AreaPopulation(area_id=parishes["Vollsmose"].id, year=2024, youth_population=90))
    db_session.add(
        AreaPopulation(area_id=parishes["Vollsmose"].id, year=2026, youth_population=900)
    )
    db_session.flush()
    assert (
        len(group_of(publication_groups(db_session, 2025, MINIMUM), parishes["Vollsmose"]).area_ids)
        == 2
    )
    assert (
        len(group_of(publication_groups(db_session, 2026, MINIMUM), parishes["Vollsmose"]).area_ids)
        == 1
    )
