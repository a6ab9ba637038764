"""Districts (one per SSP local board) and areas, a fixed partition of the municipality."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base


class District(Base):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    areas: Mapped[list[Area]] = relationship(back_populates="district", order_by="Area.name")


class Area(Base):
    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    # GeoJSON geometry (WGS84); drawn server-side, never sent to a map service.
    geometry: Mapped[str] = mapped_column(Text)
    youth_population: Mapped[int | None] = mapped_column(Integer)
    # Published together with this neighbour while its population is under the minimum.
    publish_with_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))

    district: Mapped[District] = relationship(back_populates="areas")
