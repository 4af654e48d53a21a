"""Referral status flow (permissions, SMS, audit, ledger line) and the course rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.gigs.tests.factories import make_worker
from lingong.ledger.models import LedgerEntry
from lingong.notify.models import OutboxMessage
from lingong.training.models import Course, Referral, ReferralEvent
from lingong.training.services import change_status, refer, request_course, save_course
from lingong.training.tests.world import course_data


def test_referral_flow_is_audited_notified_and_on_the_ledger(world):
    coord, worker, care = world.coordinator_a, world.worker, world.courses["care"]
    referral = refer(actor=coord, worker=worker, course=care, reasons=["离家近"], note="本人愿意周末上课")
    assert referral.status == "referred" and referral.station == world.station_a
    sms = OutboxMessage.objects.get(template="training_referred", recipient="13900000004")
    assert "养老护理员（初级）培训班" in sms.text and "我要报名" in sms.text
    assert AuditEntry.objects.filter(action="training.refer", object_id=referral.code).exists()
    line = LedgerEntry.objects.get(source="training", ref=referral.code)
    assert (line.service, line.worker_id, line.station_id, line.coordinator_id) == (
        "training",
        worker.pk,
        world.station_a.pk,
        coord.pk,
    )

    # The worker signs up themself, but cannot report their own training progress.
    change_status(referral, actor=world.worker_user, to_status="enrolled")
    with pytest.raises(PermissionDenied):
        change_status(referral, actor=world.worker_user, to_status="training")
    with pytest.raises(ValidationError, match="不能直接改为“取证”"):
        change_status(referral, actor=coord, to_status="certified")
    for step in ("training", "completed", "certified"):
        change_status(referral, actor=coord, to_status=step, note=f"登记{step}")
    referral.refresh_from_db()
    assert referral.status == "certified"
    assert list(ReferralEvent.objects.filter(referral=referral).values_list("to_status", flat=True)) == [
        "referred",
        "enrolled",
        "training",
        "completed",
        "certified",
    ]
    assert AuditEntry.objects.filter(action="training.status", object_id=referral.code).count() == 4
    texts = list(OutboxMessage.objects.filter(template="training_status").values_list("text", flat=True))
    assert len(texts) == 4 and any("恭喜取得证书" in t for t in texts)
    with pytest.raises(ValidationError):
        change_status(referral, actor=coord, to_status="dropped")  # finished: no more steps

    # Who sees it: the worker and station A's coordinator; not the 东区 town admin.
    assert Referral.objects.visible_to(world.worker_user).filter(pk=referral.pk).exists()
    assert Referral.objects.visible_to(coord).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(world.town_admin_b).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(world.employer).exists()


def test_who_may_refer_and_the_guards(world):
    care, clean, draft = world.courses["care"], world.courses["clean"], world.courses["draft_b"]
    for outsider in (world.town_admin_b, world.employer, world.outsider, world.worker_user):
        with pytest.raises(PermissionDenied):
            refer(actor=outsider, worker=world.worker, course=care)
    # The 东区 town admin refers their own walk-in; the line goes to their station B.
    ref_b = refer(actor=world.town_admin_b, worker=world.walk_in_b, course=clean)
    assert LedgerEntry.objects.get(ref=ref_b.code).station_id == world.station_b.pk
    with pytest.raises(PermissionDenied):
        change_status(ref_b, actor=world.coordinator_a, to_status="enrolled")
    with pytest.raises(ValidationError, match="不接受报名"):
        refer(actor=world.city_admin, worker=world.walk_in_b, course=draft)
    with pytest.raises(ValidationError, match="已经推荐过"):
        refer(actor=world.city_admin, worker=world.walk_in_b, course=clean)

    # Capacity 2: the third sign-up is refused; dropping out frees a referral to be made again.
    people = [
        make_worker(world.coordinator_a, world.station_a, name=n) for n in ("周阿姨", "吴阿姨", "郑阿姨")
    ]
    refs = [refer(actor=world.coordinator_a, worker=p, course=care) for p in people]
    change_status(refs[0], actor=world.coordinator_a, to_status="enrolled")
    change_status(refs[1], actor=people[1].user, to_status="enrolled")
    with pytest.raises(ValidationError, match="名额已满"):
        change_status(refs[2], actor=world.coordinator_a, to_status="enrolled")
    change_status(refs[2], actor=people[2].user, to_status="dropped")
    again = refer(actor=world.coordinator_a, worker=people[2], course=care)
    assert again.pk != refs[2].pk

    # A worker asking for a course themself: no ledger line (no service was given at a station).
    mine = request_course(actor=world.worker_user, worker=world.worker, course=world.courses["entre"])
    assert mine.by_worker and mine.station == world.station_a
    assert not LedgerEntry.objects.filter(ref=mine.code).exists()
    with pytest.raises(PermissionDenied):
        request_course(actor=world.outsider, worker=world.worker, course=clean)


def test_course_rules_and_scope(world):
    xiaolan, dongqu = world.station_a.town, world.station_b.town
    before = Course.objects.count()
    with pytest.raises(PermissionDenied):
        save_course(actor=world.coordinator_a, data=course_data(xiaolan))
    with pytest.raises(ValidationError) as bad:
        save_course(actor=world.town_admin_b, data=course_data(xiaolan))
    assert bad.value.message_dict["town"] == ["只能发布本镇街的课程"]
    today = timezone.localdate()
    with pytest.raises(ValidationError) as bad:
        save_course(
            actor=world.city_admin,
            data=course_data(
                None,
                title="",
                occupation="",
                starts_on=today,
                ends_on=today - dt.timedelta(days=1),
                fee="100",
                subsidy="200",
                capacity=0,
                address="",
            ),
        )
    errors = bad.value.message_dict
    assert set(errors) == {"title", "occupation", "ends_on", "subsidy", "capacity", "address", "status"}
    assert errors["subsidy"] == ["补贴不能超过培训费"]
    with pytest.raises(ValidationError, match="细类"):
        save_course(actor=world.city_admin, data=course_data(None, occupation="4-10-01-00"))
    assert Course.objects.count() == before

    course = save_course(
        actor=world.town_admin_b, data=course_data(dongqu, title="东区保洁班", address="东区文化站")
    )
    assert AuditEntry.objects.filter(action="training.course.create", object_id=course.code).exists()
    with pytest.raises(PermissionDenied):
        save_course(actor=world.town_admin_b, data=course_data(None), course=world.courses["clean"])
    # Capacity cannot drop below the people already signed up.
    second = make_worker(world.town_admin_b, world.station_b, name="林阿婆")
    for person in (world.walk_in_b, second):
        change_status(
            refer(actor=world.city_admin, worker=person, course=course),
            actor=person.user,
            to_status="enrolled",
        )
    same = {"title": "东区保洁班", "address": "东区文化站"}
    with pytest.raises(ValidationError, match="名额不能少于 2"):
        save_course(actor=world.town_admin_b, data=course_data(dongqu, capacity=1, **same), course=course)
    save_course(actor=world.town_admin_b, data=course_data(dongqu, capacity=5, **same), course=course)
    update = AuditEntry.objects.get(action="training.course.update", object_id=course.code)
    assert (update.before, update.after) == ({"capacity": 2}, {"capacity": 5})
