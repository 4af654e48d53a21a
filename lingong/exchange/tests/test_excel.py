"""Excel import: the template, an uploaded workbook run by the task, row errors, the result download."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lingong.exchange import excel, services
from lingong.exchange.models import BatchStatus, ImportBatch
from lingong.gigs.models import Gig

pytestmark = pytest.mark.django_db


def workbook(rows: list[list]) -> bytes:
    wb = load_workbook(BytesIO(excel.template_bytes()))
    ws = wb[excel.SHEET_TITLE]
    ws.delete_rows(2)
    for r in rows:
        ws.append(r)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def cells(external_id: str, **overrides) -> list:
    day = timezone.localdate() + dt.timedelta(days=2)
    values = {
        "external_id": external_id,
        "title": "写字楼保洁 日结",
        "occupation": "4-09-08-01",
        "description": "负责写字楼公共区域日常清洁，工具由我方提供。",
        "requirements": None,
        "headcount": 2,
        "town": "东区",
        "address": "中山市东区兴中道8号",
        "lat": 22.52,
        "lng": 113.395,
        "pay_amount": 180,
        "pay_unit": "元/天",
        "settlement": "日结",
        "dates": dt.datetime.combine(day, dt.time()),
        "start": dt.time(8, 0),
        "end": "17:00",
        "contact_name": "周经理",
        "contact_phone": "13900000005",
        "provided": "包餐、提供工具",
        "certificates": None,
        "insurance": "用工方投保",
        "booking_mode": "用工方挑选",
        "kind": "普通零工",
    }
    values.update(overrides)
    return [values[key] for _, key, _, _ in excel.COLUMNS]


class TestExcel:
    def test_template_has_chinese_headers(self, client, partner_user, partner):
        client.force_login(partner_user)
        response = client.get(reverse("exchange:template"))
        assert response.status_code == 200
        ws = load_workbook(BytesIO(response.content))[excel.SHEET_TITLE]
        headers = [c.value for c in ws[1]]
        assert headers[0] == "外部编号*" and "结算方式*" in headers

    def test_upload_runs_the_import_and_reports_rows(self, client, partner_user, partner):
        content = workbook(
            [cells("X1"), cells("X2", description="只招女性，限本地户口"), cells("X3", headcount=0)]
        )
        client.force_login(partner_user)
        upload = SimpleUploadedFile("岗位.xlsx", content)
        response = client.post(reverse("exchange:imports"), {"partner": partner.pk, "file": upload})
        batch = ImportBatch.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "exchange:batch", args=[batch.code]
        )
        # The task runs after commit; the test transaction never commits, so run it as the consumer would.
        assert services.run_excel_batch(batch.pk) == BatchStatus.DONE
        assert services.run_excel_batch(batch.pk) == "skipped"
        batch.refresh_from_db()
        assert (batch.total, batch.processed, batch.created, batch.rejected) == (3, 3, 1, 2)
        assert [e["row"] for e in batch.errors] == [3, 4]
        gig = Gig.objects.get()
        assert gig.pay_unit == "day" and gig.settlement == "daily" and gig.provided == ["meals", "tools"]
        page = client.get(reverse("exchange:batch", args=[batch.code]))
        assert "被拒绝的行" in page.content.decode() and "每班人数" in page.content.decode()
        download = client.get(reverse("exchange:batch_errors", args=[batch.code]))
        ws = load_workbook(BytesIO(download.content)).active
        assert ws.cell(2, 1).value == 3 and ws.cell(3, 1).value == 4

    def test_running_batch_polls_with_htmx(self, client, partner_user, partner):
        client.force_login(partner_user)
        client.post(
            reverse("exchange:imports"),
            {"partner": partner.pk, "file": SimpleUploadedFile("a.xlsx", workbook([cells("X1")]))},
        )
        batch = ImportBatch.objects.get()
        response = client.get(reverse("exchange:batch", args=[batch.code]), headers={"HX-Request": "true"})
        body = response.content.decode()
        assert 'hx-trigger="every 2s"' in body and "<html" not in body

    def test_wrong_headers_fail_the_batch_with_a_message(self, client, partner_user, partner):
        from openpyxl import Workbook

        wb = Workbook()
        wb.active.append(["名称", "电话"])
        out = BytesIO()
        wb.save(out)
        batch = services.submit_excel(
            actor=partner_user, partner=partner, upload=SimpleUploadedFile("x.xlsx", out.getvalue())
        )
        assert services.run_excel_batch(batch.pk) == BatchStatus.FAILED
        batch.refresh_from_db()
        assert "表头缺少必填列" in batch.message

    def test_not_xlsx_is_refused(self, partner_user, partner):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            services.submit_excel(
                actor=partner_user, partner=partner, upload=SimpleUploadedFile("x.csv", b"a,b")
            )
