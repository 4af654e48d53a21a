"""Station pages through the web: finder, detail, directory exports, and the back-office forms."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lingong.accounts.models import AuditEntry
from lingong.places.models import Station

pytestmark = pytest.mark.django_db


def test_finder_near_a_town_orders_by_minutes(client, personas, towns):
    page = client.get(
        reverse("places:finder"), {"near_town": towns["小榄"].code, "mode": "ebike"}
    ).content.decode()
    assert page.index("中山市（小榄镇）就业驿站") < page.index("中山市（东区街道）零工市场")
    assert "电动车约" in page


def test_finder_htmx_returns_the_partial_only(client, personas):
    response = client.get(reverse("places:finder"), {"kind": "gig_market"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "中山市（东区街道）零工市场" in body and "小榄镇）就业驿站" not in body


def test_finder_bad_point_is_a_clear_error(client, personas):
    response = client.get(reverse("places:finder"), {"near": "north"})
    assert response.status_code == 400
    assert "纬度" in response.content.decode()


def test_finder_list_page_query_count_is_flat(client, personas, towns, django_assert_max_num_queries):
    from lingong.places.services import create_station

    for i, name in enumerate(["永宁社区", "绩东一社区", "九洲基社区", "联丰社区"]):
        create_station(
            actor=personas.city_admin,
            data={
                "name": f"中山市（小榄镇{name}）就业驿站",
                "kind": "employment_station",
                "town": towns["小榄"],
                "lat": 22.67 + i / 1000,
                "lng": 113.25,
                "status": "operating",
            },
        )
    with django_assert_max_num_queries(8):
        client.get(reverse("places:finder"))


def test_detail_shows_hours_qr_and_edit_link_only_for_staff(client, personas):
    url = reverse("places:detail", args=[personas.station_a.code])
    page = client.get(url).content.decode()
    assert "08:30-17:30" in page and "<svg" in page and "编辑站点信息" not in page
    client.force_login(personas.coordinator_a)
    assert "编辑站点信息" in client.get(url).content.decode()


def test_directory_and_compliance_exports(client, personas):
    from django.utils import timezone

    from lingong.places.services import note_ledger_activity

    note_ledger_activity(personas.station_a, timezone.localdate())
    response = client.get(reverse("places:compliant") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and len(rows) == 2
    assert rows[1][0] == "中山市（小榄镇）就业驿站" and rows[1][15] == "是"
    full = load_workbook(io.BytesIO(client.get(reverse("places:directory") + "?format=xlsx").content)).active
    names = [r[0] for r in full.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted([personas.station_a.name, personas.station_b.name])
    page = client.get(reverse("places:directory")).content.decode()
    assert "台账近30天无记录" in page  # station B has no ledger yet


def _full_form(station, **overrides):
    data = {
        "name": station.name,
        "kind": station.kind,
        "town": station.town_id,
        "industry": "",
        "address": station.address,
        "lat": station.lat,
        "lng": station.lng,
        "host_venue": "",
        "host_venue_name": "",
        "operating_mode": "",
        "status": station.status,
        "status_since": "2023-11-15",
        "accepted_on": "2023-11-15",
        "contact_name": station.contact_name,
        "phone": station.phone,
        "services": station.services,
        "occupations": "、".join(station.occupations),
        "exceptions": "",
        **{f"hours_{d}": "06:30-11:30" for d in range(7)},
    }
    data.update(overrides)
    return data


def test_town_admin_edits_own_town_and_is_refused_elsewhere(client, personas):
    client.force_login(personas.town_admin_b)
    b = personas.station_b
    response = client.post(
        reverse("places:edit", args=[b.code]), _full_form(b, address="中山市东区兴中道6号")
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.address == "中山市东区兴中道6号"
    assert AuditEntry.objects.filter(
        action="station.update", object_id=b.code, actor=personas.town_admin_b
    ).exists()
    a = personas.station_a
    refused = client.post(reverse("places:edit", args=[a.code]), _full_form(a, address="改不了"))
    assert refused.status_code == 403
    a.refresh_from_db()
    assert a.address != "改不了"


def test_town_admin_cannot_move_a_station_to_another_town(client, personas, towns):
    client.force_login(personas.town_admin_b)
    b = personas.station_b
    response = client.post(reverse("places:edit", args=[b.code]), _full_form(b, town=towns["小榄"].id))
    assert response.status_code == 200  # the town is not among the choices: a form error, nothing saved
    b.refresh_from_db()
    assert b.town == towns["东区"]


def test_invalid_edit_saves_nothing_and_explains(client, personas):
    client.force_login(personas.city_admin)
    b = personas.station_b
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("places:edit", args=[b.code]),
        _full_form(b, name="东区打零工", phone="12", hours_0="早上", lat=30.0),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“早上”不是有效的时间段" in page
    b.refresh_from_db()
    assert b.name == "中山市（东区街道）零工市场" and b.opening_hours.count() == 7
    assert AuditEntry.objects.count() == before
    # Fix the hours: now the service-level checks speak (name rule, phone, coordinates), still nothing saved.
    response = client.post(
        reverse("places:edit", args=[b.code]), _full_form(b, name="东区打零工", phone="12", lat=30.0)
    )
    page = response.content.decode()
    assert "名称应符合" in page and "联系电话格式不正确" in page and "不在中山市范围内" in page
    assert AuditEntry.objects.count() == before


def test_coordinator_gets_the_limited_form(client, personas):
    client.force_login(personas.coordinator_a)
    a = personas.station_a
    page = client.get(reverse("places:edit", args=[a.code])).content.decode()
    assert 'name="name"' not in page and 'name="hours_0"' in page
    # Fields outside the coordinator's remit are ignored even if posted.
    client.post(
        reverse("places:edit", args=[a.code]),
        {
            "name": "中山市（小榄镇）零工市场",
            "contact_name": "李协理",
            "phone": "13800138000",
            "services": ["rest"],
            **{f"hours_{d}": "09:00-12:00" for d in range(6)},
        },
    )
    a.refresh_from_db()
    assert a.name == "中山市（小榄镇）就业驿站" and a.contact_name == "李协理" and a.services == ["rest"]
    assert a.opening_hours.count() == 6


def test_town_admin_creates_a_station_in_own_town_only(client, personas, towns):
    client.force_login(personas.town_admin_b)
    data = _full_form(
        personas.station_b,
        name="中山市（东区街道）就业驿站",
        kind="employment_station",
        status="building",
        lat=22.52,
        lng=113.41,
    )
    assert client.post(reverse("places:new"), data).status_code == 302
    created = Station.objects.get(name="中山市（东区街道）就业驿站")
    assert created.town == towns["东区"] and not created.is_demo_site
    data.update(name="中山市（小榄镇）零工市场", town=towns["小榄"].id, kind="gig_market")
    assert client.post(reverse("places:new"), data).status_code == 200
    assert not Station.objects.filter(name="中山市（小榄镇）零工市场").exists()


def test_coverage_page_names_the_short_towns(client, personas):
    client.force_login(personas.town_admin_b)
    page = client.get(reverse("places:coverage")).content.decode()
    assert "小榄（缺零工市场）" in page and "东区（缺就业驿站）" in page


def test_edit_form_shows_dates_in_the_date_inputs(client, personas):
    import datetime as dt

    from lingong.places.services import update_station

    update_station(
        personas.station_b,
        actor=personas.city_admin,
        data={"status_since": dt.date(2023, 11, 15), "accepted_on": dt.date(2023, 11, 20)},
    )
    client.force_login(personas.city_admin)
    page = client.get(reverse("places:edit", args=[personas.station_b.code])).content.decode()
    # A browser's date input only accepts ISO dates; anything else would post back blank and reset them.
    assert 'value="2023-11-15"' in page and 'value="2023-11-20"' in page
