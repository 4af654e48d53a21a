"""Monthly and quarterly reports: the workbook read back equals the snapshot sums, the printable page,
validation that changes nothing, regeneration, and archive uniqueness."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from lingong.accounts.models import AuditEntry
from lingong.monitoring import report_excel, services
from lingong.monitoring.models import Report
from lingong.monitoring.read import ratio

from .test_reports_support import flow_sum, snapshots, stock_on

MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
FEB = (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
SHEETS = [
    "概况",
    "求职与岗位",
    "服务台账",
    "困难人员",
    "欠薪",
    "招聘活动",
    "短缺职业",
    "站点排行",
    "指标说明",
]
HEADER_ROW = 3  # title, note, headers


@pytest.fixture
def data(personas, towns, clock):
    clock.at(dt.date(2024, 4, 5))
    snapshots(personas, towns, dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    return towns


def _sheet(report: Report, name: str) -> list[list]:
    wb = load_workbook(BytesIO(bytes(report.xlsx)))
    return [list(r) for r in wb[name].iter_rows(values_only=True)]


def _row(rows: list[list], label: str) -> list:
    return next(r for r in rows if r[0] == label)


@pytest.mark.django_db
def test_city_month_workbook_equals_snapshot_sums(personas, data):
    report = services.generate_report(actor=personas.city_admin, kind="month", period="2024-03", area="city")
    assert report.title == "中山市零工市场运行月报（2024年3月）"
    wb = load_workbook(BytesIO(bytes(report.xlsx)))
    assert wb.sheetnames == SHEETS

    overview = _sheet(report, "概况")
    assert overview[0][0] == "中山市零工市场运行月报（2024年3月）——概况"
    assert overview[HEADER_ROW - 1] == ["指标", "单位", "口径", "本期", "上期", "增减", "增减幅度"]
    bookings = _row(overview, "录用")
    assert bookings[3] == flow_sum("city", "city", "bookings", *MARCH)
    assert bookings[4] == flow_sum("city", "city", "bookings", *FEB)
    assert bookings[5] == bookings[3] - bookings[4]
    assert _row(overview, "在招人数")[3] == stock_on("city", "city", "open_headcount", MARCH[1])
    assert _row(overview, "在招人数")[4] == stock_on("city", "city", "open_headcount", FEB[1])
    expected_ratio = ratio(
        stock_on("city", "city", "open_headcount", MARCH[1]),
        stock_on("city", "city", "seekers_active", MARCH[1]),
    )
    assert _row(overview, "求人倍率")[3] == expected_ratio
    assert _row(overview, "确认收款金额")[3] == pytest.approx(
        float(flow_sum("city", "city", "pay_confirmed_yuan", *MARCH))
    )

    supply = _sheet(report, "求职与岗位")
    assert supply[HEADER_ROW - 1] == [
        "镇街",
        "登记求职者",
        "活跃求职者",
        "在招人数",
        "求人倍率",
        "新发布岗位",
        "报名",
        "录用",
        "完工人次",
    ]
    xl = data["小榄"]
    row = _row(supply, xl.name)
    assert row[1] == stock_on("town", xl.code, "seekers_registered", MARCH[1])
    assert row[3] == stock_on("town", xl.code, "open_headcount", MARCH[1])
    assert row[7] == flow_sum("town", xl.code, "bookings", *MARCH)
    assert row[4] == ratio(row[3], row[2])
    body = supply[HEADER_ROW:-1]
    assert len(body) == 23  # every town, zeros where a town has no snapshot
    totals = supply[-1]
    assert totals[0] == "合计" and isinstance(totals[7], int)
    assert totals[7] == sum(r[7] for r in body)
    assert totals[7] == flow_sum("town", xl.code, "bookings", *MARCH) + flow_sum(
        "town", data["东区"].code, "bookings", *MARCH
    )
    assert totals[4] == ratio(totals[3], totals[2])  # the ratio of the totals, not a sum of ratios

    services_sheet = _sheet(report, "服务台账")
    headers = services_sheet[HEADER_ROW - 1]
    assert headers[0] == "镇街" and headers[-1] == "合计" and "求职登记" in headers
    total_row = services_sheet[-1]
    assert total_row[headers.index("岗位推荐")] == 3 * 3 * 31  # 小榄 3 + 东区 6 a day
    assert total_row[-1] == flow_sum("town", xl.code, "services", *MARCH) + flow_sum(
        "town", data["东区"].code, "services", *MARCH
    )

    arrears = _sheet(report, "欠薪")
    assert _row(arrears, xl.name)[3:6] == [1, 1, stock_on("town", xl.code, "arrears_open", MARCH[1])]
    events = _sheet(report, "招聘活动")
    assert _row(events, "合计")[1:] == [2, 15, 3, 2]
    league = _sheet(report, "站点排行")
    assert [r[1] for r in league[HEADER_ROW:]] == [personas.station_b.name, personas.station_a.name]
    assert "合计" not in [r[0] for r in league]  # a ranking has no totals row
    assert [r[0] for r in _sheet(report, "指标说明")[-2:]] == ["求人倍率", "按地区和站点统计"]


@pytest.mark.django_db
def test_town_quarter_report_has_a_row_per_station(personas, data):
    dq = data["东区"]
    report = services.generate_report(
        actor=personas.town_admin_b, kind="quarter", period="2024-Q1", area=dq.code
    )
    assert (report.period_start, report.period_end, report.town) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
        dq,
    )
    supply = _sheet(report, "求职与岗位")
    assert supply[HEADER_ROW - 1][0] == "站点"
    assert [r[0] for r in supply[HEADER_ROW:]] == [personas.station_b.name, "合计"]
    code = personas.station_b.code
    assert supply[HEADER_ROW][7] == flow_sum("station", code, "bookings", dt.date(2024, 1, 1), MARCH[1])
    overview = _sheet(report, "概况")
    assert "上期：2023年第4季度（无快照数据）" in overview[1][0]
    assert _row(overview, "录用")[4] is None


@pytest.mark.django_db
def test_printable_page_shows_the_figures_as_generated(client, personas, data, monkeypatch):
    report = services.generate_report(actor=personas.city_admin, kind="month", period="2024-03", area="city")
    client.force_login(personas.city_admin)
    page = client.get(f"/reports/{report.code}/").content.decode()
    assert report.title in page
    assert "求人倍率" in page and "服务台账" in page and "指标说明" in page
    assert personas.station_a.name in page and "合计" in page
    assert "13,996.50" in page  # March's confirmed pay, 150.50 × 3 × 31, written for reading
    assert f"/reports/{report.code}/xlsx" in page
    assert f"/reports/{report.code}/pdf" not in page and "另存为 PDF" in page
    assert client.get(f"/reports/{report.code}/pdf").status_code == 404

    monkeypatch.setattr("lingong.monitoring.views_reports.pdf_available", lambda: True)
    monkeypatch.setattr("lingong.monitoring.views_reports.render_pdf", lambda html: b"%PDF-" + html.encode())
    assert f"/reports/{report.code}/pdf" in client.get(f"/reports/{report.code}/").content.decode()
    response = client.get(f"/reports/{report.code}/pdf")
    assert response["Content-Type"] == "application/pdf"
    assert report.title in response.content.decode()

    def broken(html):
        raise OSError("pango missing")

    monkeypatch.setattr("lingong.monitoring.views_reports.render_pdf", broken)
    failed = client.get(f"/reports/{report.code}/pdf")
    assert failed.status_code == 503 and "另存为 PDF" in failed.content.decode()
    xlsx = client.get(f"/reports/{report.code}/xlsx")
    assert xlsx.content == bytes(report.xlsx) and "attachment" in xlsx["Content-Disposition"]


@pytest.mark.django_db
def test_page_renders_stored_figures_not_todays_snapshots(client, personas, data):
    report = services.generate_report(actor=personas.city_admin, kind="month", period="2024-03", area="city")
    Report.objects.filter(pk=report.pk).update(figures={**report.figures, "title": "存档中的标题"})
    client.force_login(personas.city_admin)
    assert "存档中的标题" in client.get(f"/reports/{report.code}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "post, message",
    [
        ({"kind": "month", "period": "2024-05", "area": "city"}, "不能选择未来的期间"),
        ({"kind": "month", "period": "2024-04", "area": "city"}, "尚未结束"),
        ({"kind": "quarter", "period": "2024-Q2", "area": "city"}, "尚未结束"),
        ({"kind": "month", "period": "2023-11", "area": "city"}, "没有运行快照数据"),
        ({"kind": "month", "period": "2024-13", "area": "city"}, "请写成 2024-03"),
        ({"kind": "month", "period": "", "area": "city"}, "请选择期间"),
        ({"kind": "year", "period": "2024-03", "area": "city"}, "请选择报表类型"),
        ({"kind": "month", "period": "2024-03", "area": "999999999"}, "找不到镇街"),
    ],
)
def test_generation_errors_are_clear_and_change_nothing(client, personas, data, post, message):
    client.force_login(personas.city_admin)
    audits = AuditEntry.objects.count()
    response = client.post("/reports/", post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Report.objects.count() == 0
    assert AuditEntry.objects.count() == audits


@pytest.mark.django_db
def test_town_admin_generates_only_own_town(client, personas, data):
    with pytest.raises(PermissionDenied):
        services.generate_report(actor=personas.town_admin_b, kind="month", period="2024-03", area="city")
    with pytest.raises(PermissionDenied):
        services.generate_report(
            actor=personas.town_admin_b, kind="month", period="2024-03", area=data["小榄"].code
        )
    client.force_login(personas.town_admin_b)
    response = client.post("/reports/", {"kind": "month", "period": "2024-03", "area": data["东区"].code})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.code}/"
    assert report.generated_by == personas.town_admin_b
    page = client.get("/reports/").content.decode()
    assert report.title in page
    assert '<option value="city"' not in page  # only their own towns to choose from


@pytest.mark.django_db
def test_regenerating_replaces_the_report_and_is_audited(personas, data):
    first = services.generate_report(actor=None, kind="month", period="2024-03", area="city")
    snapshots_day = dt.date(2024, 3, 31)
    from lingong.monitoring.models import DailySnapshot

    DailySnapshot.objects.filter(scope="city", day=snapshots_day).update(bookings=500)
    again = services.generate_report(actor=personas.city_admin, kind="month", period="2024-03", area="city")
    assert Report.objects.count() == 1
    assert (again.pk, again.code, again.version) == (first.pk, first.code, 2)
    assert again.generated_by == personas.city_admin
    entry = AuditEntry.objects.filter(action="reports.regenerate").get()
    assert entry.before["version"] == 1 and entry.after["version"] == 2
    that_day = 3 + 31 % 3  # the city's bookings on 31 March before the change
    assert entry.after["录用"] == entry.before["录用"] + 500 - that_day
    assert AuditEntry.objects.filter(action="reports.generate", actor=None).count() == 1


@pytest.mark.django_db
def test_archive_allows_one_report_per_kind_period_and_area(personas, data):
    report = services.generate_report(actor=None, kind="month", period="2024-03", area="city")
    services.generate_report(actor=None, kind="quarter", period="2024-Q1", area="city")
    services.generate_report(actor=None, kind="month", period="2024-03", area=data["小榄"].code)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            code="RDUPLICATE",
            kind="month",
            period_start=report.period_start,
            period_end=report.period_end,
            area="city",
            title="重复",
            xlsx=b"",
            generated_at=report.generated_at,
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # a town report must name its town
        Report.objects.create(
            code="RNOTOWN",
            kind="month",
            period_start=dt.date(2024, 2, 1),
            period_end=dt.date(2024, 2, 29),
            area="442000100",
            title="无镇街",
            xlsx=b"",
            generated_at=report.generated_at,
        )
    assert Report.objects.count() == 3


@pytest.mark.django_db
def test_archive_filters_and_defers_the_files(client, personas, data, django_assert_max_num_queries):
    services.generate_report(actor=None, kind="month", period="2024-02", area="city")
    services.generate_report(actor=None, kind="month", period="2024-03", area="city")
    services.generate_report(actor=None, kind="quarter", period="2024-Q1", area=data["东区"].code)
    client.force_login(personas.city_admin)
    with django_assert_max_num_queries(15):
        page = client.get("/reports/?kind=month").content.decode()
    assert "2024年3月" in page and "2024年2月" in page and "第1季度" not in page.split("生成报表")[0]
    page = client.get(f"/reports/?area={data['东区'].code}").content.decode()
    assert "东区街道零工市场运行季报（2024年第1季度）" in page and "中山市零工市场运行月报" not in page


@pytest.mark.django_db
def test_shortage_sheet_handles_an_empty_table(personas, data, monkeypatch):
    report = services.generate_report(actor=None, kind="month", period="2024-03", area="city")
    rows = _sheet(report, "短缺职业")
    assert rows[HEADER_ROW - 1][:3] == ["序号", "职业代码", "职业"]
    assert len(rows) == HEADER_ROW and "没有可比较的职业供求数据" in rows[1][0]


def test_pdf_needs_weasyprint_and_a_chinese_font(monkeypatch):
    monkeypatch.setattr(report_excel, "_weasyprint", lambda: None)
    assert report_excel.pdf_available() is False
    with pytest.raises(RuntimeError):
        report_excel.render_pdf("<p>报表</p>")
    monkeypatch.setattr(report_excel, "_weasyprint", lambda: object())
    monkeypatch.setattr(report_excel, "cjk_font", lambda: None)
    assert report_excel.pdf_available() is False
    monkeypatch.setattr(report_excel, "cjk_font", lambda: "Noto Sans CJK SC")
    assert report_excel.pdf_available() is True


def test_period_parsing():
    from lingong.monitoring.reports import parse_period

    assert parse_period("quarter", "2024-05").label == "2024年第2季度"
    assert parse_period("quarter", "2024-q4").end == dt.date(2024, 12, 31)
    assert parse_period("month", "2024-2").end == dt.date(2024, 2, 29)
    assert parse_period("month", "2024-03").previous().label == "2024年2月"
    assert parse_period("quarter", "2024-Q1").previous().slug == "2023-Q4"
    with pytest.raises(ValidationError):
        parse_period("month", "2024-Q1")
