"""Lines other parts of the system add: assisted and kiosk registration (求职登记), staff invitations
(岗位推荐)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lingong.accounts.services import create_user
from lingong.employers.services import register_employer, review_employer
from lingong.employers.tests.helpers import employer_data
from lingong.gigs import booking
from lingong.gigs.tests.factories import make_worker, open_gig
from lingong.ledger import hooks
from lingong.ledger.models import LedgerEntry
from lingong.lib.idcard import make_id
from lingong.workers.models import ConsentPurpose, RegisteredVia
from lingong.workers.services import register_worker

pytestmark = pytest.mark.django_db


def xiaolan_gig(world, **overrides):
    """A 小榄 gig posted by station A's coordinator for a local employer (代发布), two shifts."""
    owner = create_user(actor=None, username="xl_boss", password="x-pass-2026!", phone="13911112222")
    employer = register_employer(actor=owner, data=employer_data(world.towns["小榄"]))
    employer = review_employer(employer, actor=world.p.city_admin, decision="approve")
    d1 = timezone.localdate() + dt.timedelta(days=1)
    shifts = [
        {"date": (d1 + dt.timedelta(days=n)).isoformat(), "start": "08:00", "end": "17:00"} for n in range(2)
    ]
    gig = open_gig(
        world.p.coordinator_a,
        employer,
        address="中山市小榄镇宝丰路1号",
        lat=22.6700,
        lng=113.2480,
        shifts=shifts,
        **overrides,
    )
    return gig, owner


class TestRegistrationLines:
    def test_assisted_registration_adds_a_registration_line(self, world):
        entry = LedgerEntry.objects.get(source="registration", ref=world.worker_a.code)
        assert (entry.station, entry.service, entry.worker) == (
            world.p.station_a,
            "registration",
            world.worker_a,
        )
        assert entry.coordinator == world.p.coordinator_a and entry.day == timezone.localdate()
        assert entry.notes == "站点代登记" and entry.persons == 1
        other = LedgerEntry.objects.get(source="registration", ref=world.worker_b.code)
        assert other.station == world.p.station_b and other.coordinator == world.p.town_admin_b

    def test_kiosk_registration_is_a_line_without_a_coordinator_and_self_registration_none(self, world):
        def register(via, phone, serial, station):
            return register_worker(
                actor=None,
                via=via,
                phone=phone,
                real_name="何秀英",
                id_number=make_id("442000", dt.date(1968, 4, 12), serial),
                consents=list(ConsentPurpose.values),
                station=station,
            )

        kiosk = register(RegisteredVia.KIOSK, "13722220001", 11, world.p.station_a)
        line = LedgerEntry.objects.get(source="registration", ref=kiosk.code)
        assert line.coordinator is None and line.notes == "一体机登记" and line.station == world.p.station_a
        phone_self = register(RegisteredVia.SELF, "13722220002", 12, None)
        assert not LedgerEntry.objects.filter(ref=phone_self.code).exists()

    def test_a_failing_ledger_never_undoes_the_registration(self, world, monkeypatch, caplog):
        def broken(**kwargs):
            raise RuntimeError("ledger down")

        monkeypatch.setattr(hooks, "record_service", broken)
        worker = make_worker(world.p.coordinator_a, world.p.station_a, phone="13722220003", name="冯伯")
        assert worker.pk is not None
        assert not LedgerEntry.objects.filter(ref=worker.code).exists()
        assert "could not record registration" in caplog.text


class TestInvitationLines:
    def test_a_coordinators_invitation_is_one_recommendation_per_worker_and_gig(self, world):
        gig, owner = xiaolan_gig(world)
        first, second = list(gig.shifts.order_by("starts_at"))
        booking.invite(first, world.worker_a, actor=world.p.coordinator_a)
        booking.invite(second, world.worker_a, actor=world.p.coordinator_a)
        lines = LedgerEntry.objects.filter(source="invitation", ref=gig.code)
        assert lines.count() == 1
        line = lines.get()
        assert (line.service, line.worker, line.station) == (
            "recommendation",
            world.worker_a,
            world.p.station_a,
        )
        assert line.result == "referred" and gig.code in line.outcome and gig.title in line.outcome
        assert line.coordinator == world.p.coordinator_a

    def test_employer_and_admin_invitations_are_not_station_services(self, world):
        gig, owner = xiaolan_gig(world)
        shift = gig.shifts.order_by("starts_at").first()
        extra = make_worker(world.p.coordinator_a, world.p.station_a, phone="13722220004", name="邓姨")
        booking.invite(shift, world.worker_a, actor=owner)
        booking.invite(shift, extra, actor=world.p.city_admin)
        assert not LedgerEntry.objects.filter(source="invitation").exists()
