"""The interest inventory and skills self-check: scoring, explanations, suggestions, assisted sittings."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lingong.accounts.models import AuditEntry
from lingong.assistance.inventory import (
    explain_interest,
    interest_items,
    score_interest,
    score_skills,
    skill_categories,
    skill_items,
)
from lingong.assistance.models import Assessment
from lingong.assistance.riasec import TYPES
from lingong.assistance.services import take_interest, take_skills
from lingong.catalog.models import GigOccupation, Occupation
from lingong.ledger.models import LedgerEntry


def answers_for(liked: str, *, rest: str = "dislike") -> dict[str, str]:
    """“Like” every statement of the given types, `rest` for the others."""
    return {i.code: "like" if i.group in liked else rest for i in interest_items()}


@pytest.mark.django_db
def test_the_items_are_ours_balanced_and_interleaved():
    items = interest_items()
    assert len(items) == 30 and len({i.code for i in items}) == 30
    assert all(sum(i.group == t for i in items) == 5 for t in "RIASEC")
    assert all(a.group != b.group for a, b in zip(items, items[1:], strict=False)), "same type twice in a row"
    assert all(len(i.text) <= 24 for i in items), "short statements for people with little schooling"
    assert "我喜欢用工具修东西，比如修凳子、换水龙头" in {i.text for i in items}
    cats = skill_categories()
    assert (
        set(cats) == set(GigOccupation.objects.values_list("category", flat=True))
        or not GigOccupation.objects.exists()
    )
    assert all(sum(i.group == c for i in skill_items()) == 3 for c in cats)


@pytest.mark.django_db
def test_the_type_table_points_at_real_occupations():
    codes = {c for t in TYPES.values() for c in t.occupations}
    assert set(Occupation.objects.filter(code__in=codes).values_list("code", flat=True)) == codes


def test_scoring_and_plain_explanations():
    result = score_interest(answers_for("SC", rest="ok"))
    assert result.scores == {"R": 5, "I": 5, "A": 5, "S": 10, "E": 5, "C": 10}
    assert result.code == "SCR", "ties keep the R-I-A-S-E-C order"
    assert result.clear == ["S", "C"]
    lines = explain_interest(result.scores, result.code)
    assert lines[0] == "您最感兴趣的是“助人型”、“细心型”的活。"
    assert TYPES["S"].description in lines
    flat = score_interest(answers_for("", rest="dislike"))
    assert flat.low and "都不太感兴趣" in explain_interest(flat.scores, flat.code)[0]

    partial = answers_for("R")
    del partial["I1"], partial["C5"]
    with pytest.raises(ValidationError) as missing:
        score_interest(partial)
    assert missing.value.message_dict["answers"] == ["还有 2 题没有选：第 2、30 题"]
    with pytest.raises(ValidationError, match="应为 like、ok、dislike 之一"):
        score_interest(dict(answers_for("R"), R1="maybe"))
    with pytest.raises(ValidationError, match="没有这些题目"):
        score_interest(dict(answers_for("R"), X9="like"))

    skills = score_skills(
        ["家政服务", "安保"],
        {"HK1": "can", "HK2": "can", "HK3": "some", "SC1": "cannot", "SC2": "some", "SC3": "cannot"},
    )
    assert skills.scores == {"家政服务": 83, "安保": 17} and skills.strong == ["家政服务"]
    with pytest.raises(ValidationError, match="一次最多选 4 类"):
        score_skills(skill_categories()[:5], {})
    with pytest.raises(ValidationError, match="没有这个类别"):
        score_skills(["宇航"], {})


def test_taking_the_inventory_alone_and_with_staff(world):
    result = take_interest(actor=world.worker_user, worker=world.worker, answers=answers_for("R"))
    assert result.summary == "RIA" and result.assisted_by is None and result.station is None
    names = [s["name"] for s in result.suggestions]
    assert names[:3] == ["装卸搬运工", "装饰装修工", "电工"] and len(names) == 8
    assert all(s["why"] == "兴趣测评显示您是“动手型”，适合这类活" for s in result.suggestions)
    assert not LedgerEntry.objects.filter(ref=result.code).exists(), "alone on a phone: no station service"

    # At the station a coordinator reads the statements out: assisted, and a ledger line (职业能力测评).
    assisted = take_interest(actor=world.coordinator_a, worker=world.worker, answers=answers_for("S"))
    assert assisted.assisted_by == world.coordinator_a and assisted.station == world.station_a
    line = LedgerEntry.objects.get(ref=assisted.code)
    assert (line.service, line.source, line.worker_id) == ("assessment", "assessment", world.worker.pk)
    assert AuditEntry.objects.filter(action="assessment.interest", object_id=assisted.code).exists()

    skills = take_skills(
        actor=world.coordinator_a,
        worker=world.worker,
        categories=["家政服务"],
        answers={"HK1": "can", "HK2": "can", "HK3": "can"},
    )
    assert skills.summary == "家政服务"
    assert {s["code"] for s in skills.suggestions} == {"4-10-01-06", "4-09-08-01"}
    assert LedgerEntry.objects.filter(ref=skills.code, service="assessment").exists()

    for stranger in (world.town_admin_b, world.employer, world.outsider):
        with pytest.raises(PermissionDenied):
            take_interest(actor=stranger, worker=world.worker, answers=answers_for("R"))
    count = Assessment.objects.count()
    with pytest.raises(ValidationError):
        take_interest(actor=world.worker_user, worker=world.worker, answers={})
    assert Assessment.objects.count() == count
    assert set(Assessment.objects.visible_to(world.worker_user)) == {result, assisted, skills}
    assert not Assessment.objects.visible_to(world.town_admin_b).exists()


def test_inventory_pages_and_api(client, world):
    client.force_login(world.worker_user)
    page = client.get("/assistance/assess/interest/").content.decode()
    assert page.count('class="choice"') == 90 and "data-inventory" in page
    response = client.post("/assistance/assess/interest/", {"R1": "like"})
    assert response.status_code == 200 and "还有 29 题没有选" in response.content.decode()
    response = client.post("/assistance/assess/interest/", answers_for("A"))
    done = Assessment.objects.get(worker=world.worker)
    assert response["Location"] == f"/assistance/result/{done.code}/"
    page = client.get(response["Location"]).content.decode()
    assert "您最感兴趣的是“创意型”的活" in page and "美发师" in page and "<meter" in page

    api = client.post(
        "/api/v1/assessment/interest", {"answers": answers_for("E")}, content_type="application/json"
    )
    assert api.status_code == 201
    body = api.json()
    assert body["holland"] == "ERI" and body["assisted"] is False
    assert body["suggestions"][0]["name"] == "营销员"
    assert any("带头型" in r for c in body["courses"] for r in c["reasons"])
    bad = client.post(
        "/api/v1/assessment/interest", {"answers": {"R1": "like"}}, content_type="application/json"
    )
    assert bad.status_code == 422 and "还有 29 题没有选" in bad.json()["detail"]
    items = client.get("/api/v1/assessment/interest/items").json()
    assert len(items["items"]) == 30 and [c["label"] for c in items["choices"]] == ["喜欢", "一般", "不喜欢"]

    # Staff run it for a walk-in through the API too, by worker code.
    client.force_login(world.coordinator_a)
    staff = client.post(
        "/api/v1/assessment/interest",
        {"answers": answers_for("C"), "worker": world.worker.code},
        content_type="application/json",
    )
    assert staff.status_code == 201 and staff.json()["assisted"] is True
    other = client.post(
        "/api/v1/assessment/interest",
        {"answers": answers_for("C"), "worker": world.walk_in_b.code},
        content_type="application/json",
    )
    assert other.status_code == 404
