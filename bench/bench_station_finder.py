"""Station finder: nearest stations from a point through the public API, on the demo network.

Baseline in the same process: the same request without a point (no distance work), so the ratio shows
what the 15-minute-circle computation adds on top of loading and serialising the stations.
"""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

from bench.timing import median_ms


def run() -> dict:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        call_command("load_reference", verbosity=0)
        call_command("seed_demo", "--workers", "0", "--employers", "0", verbosity=0)
        client = Client()
        near = {"near": "22.6750,113.2456", "within_minutes": "15", "mode": "ebike"}
        plain = median_ms(lambda: client.get("/api/v1/stations"))
        with_point = median_ms(lambda: client.get("/api/v1/stations", near))
        open_now = median_ms(lambda: client.get("/api/v1/stations", {"open_now": "true", **near}))
        stations = client.get("/api/v1/stations").json()["count"]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return {
        "stations": stations,
        "list_all": plain,
        "near_within_15min": with_point,
        "near_open_now": open_now,
        "summary": {
            "stations": stations,
            "near_p50_ms": with_point["p50_ms"],
            "list_p50_ms": plain["p50_ms"],
            "ratio_near_vs_list": round(with_point["p50_ms"] / plain["p50_ms"], 2),
        },
    }
