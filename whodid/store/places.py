"""Filters on where events happened (whodid.places fills the store's place columns): the
country of the place and a bounding box, for `whodid events`/`dyads`/`export` and
`Store.events(place_country=..., bbox=...)`."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any


class BoxError(ValueError):
    pass


def parse_bbox(value: str | Sequence[float]) -> tuple[float, float, float, float]:
    """ "MIN_LON,MIN_LAT,MAX_LON,MAX_LAT" (or four numbers) -> the box; a box whose west edge
    is east of its east edge crosses the 180th meridian."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    try:
        west, south, east, north = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise BoxError(f"bbox {value!r}: give MIN_LON,MIN_LAT,MAX_LON,MAX_LAT, four numbers "
                       f"(e.g. 22,44,40,53)") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise BoxError(f"bbox {value!r}: longitudes lie in -180..180, latitudes in -90..90, "
                       f"south before north")
    return west, south, east, north


def place_conditions(place_country: str | None, bbox: Any) -> tuple[list[str], list[Any]]:
    """SQL conditions over events `e` and their parameters."""
    conds: list[str] = []
    params: list[Any] = []
    if place_country:
        conds.append("upper(e.place_country) = upper(?)")
        params.append(place_country)
    if bbox:
        west, south, east, north = parse_bbox(bbox)
        lon = "e.lon BETWEEN ? AND ?" if west <= east else "(e.lon >= ? OR e.lon <= ?)"
        conds.append(f"(e.lat BETWEEN ? AND ? AND {lon})")
        params += [south, north, west, east]
    return conds, params


def add_place_filters(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--place-country", dest="place_country", metavar="CODE",
                       help="country where the event happened (ISO3, e.g. UKR)")
    group.add_argument("--bbox", metavar="W,S,E,N",
                       help="events placed inside the box MIN_LON,MIN_LAT,MAX_LON,MAX_LAT")
