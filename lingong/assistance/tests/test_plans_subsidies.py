"""Assistance plans with follow-ups and the to-do list; subsidy rules as data; applications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.assistance import services, subsidies
from lingong.assistance.models import AssistancePlan, SubsidyApplication, SubsidyKind
from lingong.assistance.rules import clean_conditions, describe
from lingong.ledger.models import LedgerEntry
from lingong.notify.models import OutboxMessage
from lingong.training.services import change_status, refer
from lingong.workers.models import Worker


def _tier(worker: Worker, tier: int) -> Worker:
    Worker.objects.filter(pk=worker.pk).update(tier=tier, tier_reason="困难认定：测试")
    worker.refresh_from_db()
    return worker


def _items(today: dt.date) -> list[dict]:
    return [
        {"kind": kind, "due_on": today + dt.timedelta(days=days), "note": ""}
        for kind, days in services.DEFAULT_ITEMS
    ]


def test_plan_followups_and_the_overdue_todo_list(world):
    today = timezone.localdate()
    worker = world.worker
    with pytest.raises(ValidationError, match="二、三级"):
        services.open_plan(actor=world.coordinator_a, worker=worker, goal="找到保洁工作", items=_items(today))
    worker = _tier(worker, 2)
    with pytest.raises(PermissionDenied):
        services.open_plan(actor=world.town_admin_b, worker=worker, goal="找到保洁工作", items=_items(today))
    with pytest.raises(ValidationError) as bad:
        services.open_plan(
            actor=world.coordinator_a,
            worker=worker,
            goal="",
            items=[{"kind": "guidance", "due_on": today - dt.timedelta(days=1)}],
            coordinator=world.town_admin_b,
        )
    assert set(bad.value.message_dict) == {"goal", "items", "coordinator"}
    assert not AssistancePlan.objects.exists()

    plan = services.open_plan(
        actor=world.coordinator_a,
        worker=worker,
        goal="三个月内在家附近找到稳定的保洁工作",
        items=_items(today),
    )
    assert [i.get_kind_display() for i in plan.items.all()] == [
        "职业指导",
        "技能培训",
        "一对一岗位推荐",
        "公益性岗位",
    ]
    assert plan.next_followup_on == today + dt.timedelta(days=7) and plan.station == world.station_a
    assert OutboxMessage.objects.filter(template="assistance_plan_opened", recipient="13900000004").exists()
    with pytest.raises(ValidationError, match="已有进行中的帮扶计划"):
        services.open_plan(actor=world.coordinator_a, worker=worker, goal="再建一个", items=_items(today))

    # Nothing is due yet; a week on, the follow-up and the first step are overdue.
    assert services.todo_for(world.coordinator_a, today) == []
    later = today + dt.timedelta(days=10)
    rows = services.todo_for(world.coordinator_a, later)
    assert [(r.what, r.days_late) for r in rows] == [("回访跟进", 3), ("职业指导", 3)]
    assert services.todo_for(world.town_admin_b, later) == [], "another town's plans are not on the list"
    assert len(services.todo_for(world.city_admin, later)) == 2

    # Finishing a step writes the ledger line of the service it stands for; a follow-up moves the date on.
    services.finish_item(plan.items.get(seq=1), actor=world.coordinator_a, status="done", note="谈了求职方向")
    line = LedgerEntry.objects.get(source="assistance", ref=f"{plan.code}-1")
    assert (line.service, line.station_id) == ("guidance", world.station_a.pk)
    with pytest.raises(ValidationError, match="已处理"):
        services.finish_item(plan.items.get(seq=1), actor=world.coordinator_a, status="done")
    with pytest.raises(ValidationError) as bad:
        services.record_followup(
            plan, actor=world.coordinator_a, on=today + dt.timedelta(days=1), way="fax", note=""
        )
    assert set(bad.value.message_dict) == {"on", "way", "note"}
    services.record_followup(
        plan, actor=world.coordinator_a, on=today, way="phone", note="电话联系，本人愿意参加培训"
    )
    plan.refresh_from_db()
    assert plan.next_followup_on == today + dt.timedelta(days=14)
    assert [r.what for r in services.todo_for(world.coordinator_a, later)] == []
    with pytest.raises(PermissionDenied):
        services.record_followup(plan, actor=world.town_admin_b, on=today, way="phone", note="越权")

    services.close_plan(plan, actor=world.coordinator_a, outcome="market", note="在小榄一家物业做保洁")
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.next_followup_on is None
    assert services.todo_for(world.coordinator_a, later + dt.timedelta(days=30)) == []
    actions = AuditEntry.objects.filter(object_id=plan.code).order_by("id").values_list("action", flat=True)
    assert list(actions) == [
        "assistance.plan.open",
        "assistance.item.finish",
        "assistance.followup",
        "assistance.plan.close",
    ]


def test_todo_page_shows_overdue_followups(client, world):
    today = timezone.localdate()
    worker = _tier(world.worker, 3)
    plan = services.open_plan(
        actor=world.coordinator_a, worker=worker, goal="尽快实现就业", items=_items(today)
    )
    AssistancePlan.objects.filter(pk=plan.pk).update(next_followup_on=today - dt.timedelta(days=4))
    client.force_login(world.coordinator_a)
    page = client.get("/assistance/todo/").content.decode()
    assert "回访跟进" in page and "4 天" in page and plan.code in page
    client.force_login(world.town_admin_b)
    assert plan.code not in client.get("/assistance/todo/").content.decode()
    # The plan page takes a follow-up; a bad one is refused with reasons and saves nothing.
    client.force_login(world.coordinator_a)
    bad = client.post(
        f"/assistance/p/{plan.code}/", {"action": "followup", "f-on": today.isoformat(), "f-way": "phone"}
    )
    assert bad.status_code == 200 and "必填" in bad.content.decode()
    ok = client.post(
        f"/assistance/p/{plan.code}/",
        {"action": "followup", "f-on": today.isoformat(), "f-way": "visit", "f-note": "上门了解家里情况"},
    )
    assert ok.status_code == 302
    assert plan.code not in client.get("/assistance/todo/").content.decode().split("进行中的帮扶计划")[0]
    client.force_login(world.worker_user)
    mine = client.get(f"/assistance/p/{plan.code}/")
    assert mine.status_code == 200 and "上门了解家里情况" in mine.content.decode()
    assert (
        client.post(f"/assistance/p/{plan.code}/", {"action": "close", "c-outcome": "market"}).status_code
        == 403
    )


def test_subsidy_rules_are_data(world):
    worker = world.worker
    by_code = {e.kind.code: e for e in subsidies.eligibility_for(worker)}
    assert set(by_code) == {"training", "social_insurance", "entrepreneurship"}
    training = by_code["training"]
    assert not training.eligible and training.missing == ["培训后取得了职业资格或技能等级证书"]
    assert "培训结业证书" in training.kind.materials
    with pytest.raises(ValidationError, match="暂不符合"):
        subsidies.apply(actor=world.worker_user, worker=worker, kind=training.kind)

    # Finish a course with a certificate: the worker now qualifies.
    referral = refer(actor=world.coordinator_a, worker=worker, course=world.courses["clean"])
    for step in ("enrolled", "training", "completed", "certified"):
        change_status(referral, actor=world.coordinator_a, to_status=step)
    assert next(e for e in subsidies.eligibility_for(worker) if e.kind.code == "training").eligible

    # The city office edits the rule (data, not code): now tier 2 or above is also required.
    kind = SubsidyKind.objects.get(code="training")
    data = {
        "name": kind.name,
        "category": kind.category,
        "summary": kind.summary,
        "materials": kind.materials,
        "active": True,
        "conditions": [*kind.conditions, {"group": 3, "fact": "tier", "op": "gte", "value": "2"}],
    }
    with pytest.raises(PermissionDenied):
        subsidies.save_subsidy_kind(actor=world.town_admin_b, data=data, kind=kind)
    subsidies.save_subsidy_kind(actor=world.city_admin, data=data, kind=kind)
    after = next(e for e in subsidies.eligibility_for(worker) if e.kind.code == "training")
    assert not after.eligible and after.missing == ["服务等级为“重点服务”及以上"]
    audit = AuditEntry.objects.get(action="subsidy.kind.update")
    assert audit.after is not None
    assert audit.after["conditions"][-1] == {"group": 3, "fact": "tier", "op": "gte", "value": 2}
    worker = _tier(worker, 2)

    application = subsidies.apply(actor=world.worker_user, worker=worker, kind=kind)
    assert application.facts["certified"] is True and application.facts["tier"] == 2
    sms = OutboxMessage.objects.get(template="subsidy_applied")
    assert "本人社会保障卡" in sms.text
    with pytest.raises(ValidationError, match="已经在申请中"):
        subsidies.apply(actor=world.worker_user, worker=worker, kind=kind)
    with pytest.raises(PermissionDenied):
        subsidies.decide(application, actor=world.town_admin_b, to_status="reviewing")
    with pytest.raises(ValidationError, match="不能改为“已发放”"):
        subsidies.decide(application, actor=world.coordinator_a, to_status="paid", amount="800")
    subsidies.decide(application, actor=world.coordinator_a, to_status="reviewing")
    with pytest.raises(ValidationError) as bad:
        subsidies.decide(application, actor=world.coordinator_a, to_status="paid", amount="-5")
    assert "amount" in bad.value.message_dict
    subsidies.decide(application, actor=world.coordinator_a, to_status="paid", amount="800")
    application.refresh_from_db()
    assert (application.status, str(application.amount)) == ("paid", "800.00")
    assert (
        "已发放 800.00 元" in OutboxMessage.objects.filter(template="subsidy_status").order_by("-id")[0].text
    )
    assert not SubsidyApplication.objects.visible_to(world.town_admin_b).exists()


def test_condition_checks_speak_chinese(world):
    assert describe({"fact": "age", "op": "between", "value": [16, 60]}) == "年龄在16–60周岁"
    assert (
        describe({"fact": "hardship", "op": "any_of", "value": ["disabled"]})
        == "已认定为以下困难类别之一：残疾人员"
    )
    cleaned = clean_conditions(
        [
            {"group": "2", "fact": "age", "op": "between", "value": "16-60"},
            {"fact": "hardship", "op": "any_of", "value": "残疾人员、dibao"},
            {"fact": "sex", "op": "eq", "value": "女"},
            {"fact": "in_plan", "op": "is", "value": "是"},
        ]
    )
    assert cleaned == [
        {"group": 2, "fact": "age", "op": "between", "value": [16, 60]},
        {"group": 1, "fact": "hardship", "op": "any_of", "value": ["dibao", "disabled"]},
        {"group": 1, "fact": "sex", "op": "eq", "value": "F"},
        {"group": 1, "fact": "in_plan", "op": "is", "value": True},
    ]
    with pytest.raises(ValidationError) as bad:
        clean_conditions(
            [
                {"fact": "salary", "op": "gte", "value": 1},
                {"fact": "age", "op": "any_of", "value": 1},
                {"fact": "age", "op": "between", "value": "60-16"},
                {"fact": "hardship", "op": "any_of", "value": "外星人"},
                {"fact": "tier", "op": "gte", "value": 7},
            ]
        )
    assert bad.value.message_dict["conditions"] == [
        "第 1 条：没有“salary”这一项",
        "第 2 条：“年龄”只能用：不少于、不超过、在……之间、等于",
        "第 3 条：“年龄”请填两个数，如 16-60",
        "第 4 条：困难类别请填类别代码或名称，多个用顿号分开，如：残疾人员、dibao",
        "第 5 条：“服务等级”请填一个整数（1、2 或 3）",
    ]


def test_rule_editor_page_and_my_subsidies(client, world):
    client.force_login(world.city_admin)
    kind = SubsidyKind.objects.get(code="social_insurance")
    form = {
        "name": kind.name,
        "category": kind.category,
        "summary": kind.summary,
        "materials": "本人身份证原件\n社会保障卡",
        "active": "on",
        "cond-0-group": "1",
        "cond-0-fact": "tier",
        "cond-0-op": "gte",
        "cond-0-value": "九",
    }
    bad = client.post(f"/assistance/subsidy-rules/{kind.code}/edit/", form)
    assert bad.status_code == 200 and "第 1 条：“服务等级”请填一个整数" in bad.content.decode()
    kind.refresh_from_db()
    assert kind.conditions[0]["fact"] == "assistance_hardship", "nothing saved"
    ok = client.post(f"/assistance/subsidy-rules/{kind.code}/edit/", dict(form, **{"cond-0-value": "1"}))
    assert ok.status_code == 302
    kind.refresh_from_db()
    assert kind.conditions == [{"group": 1, "fact": "tier", "op": "gte", "value": 1}]
    assert kind.materials == ["本人身份证原件", "社会保障卡"]

    client.force_login(world.worker_user)
    body = client.get("/api/v1/workers/me/subsidies").json()
    rows = {r["code"]: r for r in body["items"]}
    assert (
        rows["social_insurance"]["eligible"] is True
        and rows["social_insurance"]["materials"] == kind.materials
    )
    assert rows["training"]["missing"] == ["培训后取得了职业资格或技能等级证书"]
    page = client.get("/assistance/subsidies/").content.decode()
    assert "我要申请" in page and "社会保障卡" in page
    client.post("/assistance/subsidies/social_insurance/apply/")
    application = SubsidyApplication.objects.get(worker=world.worker)
    assert application.status == "applied"
    assert client.get(f"/assistance/applications/{application.code}/").status_code == 200
