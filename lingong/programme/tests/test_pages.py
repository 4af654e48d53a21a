"""Programme pages through the web: who may open them, the forms, the alerts, the exports and the API."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from lingong.programme import funds
from lingong.programme.models import Expenditure, StationProgress

from .helpers import building_station, tick_all

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def _pages(personas):
    return [
        reverse("programme:overview"),
        reverse("programme:funds"),
        reverse("programme:funds") + "?format=xlsx",
        reverse("programme:expenditures") + "?format=xlsx",
        reverse("programme:expenditure_new"),
        reverse("programme:adjustments"),
        reverse("programme:coverage"),
        reverse("programme:station", args=[personas.station_b.code]),
        reverse("programme:town_funds", args=[personas.station_b.town.code]),
    ]


def test_only_town_and_city_admins_get_in(client, personas, rnd):
    pages = _pages(personas)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    for user in (personas.coordinator_a, personas.worker, personas.employer, personas.outsider):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(reverse("programme:expenditure_new"), {}).status_code == 403
    for user in (personas.town_admin_b, personas.city_admin):
        client.force_login(user)
        for url in pages:
            assert client.get(url).status_code == 200, (user, url)


def test_town_admin_of_dongqu_cannot_open_or_change_xiaolan(client, personas, budgets):
    client.force_login(personas.town_admin_b)
    xiaolan = personas.station_a
    assert client.get(reverse("programme:station", args=[xiaolan.code])).status_code == 403
    assert client.get(reverse("programme:town_funds", args=[xiaolan.town.code])).status_code == 403
    response = client.post(
        reverse("programme:station", args=[xiaolan.code]),
        {"action": "tick", "item": "signage", "evidence": "看过"},
    )
    assert response.status_code == 403 and not StationProgress.objects.exists()
    other = funds.record_expenditure(
        budgets["小榄"],
        actor=personas.city_admin,
        data={"category": "equipment", "amount": "100", "spent_on": rnd_day(), "supplier": "某公司"},
        voucher=SimpleUploadedFile("a.pdf", PDF),
    )
    assert client.get(reverse("programme:expenditure", args=[other.code])).status_code == 403
    assert client.get(reverse("programme:voucher", args=[other.code])).status_code == 403
    # The expenditure form offers only 东区, and a forged 小榄 choice is refused.
    page = client.get(reverse("programme:expenditure_new")).content.decode()
    assert "东区街道" in page and "小榄镇" not in page
    response = client.post(
        reverse("programme:expenditure_new"),
        {
            "town": xiaolan.town.pk,
            "category": "equipment",
            "amount": "100",
            "spent_on": "2023-10-01",
            "supplier": "x",
        },
    )
    assert response.status_code == 400 and Expenditure.objects.count() == 1
    # Lists show only the town's own figures.
    page = client.get(reverse("programme:funds")).content.decode()
    assert "东区街道" in page and "小榄镇" not in page


def rnd_day():
    import datetime as dt

    return dt.date(2023, 10, 15)


def test_expenditure_over_budget_shows_the_alert_right_after_saving(client, personas, budgets):
    client.force_login(personas.town_admin_b)
    form = {
        "town": budgets["东区"].town.pk,
        "station": personas.station_b.pk,
        "category": "equipment",
        "item": "LED屏",
        "spent_on": "2023-10-20",
        "amount": "120000",
        "source": "city",
        "supplier": "中山市某显示科技有限公司",
        "description": "站点LED显示屏及安装",
        "voucher": SimpleUploadedFile("发票.pdf", PDF),
    }
    response = client.post(reverse("programme:expenditure_new"), form, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "已录入支出 120,000.00 元" in page
    assert "资金预警：市级专项资金已支出 12 万元，超过预算 11.75 万元（超出 2,500.00 元）" in page
    expense = Expenditure.objects.get()
    assert expense.voucher_name == "发票.pdf" and expense.recorded_by == personas.town_admin_b
    voucher = client.get(reverse("programme:voucher", args=[expense.code]))
    assert voucher.status_code == 200 and b"".join(voucher.streaming_content) == PDF
    assert voucher["Cache-Control"] == "private, no-store" and "attachment" in voucher["Content-Disposition"]


def test_bad_voucher_is_refused_on_the_form_and_nothing_is_saved(client, personas, budgets, settings):
    client.force_login(personas.town_admin_b)
    form = {
        "town": budgets["东区"].town.pk,
        "category": "equipment",
        "spent_on": "2023-10-20",
        "amount": "1000",
        "source": "city",
        "supplier": "某公司",
        "voucher": SimpleUploadedFile("凭证.exe", b"MZ\x90\x00program"),
    }
    response = client.post(reverse("programme:expenditure_new"), form)
    assert response.status_code == 400
    assert "“凭证.exe”不是 PDF 或图片" in response.content.decode()
    assert not Expenditure.objects.exists()
    assert not (settings.MEDIA_ROOT / "programme").exists()
    form |= {"amount": "一千", "voucher": SimpleUploadedFile("a.pdf", PDF)}
    response = client.post(reverse("programme:expenditure_new"), form)
    assert response.status_code == 400 and "金额必须是数字" in response.content.decode()


def test_acceptance_through_the_station_page(client, personas, towns, rnd):
    station = building_station(personas, towns["东区"], name="中山市（东区街道紫里社区）零工市场")
    client.force_login(personas.town_admin_b)
    url = reverse("programme:station", args=[station.code])
    response = client.post(url, {"action": "town_accept"})
    assert response.status_code == 400 and "验收清单尚未完成" in response.content.decode()
    response = client.post(url, {"action": "tick", "item": "signage", "evidence": ""})
    assert response.status_code == 400 and "请填写核实说明" in response.content.decode()
    tick_all(station, personas.town_admin_b)
    assert client.post(url, {"action": "town_accept", "note": "合格"}).status_code == 302
    client.force_login(personas.city_admin)
    page = client.get(url).content.decode()
    assert "市级验收通过，投入运营" in page
    client.post(url, {"action": "city_accept", "on": ""}, follow=True)
    station.refresh_from_db()
    assert station.status == "operating"
    overview = client.get(reverse("programme:overview")).content.decode()
    assert station.name in overview


def test_funds_excel_has_chinese_headers_and_totals(client, personas, budgets):
    funds.record_expenditure(
        budgets["东区"],
        actor=personas.town_admin_b,
        data={"category": "equipment", "amount": "10000.50", "spent_on": rnd_day(), "supplier": "甲公司"},
    )
    funds.record_expenditure(
        budgets["小榄"],
        actor=personas.city_admin,
        data={"category": "publicity", "amount": "2000", "spent_on": rnd_day(), "supplier": "乙公司"},
    )
    client.force_login(personas.city_admin)
    response = client.get(reverse("programme:funds") + "?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    headers = rows[0]
    assert headers[:6] == (
        "序号",
        "镇街",
        "方案预算(万元)",
        "其中示范点补助(万元)",
        "已批准调整(万元)",
        "调整后预算(万元)",
    )
    assert "设备购置(万元)" in headers and headers[-1] == "预警"
    assert len(rows) == 1 + 23 + 1
    total = rows[-1]
    assert total[0] == "合计"
    assert Decimal(str(total[2])) == Decimal("113.5")
    assert Decimal(str(total[headers.index("市级资金支出(万元)")])) == Decimal("1.20005")
    assert Decimal(str(total[headers.index("宣传(万元)")])) == Decimal("0.2")
    east = next(r for r in rows if r[1] == "东区街道")
    assert Decimal(str(east[headers.index("设备购置(万元)")])) == Decimal("1.00005")
    detail = client.get(reverse("programme:expenditures") + "?format=xlsx")
    rows = list(load_workbook(io.BytesIO(detail.content)).active.iter_rows(values_only=True))
    assert rows[0][:7] == ("编号", "支出日期", "镇街", "站点", "类别", "项目", "金额(元)")
    assert (
        rows[-1][0] == "合计" and rows[-1][1] == "2 笔" and Decimal(str(rows[-1][6])) == Decimal("12000.50")
    )
    assert {r[11] for r in rows[1:-1]} == {"缺凭证"}


def test_budget_api_is_public_and_sums_to_the_plan(client, personas, budgets):
    funds.record_expenditure(
        budgets["东区"],
        actor=personas.town_admin_b,
        data={"category": "renovation", "amount": "120000", "spent_on": rnd_day(), "supplier": "丙公司"},
    )
    adj = funds.request_adjustment(
        budgets["南区"], actor=personas.city_admin, amount="5000", reason="增设驿站"
    )
    from .helpers import second_city_admin

    funds.decide_adjustment(adj, actor=second_city_admin(), approve=True)
    data = client.get("/api/v1/programme/budget").json()
    assert data["round"] == "2023" and data["plan_total_wan"] == 113.5
    assert sum(t["plan_wan"] for t in data["towns"]) == 113.5 and len(data["towns"]) == 23
    assert data["budget_total_wan"] == 114.0
    towns = {t["town"]: t for t in data["towns"]}
    east = towns["东区街道"]
    assert east["budget_wan"] == 11.75 and east["spent_wan"] == 12.0 and east["over_budget"] is True
    assert {c["category"]: c["spent_wan"] for c in east["by_category"]}["renovation"] == 12.0
    assert sum(c["spent_wan"] for c in east["by_category"]) == east["spent_wan"]
    assert towns["南区街道"]["budget_wan"] == 12.25 and towns["南区街道"]["plan_wan"] == 11.75
    assert towns["神湾镇"]["budget_wan"] == 3.5 and towns["石岐街道"]["demo_grant_wan"] == 10.0
    assert "supplier" not in str(data) and "丙公司" not in str(data)
    assert client.get("/api/v1/programme/budget?round=1999").status_code == 404
    progress = client.get("/api/v1/programme/progress").json()
    east_progress = next(t for t in progress["towns"] if t["town"] == "东区街道")
    assert east_progress["operating"] == 1 and east_progress["missing_kinds"] == ["就业驿站"]


def test_adjustment_pages(client, personas, budgets):
    client.force_login(personas.town_admin_b)
    url = reverse("programme:adjustments")
    response = client.post(
        url, {"action": "request", "town": budgets["东区"].town.pk, "amount": "abc", "reason": "x"}
    )
    assert response.status_code == 400 and "调整金额必须是数字" in response.content.decode()
    client.post(
        url, {"action": "request", "town": budgets["东区"].town.pk, "amount": "8000", "reason": "增建驿站"}
    )
    code = budgets["东区"].adjustments.get().code
    assert client.post(url, {"action": "decide", "code": code, "decision": "approve"}).status_code == 403
    client.force_login(personas.city_admin)
    assert "批准" in client.get(url).content.decode()
    client.post(url, {"action": "decide", "code": code, "decision": "approve", "note": "同意"})
    assert budgets["东区"].adjustments.get().status == "approved"


def test_coverage_page_with_siting_form(client, personas, towns):
    client.force_login(personas.town_admin_b)
    url = reverse("programme:coverage")
    page = client.get(url).content.decode()
    assert "东区街道" in page and "神湾镇" not in page and 'id="coverage-map-data"' in page
    response = client.get(url, {"town": towns["东区"].pk, "k": "2", "mode": "walk", "source": "candidates"})
    assert response.status_code == 400 and "尚未登记候选站址" in response.content.decode()
    response = client.post(
        url,
        {
            "town": towns["东区"].pk,
            "name": "东区某社区党群服务中心",
            "kind": "party_centre",
            "lat": "22.53",
            "lng": "113.41",
        },
    )
    assert response.status_code == 302
    response = client.get(url, {"town": towns["东区"].pk, "k": "2", "mode": "walk", "source": "candidates"})
    assert response.status_code == 200 and "选址建议" in response.content.decode()
    response = client.get(url, {"town": towns["小榄"].pk, "k": "2", "mode": "walk", "source": "grid"})
    assert response.status_code == 400  # not a choice for a 东区 admin
