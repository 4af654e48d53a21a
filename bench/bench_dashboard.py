"""Monitoring dashboard: the city and town pages, the big screen and the public summary, rendered from
the daily snapshots of the demo (2,000 workers, 300 employers, 300 open gigs, 90 days of history).

Baselines in the same process: computing one day's figures live from the raw records (what every
figure would cost without snapshots; a 90-day trend needs 90 of them), and the same page with the
history grown to 365 days by copying snapshot rows (the page must not slow down as history grows).
"""

from __future__ import annotations

import datetime as dt
import time

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse

from bench.timing import median_ms


def _grow_history(days: int) -> int:
    """Copy the oldest snapshot day backwards until there are `days` days (figures unchanged)."""
    from lingong.monitoring.models import DailySnapshot

    oldest = DailySnapshot.objects.order_by("day").values_list("day", flat=True).first()
    assert oldest is not None, "no snapshots to copy"
    have = DailySnapshot.objects.values("day").distinct().count()
    template = [
        {f.attname: getattr(row, f.attname) for f in DailySnapshot._meta.fields if f.attname != "id"}
        for row in DailySnapshot.objects.filter(day=oldest)
    ]
    rows = [
        DailySnapshot(**{**values, "day": oldest - dt.timedelta(days=back)})
        for back in range(1, days - have + 1)
        for values in template
    ]
    DailySnapshot.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def run() -> dict:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        call_command("load_reference", verbosity=0)
        call_command("seed_demo", verbosity=0)  # the make-run demo, with 90 days of history

        from lingong.accounts.demo import current_code
        from lingong.accounts.models import User
        from lingong.monitoring.metrics import People, compute_day
        from lingong.monitoring.models import DailySnapshot
        from lingong.monitoring.read import latest_day
        from lingong.places.models import Town

        day = latest_day()
        assert day is not None
        days = DailySnapshot.objects.values("day").distinct().count()
        town = Town.objects.get(short="小榄").code
        client = Client()
        client.force_login(User.objects.get(username="city_admin"))
        # The city admin's second factor, as the demo account's authenticator app would give it.
        code = current_code("city_admin", time.time())
        assert client.post(reverse("accounts:otp_verify"), {"code": code}).status_code == 302
        for path in ["/monitoring/", f"/monitoring/?town={town}", "/monitoring/screen/"]:
            assert client.get(path).status_code == 200, path

        city = median_ms(lambda: client.get("/monitoring/"), repeat=30)
        town_page = median_ms(lambda: client.get("/monitoring/", {"town": town}), repeat=30)
        screen = median_ms(lambda: client.get("/monitoring/screen/"), repeat=30)
        summary_api = median_ms(lambda: client.get("/api/v1/stats/summary", {"town": "小榄"}), repeat=30)
        people = People.load()
        live_day = median_ms(lambda: compute_day(day, people), repeat=10, warmup=2)
        live_load = median_ms(People.load, repeat=10, warmup=2)

        _grow_history(365)
        city_365 = median_ms(lambda: client.get("/monitoring/"), repeat=30)
        rows = DailySnapshot.objects.count()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    live_trend_ms = round(live_load["p50_ms"] + 90 * live_day["p50_ms"], 1)
    return {
        "history_days": days,
        "snapshot_rows_after_growth": rows,
        "city_dashboard": city,
        "town_dashboard": town_page,
        "big_screen": screen,
        "summary_api": summary_api,
        "live_one_day": live_day,
        "live_people_load": live_load,
        "city_dashboard_365_days": city_365,
        "summary": {
            "history_days": days,
            "city_p50_ms": city["p50_ms"],
            "town_p50_ms": town_page["p50_ms"],
            "screen_p50_ms": screen["p50_ms"],
            "summary_api_p50_ms": summary_api["p50_ms"],
            "target_ms": 300,
            "live_trend_90d_ms": live_trend_ms,
            "ratio_live_trend_vs_city_page": round(live_trend_ms / city["p50_ms"], 1),
            "city_365d_p50_ms": city_365["p50_ms"],
            "ratio_365d_vs_demo_history": round(city_365["p50_ms"] / city["p50_ms"], 2),
        },
    }
