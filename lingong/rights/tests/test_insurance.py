"""Accident insurance: recording coverage (who may, what is checked), finding it for a day's work,
and showing it to the worker."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from lingong.accounts.models import AuditEntry
from lingong.gigs.tests.factories import make_worker
from lingong.rights.insurance import coverage_for, record_coverage
from lingong.rights.models import InsuranceCoverage

from .helpers import completed, first_shift

pytestmark = pytest.mark.django_db

D = dt.timedelta(days=1)


def policy(**overrides) -> dict:
    today = timezone.localdate()
    data = {
        "insurer": "中国人寿中山分公司",
        "policy_number": "ZS2026-0001",
        "source": "employer",
        "valid_from": today,
        "valid_until": today + 30 * D,
        "subsidy_eligible": False,
        "subsidy_reason": "",
    }
    data.update(overrides)
    return data


class TestRecording:
    def test_employer_manager_covers_their_gig(self, personas, gig, worker):
        coverage = record_coverage(actor=personas.employer, data=policy(), gig=gig)
        assert coverage.employer == gig.employer and coverage.worker is None
        day = first_shift(gig).day
        assert coverage_for(worker, gig, day) == coverage
        assert coverage_for(None, gig, day) == coverage
        assert coverage_for(worker, gig, day + 60 * D) is None
        assert AuditEntry.objects.filter(action="insurance.record", object_id=coverage.code).exists()

    def test_the_most_specific_record_wins(self, personas, gig, worker):
        per_worker = record_coverage(
            actor=personas.coordinator_a,
            data=policy(
                source="subsidised", subsidy_eligible=True, subsidy_reason="就业困难人员", policy_number="P-W"
            ),
            worker=worker,
        )
        day = first_shift(gig).day
        assert coverage_for(worker, gig, day) == per_worker
        assert coverage_for(worker, None, day) == per_worker
        per_gig = record_coverage(actor=personas.employer, data=policy(policy_number="P-G"), gig=gig)
        assert coverage_for(worker, gig, day) == per_gig
        completed(gig, worker)
        exact = record_coverage(
            actor=personas.employer, data=policy(policy_number="P-X"), gig=gig, worker=worker
        )
        assert coverage_for(worker, gig, day) == exact
        other = make_worker(personas.coordinator_a, personas.station_a, name="何阿姨")
        assert coverage_for(other, gig, day) == per_gig
        assert coverage_for(other, None, day) is None

    def test_who_may_record(self, personas, gig, worker):
        for actor in (personas.outsider, worker.user, personas.coordinator_a):
            # The coordinator's station is in 小榄; the gig is a 东区 employer's, posted by itself.
            with pytest.raises(PermissionDenied):
                record_coverage(actor=actor, data=policy(), gig=gig)
        for actor in (personas.employer, personas.town_admin_b):
            with pytest.raises(PermissionDenied):
                record_coverage(actor=actor, data=policy(), worker=worker)
        assert record_coverage(actor=personas.town_admin_b, data=policy(), gig=gig)
        with pytest.raises(ValidationError):
            record_coverage(actor=personas.city_admin, data=policy())
        with pytest.raises(ValidationError) as err:
            record_coverage(actor=personas.employer, data=policy(), gig=gig, worker=worker)
        assert "没有报名" in str(err.value)

    def test_bad_input_is_explained_and_nothing_saved(self, personas, gig):
        today = timezone.localdate()
        bad = policy(insurer="", valid_until=today - D, source="subsidised", subsidy_eligible=False)
        with pytest.raises(ValidationError) as err:
            record_coverage(actor=personas.employer, data=bad, gig=gig)
        errors = err.value.message_dict
        assert errors["insurer"] == ["请填写保险公司"]
        assert errors["valid_until"] == ["终止日期不能早于起保日期"]
        assert "政府补贴投保须符合补贴条件" in errors["subsidy_eligible"][0]
        with pytest.raises(ValidationError) as err:
            record_coverage(actor=personas.employer, data=policy(subsidy_eligible=True), gig=gig)
        assert "补贴依据" in str(err.value) or "依据" in err.value.message_dict["subsidy_reason"][0]
        with pytest.raises(ValidationError) as err:
            record_coverage(actor=personas.employer, data=policy(valid_until=today + 400 * D), gig=gig)
        assert "不能超过一年" in str(err.value)
        assert not InsuranceCoverage.objects.exists()


class TestPages:
    def test_employer_records_on_the_page(self, client, personas, gig):
        client.force_login(personas.employer)
        today = timezone.localdate()
        form = {
            "gig_code": gig.code,
            "insurer": "平安财险",
            "policy_number": "PA-778",
            "source": "employer",
            "valid_from": today.isoformat(),
            "valid_until": (today + 7 * D).isoformat(),
        }
        response = client.post(reverse("rights:insurance"), form)
        assert response.status_code == 302
        page = client.get(reverse("rights:insurance")).content.decode()
        assert "PA-778" in page and gig.title in page
        bad = client.post(reverse("rights:insurance"), {**form, "gig_code": "GNOPE", "policy_number": ""})
        assert bad.status_code == 400 and "未找到该岗位编号" in bad.content.decode()
        assert InsuranceCoverage.objects.count() == 1

    def test_workers_and_outsiders_cannot_open_it(self, client, personas, worker):
        for user in (worker.user, personas.outsider):
            client.force_login(user)
            assert client.get(reverse("rights:insurance")).status_code == 403

    def test_the_worker_sees_whether_their_work_is_covered(self, client, personas, gig, worker):
        from lingong.gigs.models import Application

        app = completed(gig, worker)
        Application.objects.filter(pk=app.pk).update(status="booked", completed_at=None)
        client.force_login(worker.user)
        page = client.get(reverse("rights:mine")).content.decode()
        assert gig.title in page and "未查到保险记录" in page
        record_coverage(actor=personas.employer, data=policy(policy_number="PA-999"), gig=gig)
        page = client.get(reverse("rights:mine")).content.decode()
        assert "已投保" in page and "PA-999" in page and "未查到保险记录" not in page
