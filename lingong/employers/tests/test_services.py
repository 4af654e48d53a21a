"""Employer rules through the service layer: registration, review, edits, members and invitations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from lingong.accounts.models import AuditEntry, Membership, Role
from lingong.accounts.services import grant_membership, revoke_membership
from lingong.employers import services
from lingong.employers.models import Employer, EmployerInvitation
from lingong.employers.queries import QueueFilter, review_queue
from lingong.employers.tests.helpers import (
    fresh,
    make_user,
    new_uscc,
    persona_employer,
    register,
    wrong_check,
)
from lingong.lib.uscc import CreditCodeError, make_uscc
from lingong.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss(personas):
    return make_user("boss_x", "13900000011")


@pytest.fixture
def xiaolan(boss, towns):
    return register(boss, towns["小榄"])


def actions_for(employer: Employer) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=employer.code).order_by("id").values_list("action", flat=True)
    )


class TestRegistration:
    def test_valid_uscc_passes_and_registrant_manages(self, boss, towns):
        code = new_uscc()
        employer = register(boss, towns["小榄"], uscc=f" {code[:9]} {code[9:].lower()} ")
        assert employer.uscc == code and employer.uscc_check == "passed"
        assert employer.status == "pending" and employer.code.startswith("EM")
        assert employer.submitted_at is not None
        membership = Membership.objects.get(user=boss, employer=employer)
        assert membership.role == Role.EMPLOYER_MEMBER and membership.is_manager and membership.active
        assert fresh(boss).employer_ids == {employer.pk}
        assert actions_for(employer) == ["employer.register"]
        assert AuditEntry.objects.filter(action="membership.grant", summary__contains=employer.name).exists()

    def test_wrong_check_character_is_saved_for_manual_review(self, boss, towns, personas):
        code = wrong_check(new_uscc())
        employer = register(boss, towns["小榄"], uscc=code)
        assert employer.uscc == code and employer.uscc_check == "failed"
        assert "校验位" in employer.uscc_problem
        queue = review_queue(personas.city_admin, QueueFilter(show="failed_uscc"))
        assert list(queue) == [employer]
        assert (
            "转人工核实"
            in AuditEntry.objects.get(action="employer.register", object_id=employer.code).summary
        )

    @pytest.mark.parametrize(
        ("raw", "message"),
        [("9144200", "18 位"), ("91442000MA4UIOZ12X", "不使用字母"), ("0144200MA4U12345XX", "登记管理部门")],
    )
    def test_malformed_uscc_is_refused_and_nothing_saved(self, boss, towns, raw, message):
        before = (Employer.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
        with pytest.raises(ValidationError) as exc:
            register(boss, towns["小榄"], uscc=raw)
        assert message in exc.value.message_dict["uscc"][0]
        assert (Employer.objects.count(), Membership.objects.count(), AuditEntry.objects.count()) == before

    def test_household_needs_no_uscc_and_may_not_give_one(self, boss, towns):
        employer = register(boss, towns["东区"], kind="household", name="王女士家庭", uscc="")
        assert employer.uscc is None and employer.uscc_check == "not_applicable"
        with pytest.raises(ValidationError) as exc:
            register(boss, towns["东区"], kind="household", name="李先生家庭")
        assert "家庭用工无需填写" in exc.value.message_dict["uscc"][0]

    def test_individual_business_may_skip_uscc(self, boss, towns):
        employer = register(boss, towns["东区"], kind="individual_business", name="东区阿明快餐店", uscc="")
        assert employer.uscc is None and employer.uscc_check == "not_applicable"

    @pytest.mark.parametrize("kind", ["enterprise", "hr_agency"])
    def test_enterprise_and_agency_need_uscc(self, boss, towns, kind):
        with pytest.raises(ValidationError) as exc:
            register(boss, towns["小榄"], kind=kind, uscc="")
        assert "必须填写统一社会信用代码" in exc.value.message_dict["uscc"][0]
        assert not Employer.objects.filter(name="中山市小榄镇测试五金有限公司").exists()

    def test_duplicate_uscc_is_a_clear_error(self, boss, towns, personas):
        first = register(boss, towns["小榄"])
        other = make_user("boss_y", "13900000012")
        with pytest.raises(ValidationError) as exc:
            register(other, towns["小榄"], uscc=first.uscc, name="另一家公司")
        assert "已有单位登记" in exc.value.message_dict["uscc"][0]
        assert "管理员邀请" in exc.value.message_dict["uscc"][0]
        assert not Membership.objects.filter(user=other).exists()

    def test_other_fields_are_checked_in_chinese(self, boss, towns):
        with pytest.raises(ValidationError) as exc:
            services.register_employer(
                actor=boss,
                data={
                    "kind": "factory",
                    "name": " ",
                    "contact_name": "",
                    "contact_phone": "12345",
                    "town": "火星",
                    "address": "",
                    "lat": 40.0,
                    "lng": 116.4,
                },
            )
        errors = exc.value.message_dict
        assert set(errors) >= {"kind", "name", "contact_name", "contact_phone", "town", "address", "lat"}
        assert "手机号" in errors["contact_phone"][0] and "中山市范围" in errors["lat"][0]

    def test_town_may_be_given_by_name_and_point_is_kept(self, boss):
        employer = register(boss, "小榄", lat=22.67, lng=113.25, contact_phone="139 1234 5678")
        assert employer.town.short == "小榄" and (employer.lat, employer.lng) == (22.67, 113.25)
        assert employer.contact_phone == "13912345678"

    def test_lat_without_lng_is_refused(self, boss, towns):
        with pytest.raises(ValidationError) as exc:
            register(boss, towns["小榄"], lat=22.67)
        assert "经纬度" in exc.value.message_dict["lat"][0]


class TestReview:
    def test_town_admin_reviews_own_town_only(self, personas, xiaolan):
        dongqu = persona_employer(personas)
        approved = services.review_employer(dongqu, actor=personas.town_admin_b, decision="approve")
        assert approved.status == "approved"
        with pytest.raises(PermissionDenied):
            services.review_employer(xiaolan, actor=personas.town_admin_b, decision="approve")
        xiaolan.refresh_from_db()
        assert xiaolan.status == "pending"

    @pytest.mark.parametrize("role", ["coordinator_a", "worker", "employer", "outsider"])
    def test_others_may_not_review(self, personas, role):
        with pytest.raises(PermissionDenied):
            services.review_employer(
                persona_employer(personas), actor=getattr(personas, role), decision="approve"
            )

    def test_nobody_reviews_their_own_employer(self, personas, towns):
        own = register(personas.city_admin, towns["石岐"])
        with pytest.raises(PermissionDenied, match="自己所在"):
            services.review_employer(own, actor=fresh(personas.city_admin), decision="approve")

    @pytest.mark.parametrize("decision", ["reject", "more_info"])
    def test_reject_and_more_info_need_a_reason(self, personas, decision):
        employer = persona_employer(personas)
        with pytest.raises(ValidationError) as exc:
            services.review_employer(employer, actor=personas.city_admin, decision=decision, reason="  ")
        assert "请填写原因" in exc.value.message_dict["reason"][0]
        employer.refresh_from_db()
        assert employer.status == "pending" and "employer.review" not in actions_for(employer)

    def test_unknown_decision(self, personas):
        with pytest.raises(ValidationError) as exc:
            services.review_employer(persona_employer(personas), actor=personas.city_admin, decision="maybe")
        assert "decision" in exc.value.message_dict

    def test_approve_sets_a_year_of_verification(self, personas):
        today = timezone.localdate()
        employer = services.review_employer(
            persona_employer(personas), actor=personas.town_admin_b, decision="approve"
        )
        assert employer.reverify_due == today + dt.timedelta(days=365)
        assert employer.verified_by == personas.town_admin_b and employer.verified_at is not None
        assert employer.is_verification_current(today)
        assert not employer.is_verification_current(today + dt.timedelta(days=366))
        assert actions_for(employer)[-1] == "employer.review"

    def test_reverification_queue_shows_those_due_within_30_days(self, personas, xiaolan):
        today = timezone.localdate()
        dongqu = services.review_employer(
            persona_employer(personas), actor=personas.city_admin, decision="approve"
        )
        services.review_employer(xiaolan, actor=personas.city_admin, decision="approve")
        Employer.objects.filter(pk=dongqu.pk).update(reverify_due=today + dt.timedelta(days=20))
        due = review_queue(personas.city_admin, QueueFilter(show="reverify"))
        assert list(due) == [dongqu]
        assert list(Employer.objects.reverification_due(today)) == [dongqu]
        # Approving again is the re-verification: a new year starts.
        renewed = services.review_employer(dongqu, actor=personas.town_admin_b, decision="approve")
        assert renewed.reverify_due == today + dt.timedelta(days=365)

    def test_failed_uscc_needs_a_note_to_approve(self, boss, towns, personas):
        employer = register(boss, towns["小榄"], uscc=wrong_check(new_uscc()))
        with pytest.raises(ValidationError) as exc:
            services.review_employer(employer, actor=personas.city_admin, decision="approve")
        assert "核实情况" in exc.value.message_dict["reason"][0]
        done = services.review_employer(
            employer, actor=personas.city_admin, decision="approve", reason="已核对营业执照原件"
        )
        assert done.status == "approved" and done.status_reason == "已核对营业执照原件"

    def test_more_info_then_resubmit(self, personas):
        employer = persona_employer(personas)
        services.review_employer(
            employer, actor=personas.town_admin_b, decision="more_info", reason="请补充营业执照照片"
        )
        with pytest.raises(ValidationError) as exc:
            services.resubmit(employer, actor=personas.employer, note="")
        assert "说明" in exc.value.message_dict["note"][0]
        with pytest.raises(PermissionDenied):
            services.resubmit(employer, actor=personas.town_admin_b, note="代为提交")
        done = services.resubmit(employer, actor=personas.employer, note="已补充执照照片")
        assert done.status == "pending" and done.applicant_note == "已补充执照照片"
        with pytest.raises(ValidationError, match="无需重新提交"):
            services.resubmit(done, actor=personas.employer, note="再交一次")
        assert actions_for(employer)[-2:] == ["employer.review", "employer.resubmit"]


class TestEdit:
    def test_key_field_change_after_approval_returns_to_pending(self, personas):
        employer = services.review_employer(
            persona_employer(personas), actor=personas.city_admin, decision="approve"
        )
        employer = services.update_employer(
            employer, actor=personas.employer, data={"address": "东区新地址9号"}
        )
        assert employer.status == "approved" and employer.address == "东区新地址9号"
        employer = services.update_employer(
            employer, actor=personas.employer, data={"name": "中山市东区新名称物业有限公司"}
        )
        assert employer.status == "pending" and "名称" in employer.status_reason
        entry = AuditEntry.objects.filter(action="employer.update", object_id=employer.code).first()
        assert entry is not None and entry.after["status"] == "pending"

    def test_uscc_change_is_checked_again(self, personas):
        employer = persona_employer(personas)
        employer = services.update_employer(
            employer, actor=personas.employer, data={"uscc": wrong_check(employer.uscc or "")}
        )
        assert employer.uscc_check == "failed"
        with pytest.raises(ValidationError):
            services.update_employer(employer, actor=personas.employer, data={"kind": "household"})

    @pytest.mark.parametrize("role", ["city_admin", "town_admin_b", "outsider"])
    def test_only_managers_edit(self, personas, role):
        with pytest.raises(PermissionDenied):
            services.update_employer(
                persona_employer(personas), actor=getattr(personas, role), data={"address": "x"}
            )

    def test_plain_member_cannot_edit(self, personas):
        employer = persona_employer(personas)
        member = make_user("member_m", "13900000013")
        grant_membership(actor=personas.employer, user=member, role=Role.EMPLOYER_MEMBER, employer=employer)
        with pytest.raises(PermissionDenied):
            services.update_employer(employer, actor=fresh(member), data={"address": "x"})

    def test_invalid_edit_saves_nothing(self, personas):
        employer = persona_employer(personas)
        with pytest.raises(ValidationError):
            services.update_employer(
                employer, actor=personas.employer, data={"address": "新地址", "contact_phone": "110"}
            )
        employer.refresh_from_db()
        assert employer.address == "中山市东区兴中道8号"


class TestMembers:
    def test_existing_user_is_added_at_once(self, personas):
        employer = persona_employer(personas)
        result = services.invite_member(employer, actor=personas.employer, phone="139-0000-0004")
        assert result.membership is not None and result.membership.user == personas.worker
        assert result.invitation is None and result.token == ""
        assert employer.pk in fresh(personas.worker).employer_ids
        assert "employer.member_add" in actions_for(employer)
        with pytest.raises(ValidationError, match="已是本单位成员"):
            services.invite_member(employer, actor=personas.employer, phone="13900000004")

    def test_new_phone_gets_an_invitation_by_sms_and_accepts(self, personas):
        employer = persona_employer(personas)
        result = services.invite_member(
            employer, actor=personas.employer, phone="13900000021", base_url="https://lg.example/"
        )
        invitation = result.invitation
        assert invitation is not None and result.token and invitation.phone == "13900000021"
        assert invitation.token_hash == EmployerInvitation.hash_token(result.token)
        assert result.token not in invitation.token_hash
        sms = OutboxMessage.objects.get(dedupe_key=f"employer-invite:{invitation.pk}")
        assert sms.channel == "sms" and sms.recipient == "13900000021" and sms.template == "employer_invite"
        assert f"https://lg.example/employers/invite/{result.token}/" in sms.text
        assert "employer.invite" in actions_for(employer)

        newcomer = make_user("newcomer", "13900000021")
        membership = services.accept_invitation(actor=newcomer, token=result.token)
        assert membership.employer == employer and not membership.is_manager
        invitation.refresh_from_db()
        assert invitation.accepted_by == newcomer and invitation.accepted_at is not None
        # A second click on the same link changes nothing.
        assert services.accept_invitation(actor=fresh(newcomer), token=result.token) == membership
        assert "employer.invite_accept" in actions_for(employer)

    def test_wrong_phone_is_refused(self, personas):
        result = services.invite_member(
            persona_employer(personas), actor=personas.employer, phone="13900000022"
        )
        with pytest.raises(PermissionDenied, match="139\\*\\*\\*\\*0022"):
            services.accept_invitation(actor=personas.outsider, token=result.token)
        assert not Membership.objects.filter(user=personas.outsider).exists()

    def test_expired_invitation_is_refused(self, personas):
        result = services.invite_member(
            persona_employer(personas), actor=personas.employer, phone="13900000023"
        )
        assert result.invitation is not None
        EmployerInvitation.objects.filter(pk=result.invitation.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )
        late = make_user("late", "13900000023")
        with pytest.raises(ValidationError, match="已过期"):
            services.accept_invitation(actor=late, token=result.token)
        assert late.employer_ids == set()

    def test_a_new_invitation_replaces_the_old_and_garbage_is_refused(self, personas):
        employer = persona_employer(personas)
        first = services.invite_member(employer, actor=personas.employer, phone="13900000024")
        second = services.invite_member(
            employer, actor=personas.employer, phone="13900000024", as_manager=True
        )
        person = make_user("p24", "13900000024")
        with pytest.raises(ValidationError, match="作废"):
            services.accept_invitation(actor=person, token=first.token)
        with pytest.raises(ValidationError, match="无效"):
            services.accept_invitation(actor=person, token="not-a-token")
        assert services.accept_invitation(actor=person, token=second.token).is_manager

    @pytest.mark.parametrize("role", ["town_admin_b", "worker", "outsider"])
    def test_only_managers_invite(self, personas, role):
        with pytest.raises(PermissionDenied):
            services.invite_member(
                persona_employer(personas), actor=getattr(personas, role), phone="13900000025"
            )

    def test_bad_phone_is_a_clear_error(self, personas):
        with pytest.raises(ValidationError) as exc:
            services.invite_member(persona_employer(personas), actor=personas.employer, phone="12345")
        assert "手机号" in exc.value.message_dict["phone"][0]
        assert not EmployerInvitation.objects.exists()

    def test_last_manager_cannot_be_removed(self, personas):
        employer = persona_employer(personas)
        own = Membership.objects.get(user=personas.employer, employer=employer)
        with pytest.raises(ValidationError, match="最后一位管理员"):
            services.remove_member(employer, actor=personas.employer, membership=own)
        second = services.invite_member(
            employer, actor=personas.employer, phone="13900000004", as_manager=True
        ).membership
        assert second is not None and second.is_manager
        # With two managers, one may leave; then the other is the last one again.
        services.remove_member(employer, actor=personas.employer, membership=own)
        own.refresh_from_db()
        assert not own.active
        with pytest.raises(ValidationError, match="最后一位管理员"):
            services.remove_member(employer, actor=fresh(personas.worker), membership=second)
        assert "employer.member_remove" in actions_for(employer)

    def test_plain_member_cannot_remove(self, personas):
        employer = persona_employer(personas)
        member = services.invite_member(employer, actor=personas.employer, phone="13900000004").membership
        own = Membership.objects.get(user=personas.employer, employer=employer)
        assert member is not None
        with pytest.raises(PermissionDenied):
            services.remove_member(employer, actor=fresh(personas.worker), membership=own)

    def test_membership_of_another_employer_is_refused(self, personas, xiaolan, boss):
        theirs = Membership.objects.get(user=boss, employer=xiaolan)
        with pytest.raises(ValidationError, match="不属于本单位"):
            services.remove_member(persona_employer(personas), actor=personas.employer, membership=theirs)


class TestMembershipScope:
    def test_employer_member_needs_an_employer(self, personas):
        with pytest.raises(ValidationError) as exc:
            grant_membership(actor=None, user=personas.outsider, role=Role.EMPLOYER_MEMBER)
        assert "用工主体" in exc.value.message_dict["employer"][0]
        with pytest.raises(ValidationError):
            grant_membership(
                actor=None, user=personas.outsider, role=Role.WORKER, employer=persona_employer(personas)
            )

    def test_database_refuses_an_unscoped_employer_member(self, personas):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(user=personas.outsider, role=Role.EMPLOYER_MEMBER)

    def test_who_may_grant_employer_membership(self, personas, xiaolan, boss):
        employer = persona_employer(personas)
        for actor in (personas.town_admin_b, personas.worker, boss):
            with pytest.raises(PermissionDenied):
                grant_membership(
                    actor=actor, user=personas.outsider, role=Role.EMPLOYER_MEMBER, employer=employer
                )
        grant_membership(
            actor=personas.city_admin, user=personas.outsider, role=Role.EMPLOYER_MEMBER, employer=employer
        )
        membership = grant_membership(
            actor=personas.employer, user=personas.worker, role=Role.EMPLOYER_MEMBER, employer=employer
        )
        revoke_membership(actor=personas.employer, membership=membership)
        assert fresh(personas.worker).employer_ids == set()


class TestVisibility:
    def test_who_sees_which_employer(self, personas, xiaolan, boss):
        dongqu = persona_employer(personas)
        seen = {
            role: set(Employer.objects.visible_to(getattr(personas, role)))
            for role in ("city_admin", "town_admin_b", "coordinator_a", "worker", "employer", "outsider")
        }
        assert seen["city_admin"] == {dongqu, xiaolan}
        assert seen["town_admin_b"] == {dongqu}
        assert seen["employer"] == {dongqu}
        assert seen["coordinator_a"] == seen["worker"] == seen["outsider"] == set()
        assert set(Employer.objects.visible_to(boss)) == {xiaolan}
        assert set(Employer.objects.editable_by(personas.employer)) == {dongqu}
        assert set(Employer.objects.editable_by(personas.city_admin)) == set()

    def test_public_lists_approved_only(self, personas, xiaolan):
        assert not Employer.objects.public().exists()
        services.review_employer(xiaolan, actor=personas.city_admin, decision="approve")
        assert [e.name for e in Employer.objects.public()] == [xiaolan.name]


class TestCredit:
    @pytest.mark.parametrize(
        ("fields", "level"),
        [
            ({}, "良好"),
            ({"rating_avg": Decimal("2.5"), "rating_count": 3}, "良好"),  # too few ratings to count
            ({"complaints": 1}, "一般"),
            ({"warnings": 1}, "一般"),
            ({"rating_avg": Decimal("3.6"), "rating_count": 8}, "一般"),
            ({"arrears_cases": 1}, "警示"),
            ({"warnings": 2}, "警示"),
            ({"complaints": 3}, "警示"),
            ({"rating_avg": Decimal("2.9"), "rating_count": 5}, "警示"),
        ],
    )
    def test_credit_level(self, fields, level):
        employer = Employer(**fields)
        assert employer.credit_level == level
        assert bool(employer.credit_reasons()) == (level != "良好")


def test_every_write_is_audited(personas):
    employer = persona_employer(personas)
    services.update_employer(employer, actor=personas.employer, data={"industry": "物业"})
    services.review_employer(employer, actor=personas.city_admin, decision="more_info", reason="补充材料")
    services.resubmit(employer, actor=personas.employer, note="已补充")
    result = services.invite_member(employer, actor=personas.employer, phone="13900000031")
    person = make_user("p31", "13900000031")
    services.accept_invitation(actor=person, token=result.token)
    membership = Membership.objects.get(user=person, employer=employer)
    services.remove_member(employer, actor=personas.employer, membership=membership)
    services.review_employer(employer, actor=personas.city_admin, decision="approve")
    assert actions_for(employer) == [
        "employer.register",
        "employer.update",
        "employer.review",
        "employer.resubmit",
        "employer.invite",
        "employer.invite_accept",
        "employer.member_remove",
        "employer.review",
    ]
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "membership.grant",
        "membership.revoke",
    }


@given(st.text(max_size=30))
def test_check_uscc_only_ever_says_what_is_wrong(raw):
    """Any text: a canonical code with its check result, or a Chinese CreditCodeError; nothing else."""
    try:
        code, check = services.check_uscc(raw)
    except CreditCodeError as exc:
        assert str(exc)
    else:
        assert len(code) == 18 and check in ("passed", "failed")


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9))
def test_a_wrong_check_character_is_never_a_dead_end(body):
    code = make_uscc("91442000" + body)
    assert services.check_uscc(code) == (code, "passed")
    assert services.check_uscc(wrong_check(code)) == (wrong_check(code), "failed")
