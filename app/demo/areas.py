"""Areas from GeoJSON, grouped into districts by proximity (illustrative, not Odense's own)."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from sqlalchemy.orm import Session

from app.areas.models import Area, District

DEFAULT_GEOJSON = Path(__file__).parent / "data" / "odense-parishes.geojson"
DISTRICT_COUNT = 10


def _outer_rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def centroid(geometry: dict) -> tuple[float, float]:
    points = [p for ring in _outer_rings(geometry) for p in ring]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def ring_area(ring: list[list[float]]) -> float:
    return abs(sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:], strict=False))) / 2


def group_by_proximity(points: list[tuple[float, float]], k: int, rng: random.Random) -> list[int]:
    """Plain k-means on centroids: each area joins the nearest of k district centres."""
    centres = [points[i] for i in sorted(rng.sample(range(len(points)), k))]
    labels = [0] * len(points)
    for _ in range(50):
        labels = [min(range(k), key=lambda c: math.dist(p, centres[c])) for p in points]
        for c in range(k):
            members = [p for p, label in zip(points, labels, strict=True) if label == c]
            if members:
                centres[c] = (
                    sum(m[0] for m in members) / len(members),
                    sum(m[1] for m in members) / len(members),
                )
    return labels


def load_demo_areas(
    session: Session, rng: random.Random, path: Path = DEFAULT_GEOJSON
) -> list[Area]:
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    points = [centroid(f["geometry"]) for f in features]
    labels = group_by_proximity(points, min(DISTRICT_COUNT, len(features)), rng)
    districts: dict[int, District] = {}
    for label in sorted(set(labels)):
        members = [f for f, lab in zip(features, labels, strict=True) if lab == label]
        largest = max(members, key=lambda f: sum(map(ring_area, _outer_rings(f["geometry"]))))
        districts[label] = District(code=f"D{label + 1:02d}", name=largest["properties"]["name"])
        session.add(districts[label])
    session.flush()
    areas = []
    for feature, label in zip(features, labels, strict=True):
        area = Area(
            code=str(feature["properties"]["code"]),
            name=feature["properties"]["name"],
            district_id=districts[label].id,
            geometry=json.dumps(feature["geometry"], separators=(",", ":")),
            youth_population=rng.randrange(150, 2500),
        )
        session.add(area)
        areas.append(area)
    session.flush()
    return areas
