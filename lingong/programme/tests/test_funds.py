"""Funds: adjustments, allocations, expenditures with alerts, vouchers, voiding, the audit trail."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lingong.accounts.models import AuditEntry
from lingong.programme import funds
from lingong.programme.budget import figures_for
from lingong.programme.models import AdjustmentStatus, Expenditure, FundSource

from .helpers import second_city_admin

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DAY = dt.date(2023, 10, 20)


def _spend(budget, actor, amount, category="equipment", **extra):
    data = {
        "category": category,
        "amount": amount,
        "spent_on": DAY,
        "supplier": "中山市某电子有限公司",
        **extra,
    }
    return funds.record_expenditure(budget, actor=actor, data=data, voucher=extra.pop("voucher", None))


def _fig(budget):
    return figures_for([budget])[0]


def _media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_spending_past_the_budget_is_recorded_and_raises_an_alert(personas, budgets):
    east = budgets["东区"]  # 11.75 万元
    _spend(east, personas.town_admin_b, "100000", item="LED屏")
    fig = _fig(east)
    assert fig.spent_city == Decimal("100000.00") and not fig.over_budget
    assert [a.text for a in fig.alerts] == ["有 1 笔支出尚未上传凭证"]  # 85% of the budget: no alert yet
    _spend(east, personas.town_admin_b, "20000.50", category="renovation")
    fig = _fig(east)
    assert fig.over_budget and fig.remaining == Decimal("-2500.50")
    danger = [a.text for a in fig.alerts if a.level == "danger"]
    assert danger == ["市级专项资金已支出 12.0001 万元，超过预算 11.75 万元（超出 2,500.50 元）"]


def test_town_co_funding_is_tracked_apart_from_the_plan_budget(personas, budgets):
    east = budgets["东区"]
    _spend(east, personas.town_admin_b, "5000", category="publicity", source=FundSource.TOWN)
    fig = _fig(east)
    assert fig.spent_city == 0 and fig.spent_town == Decimal("5000.00")
    assert any("超过登记的配套资金 0 万元" in a.text for a in fig.alerts)
    funds.set_co_funding(east, actor=personas.town_admin_b, amount="30000", note="东区财政配套")
    east.refresh_from_db()
    assert not any("配套资金" in a.text for a in _fig(east).alerts)


def test_a_category_the_plan_does_not_list_needs_a_reason_and_raises_an_alert(personas, budgets):
    east = budgets["东区"]
    with pytest.raises(ValidationError) as exc:
        _spend(east, personas.town_admin_b, "800", category="other", description="餐费")
    assert "建设方案未列明此类用途" in exc.value.message_dict["description"][0]
    assert not Expenditure.objects.exists()
    _spend(east, personas.town_admin_b, "800", category="other", description="招聘会现场志愿者交通补贴")
    texts = [a.text for a in _fig(east).alerts]
    assert "有 1 笔支出（800.00 元）不属于建设方案允许的资金使用范围，需市级复核" in texts


def test_category_above_its_allocation_raises_an_alert(personas, budgets):
    east = budgets["东区"]
    funds.set_allocations(
        east, actor=personas.town_admin_b, amounts={"equipment": "60000", "renovation": "40000"}
    )
    _spend(east, personas.town_admin_b, "61000")
    assert "设备购置支出 6.1 万元，超过分配的 6 万元" in [a.text for a in _fig(east).alerts]


def test_allocations_cannot_exceed_the_budget_or_go_to_unlisted_uses(personas, budgets):
    shenwan = budgets["神湾"]  # 3.5 万元
    with pytest.raises(ValidationError, match="分配合计 40,000.00 元，超过预算 35,000.00 元"):
        funds.set_allocations(
            shenwan, actor=personas.city_admin, amounts={"equipment": "30000", "publicity": "10000"}
        )
    with pytest.raises(ValidationError) as exc:
        funds.set_allocations(shenwan, actor=personas.city_admin, amounts={"other": "100"})
    assert exc.value.message_dict["other"] == ["建设方案未列明此类用途，不能分配资金"]
    with pytest.raises(ValidationError) as exc:
        funds.set_allocations(shenwan, actor=personas.city_admin, amounts={"equipment": "1万"})
    assert "必须是数字" in exc.value.message_dict["equipment"][0]
    assert not shenwan.allocations.exists()


def test_adjustments_need_another_city_admins_approval(personas, budgets):
    east = budgets["东区"]
    town_admin, city = personas.town_admin_b, personas.city_admin
    with pytest.raises(ValidationError, match="请填写调整理由"):
        funds.request_adjustment(east, actor=town_admin, amount="20000", reason="")
    with pytest.raises(ValidationError, match="调整金额不能为 0"):
        funds.request_adjustment(east, actor=town_admin, amount="0", reason="增建驿站")
    adj = funds.request_adjustment(east, actor=town_admin, amount="20000", reason="增建一个社区就业驿站")
    assert _fig(east).effective == Decimal("117500.00") and _fig(east).pending_count == 1
    with pytest.raises(PermissionDenied):
        funds.decide_adjustment(adj, actor=town_admin, approve=True)
    funds.decide_adjustment(adj, actor=city, approve=True, note="同意")
    adj.refresh_from_db()
    assert adj.status == AdjustmentStatus.APPROVED and adj.decided_by == city
    assert _fig(east).effective == Decimal("137500.00")
    with pytest.raises(ValidationError, match="已审批"):
        funds.decide_adjustment(adj, actor=city, approve=False, note="撤回")
    own = funds.request_adjustment(east, actor=city, amount="-5000", reason="设备由市局统一采购")
    with pytest.raises(PermissionDenied, match="不能审批自己"):
        funds.decide_adjustment(own, actor=city, approve=True)
    other = second_city_admin()
    with pytest.raises(ValidationError, match="不批准时请填写意见"):
        funds.decide_adjustment(own, actor=other, approve=False)
    funds.decide_adjustment(own, actor=other, approve=False, note="维持原预算")
    assert _fig(east).effective == Decimal("137500.00")
    actions = AuditEntry.objects.filter(action__startswith="funds.adjustment").count()
    assert actions == 4  # two requests, two decisions


def test_expenditure_input_is_checked_before_anything_is_saved(personas, budgets, towns):
    east = budgets["东区"]
    bad = {
        "category": "snacks",
        "amount": "12.345",
        "spent_on": dt.date(2022, 12, 31),
        "supplier": "",
        "station": personas.station_a,  # 小榄, not 东区
    }
    with pytest.raises(ValidationError) as exc:
        funds.record_expenditure(east, actor=personas.town_admin_b, data=bad)
    errors = exc.value.message_dict
    assert errors["category"] == ["请选择支出类别"]
    assert errors["amount"] == ["金额最多保留两位小数（精确到分）"]
    assert errors["spent_on"] == ["支出日期不能早于本批次开始日期 2023-01-01"]
    assert errors["supplier"] == ["请填写供应商或收款方"]
    assert errors["station"] == ["只能选择本镇街的站点"]
    with pytest.raises(ValidationError) as exc:
        _spend(east, personas.town_admin_b, "117500", spent_on=dt.date.today() + dt.timedelta(days=2))
    assert exc.value.message_dict["spent_on"] == ["支出日期不能晚于今天"]
    with pytest.raises(ValidationError, match="请核对单位"):
        _spend(east, personas.town_admin_b, "20000000")
    assert not Expenditure.objects.exists()


def test_a_town_admin_cannot_spend_another_towns_money(personas, budgets):
    with pytest.raises(PermissionDenied):
        _spend(budgets["小榄"], personas.town_admin_b, "100")
    with pytest.raises(PermissionDenied):
        funds.set_co_funding(budgets["小榄"], actor=personas.town_admin_b, amount="100")
    with pytest.raises(PermissionDenied):
        _spend(budgets["东区"], personas.coordinator_a, "100")
    assert not Expenditure.objects.exists()


def test_voucher_of_the_wrong_type_is_refused_in_chinese_and_nothing_is_saved(personas, budgets, settings):
    east = budgets["东区"]
    exe = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 this is a program", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        _spend(east, personas.town_admin_b, "3000", voucher=exe)
    assert exc.value.message_dict["voucher"][0].startswith("“发票.pdf”不是 PDF 或图片：凭证只能是 PDF 文件")
    assert not Expenditure.objects.exists() and _media_files(settings) == []
    huge = SimpleUploadedFile("scan.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError, match="超过 10 MB"):
        _spend(east, personas.town_admin_b, "3000", voucher=huge)
    assert not Expenditure.objects.exists() and _media_files(settings) == []


def test_a_good_voucher_is_stored_under_media_with_its_hash(personas, budgets, settings):
    east = budgets["东区"]
    expense = _spend(east, personas.town_admin_b, "3000", voucher=SimpleUploadedFile("发票.PDF", PDF))
    assert expense.voucher_type == "application/pdf" and expense.voucher_name == "发票.PDF"
    stored = _media_files(settings)
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    path = str(stored[0])
    assert path.startswith(str(settings.MEDIA_ROOT)) and "/programme/vouchers/442000002/" in path
    entry = AuditEntry.objects.get(action="funds.expenditure", object_id=expense.code)
    assert entry.after is not None and entry.after["voucher_sha256"] == expense.voucher_sha256
    assert len(expense.voucher_sha256) == 64


def test_voucher_can_be_added_later_once_and_voided_spending_stops_counting(personas, budgets, settings):
    east = budgets["东区"]
    expense = _spend(east, personas.town_admin_b, "4000")
    assert _fig(east).missing_vouchers == 1
    png = SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    funds.attach_voucher(expense, actor=personas.town_admin_b, upload=png)
    assert _fig(east).missing_vouchers == 0
    with pytest.raises(ValidationError, match="已有凭证"):
        funds.attach_voucher(expense, actor=personas.town_admin_b, upload=SimpleUploadedFile("b.pdf", PDF))
    assert len(_media_files(settings)) == 1
    with pytest.raises(ValidationError, match="请填写作废原因"):
        funds.void_expenditure(expense, actor=personas.town_admin_b, reason=" ")
    funds.void_expenditure(expense, actor=personas.town_admin_b, reason="重复录入")
    assert _fig(east).spent_city == 0
    assert Expenditure.objects.filter(pk=expense.pk).exists()  # kept, only voided
