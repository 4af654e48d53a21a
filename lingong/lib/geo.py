"""Distances and travel-time estimates for the 15-minute employment service circle (P-2)."""

import math
from dataclasses import dataclass

from django.conf import settings

EARTH_RADIUS_M = 6_371_008.8
# Zhongshan lies roughly within these bounds; points far outside are almost certainly typos.
CITY_BOUNDS = {"lat_min": 22.15, "lat_max": 22.80, "lng_min": 113.05, "lng_max": 113.75}
MODE_LABELS = {"walk": "步行", "ebike": "电动车", "car": "驾车"}


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class TravelMode:
    code: str
    speed_kmh: float
    detour: float

    @property
    def label(self) -> str:
        return MODE_LABELS.get(self.code, self.code)

    def minutes(self, straight_m: float) -> float:
        """Estimated minutes: straight-line distance stretched by the detour factor, at the mode's speed."""
        return straight_m * self.detour / 1000 / self.speed_kmh * 60

    def reach_m(self, minutes: float) -> float:
        """The straight-line radius reachable in the given minutes (inverse of minutes())."""
        return minutes * self.speed_kmh * 1000 / 60 / self.detour


def travel_mode(code: str) -> TravelMode:
    conf = settings.TRAVEL_MODES.get(code)
    if conf is None:
        raise ValueError(f"未知的出行方式：{code}（可选：{'、'.join(settings.TRAVEL_MODES)}）")
    return TravelMode(code=code, speed_kmh=float(conf["speed_kmh"]), detour=float(conf["detour"]))


def in_city(lat: float, lng: float) -> bool:
    b = CITY_BOUNDS
    return b["lat_min"] <= lat <= b["lat_max"] and b["lng_min"] <= lng <= b["lng_max"]


def parse_point(raw: str) -> tuple[float, float]:
    """Parse "lat,lng" into floats; raises ValueError with a Chinese message."""
    parts = [p.strip() for p in (raw or "").replace("，", ",").split(",")]
    if len(parts) != 2:
        raise ValueError("位置格式应为“纬度,经度”，例如 22.675,113.246")
    try:
        lat, lng = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError("位置中的纬度和经度必须是数字，例如 22.675,113.246") from None
    if not (math.isfinite(lat) and math.isfinite(lng)) or not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise ValueError("纬度应在 -90 到 90 之间，经度应在 -180 到 180 之间")
    return lat, lng
